/// The published shapes of the Pythia sizes (DESIGN "The Pythia suite"), used where a shape is needed
/// before any file is at hand: weighing work units by bytes to read. Computation reads config.json.
extension PythiaSuite {
    /// (layers, d_model, heads, d_mlp, vocab) per size.
    public static let shapes: [String: GPTNeoXConfig] = {
        let table: [(String, Int, Int, Int, Int, Int)] = [
            ("14m", 6, 128, 4, 512, 50304), ("31m", 6, 256, 8, 1024, 50304), ("70m", 6, 512, 8, 2048, 50304),
            ("160m", 12, 768, 12, 3072, 50304), ("410m", 24, 1024, 16, 4096, 50304), ("1b", 16, 2048, 8, 8192, 50304),
            ("1.4b", 24, 2048, 16, 8192, 50304), ("2.8b", 32, 2560, 32, 10240, 50304),
            ("6.9b", 32, 4096, 32, 16384, 50432), ("12b", 36, 5120, 40, 20480, 50688),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { size, layers, d, heads, mlp, vocab in
            (size, GPTNeoXConfig(layers: layers, dModel: d, heads: heads, dMLP: mlp, vocab: vocab, source: .configJSON))
        })
    }()

    /// The size of a Pythia repository (`EleutherAI/pythia-160m-deduped` -> `160m`; seed and `-v0` runs
    /// included), or nil when the name holds no known size.
    public static func size(ofRepository repo: String) -> String? {
        guard let name = repo.split(separator: "/").last.map(String.init), name.hasPrefix("pythia-") else { return nil }
        let first = name.dropFirst("pythia-".count).split(separator: "-").first.map(String.init) ?? ""
        return sizes.contains(first) ? first : nil
    }
}

extension GPTNeoXConfig {
    /// Parameters of a GPT-NeoX model of this shape: per layer fused QKV (3d x d + 3d), attention dense
    /// (d x d + d), MLP in and out (2 d d_mlp + d_mlp + d), two LayerNorms (4d); embed_in and embed_out
    /// (V x d each) and the final LayerNorm (2d).
    public var parameterCount: Int {
        let d = dModel
        let perLayer = 3 * d * d + 3 * d + d * d + d + 2 * d * dMLP + dMLP + d + 4 * d
        return layers * perLayer + 2 * vocab * d + 2 * d
    }
}
