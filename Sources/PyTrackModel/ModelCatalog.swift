import PyTrackDomain
import PyTrackFormats

/// One cataloged tensor: its checkpoint name, layer (nil for embeddings and the final LayerNorm) and role.
public struct CatalogEntry: Sendable, Equatable {
    public let tensor: String
    public let layer: Int?
    public let matrix: Role
    public let dtype: DType
    public let shape: [Int]
}

/// Names every tensor of a GPT-NeoX checkpoint by layer and role. Buffers (causal mask,
/// masked_bias, rotary inv_freq) are skipped and listed; unrecognised tensors are listed, not fatal.
public struct ModelCatalog: Sendable {
    /// Entries ordered embed_in, layer 0...N-1 (by role), final LayerNorm, embed_out.
    public let entries: [CatalogEntry]
    /// Buffers that were recognised and skipped.
    public let skipped: [String]
    /// Tensors with names this catalog does not know.
    public let unknown: [String]

    /// Per-layer tensor suffixes (after `gpt_neox.layers.N.`).
    static let layerRoles: [String: Role] = [
        "attention.query_key_value.weight": .qkv, "attention.query_key_value.bias": .qkvBias,
        "attention.dense.weight": .attnOut, "attention.dense.bias": .attnOutBias,
        "mlp.dense_h_to_4h.weight": .mlpIn, "mlp.dense_h_to_4h.bias": .mlpInBias,
        "mlp.dense_4h_to_h.weight": .mlpOut, "mlp.dense_4h_to_h.bias": .mlpOutBias,
        "input_layernorm.weight": .ln1Gain, "input_layernorm.bias": .ln1Bias,
        "post_attention_layernorm.weight": .ln2Gain, "post_attention_layernorm.bias": .ln2Bias,
    ]
    static let layerBuffers: Set<String> = ["attention.bias", "attention.masked_bias", "attention.rotary_emb.inv_freq"]
    static let globalRoles: [String: Role] = [
        "gpt_neox.embed_in.weight": .embedIn, "embed_out.weight": .embedOut,
        "gpt_neox.final_layer_norm.weight": .finalLNGain, "gpt_neox.final_layer_norm.bias": .finalLNBias,
    ]

    public init(tensors: [TensorInfo]) {
        var entries: [CatalogEntry] = []
        var skipped: [String] = []
        var unknown: [String] = []
        for t in tensors {
            if let role = Self.globalRoles[t.name] {
                entries.append(CatalogEntry(tensor: t.name, layer: nil, matrix: role, dtype: t.dtype, shape: t.shape))
                continue
            }
            let prefix = "gpt_neox.layers."
            guard t.name.hasPrefix(prefix) else { unknown.append(t.name); continue }
            let rest = t.name.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]), layer >= 0,
                  String(layer) == rest[..<dot] else { unknown.append(t.name); continue }
            let suffix = String(rest[rest.index(after: dot)...])
            if let role = Self.layerRoles[suffix] {
                entries.append(CatalogEntry(tensor: t.name, layer: layer, matrix: role, dtype: t.dtype, shape: t.shape))
            } else if Self.layerBuffers.contains(suffix) {
                skipped.append(t.name)
            } else {
                unknown.append(t.name)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: Role.allCases.enumerated().map { ($1, $0) })
        func rank(_ e: CatalogEntry) -> (Int, Int, Int) {
            switch e.matrix {
            case .embedIn: return (0, 0, 0)
            case .finalLNGain, .finalLNBias, .embedOut: return (2, 0, order[e.matrix] ?? 0)
            default: return (1, e.layer ?? 0, order[e.matrix] ?? 0)
            }
        }
        self.entries = entries.sorted { rank($0) < rank($1) }
        self.skipped = skipped
        self.unknown = unknown
    }

    /// The entry for `matrix` in `layer` (nil layer for embeddings and the final LayerNorm).
    public func entry(layer: Int?, matrix: Role) -> CatalogEntry? {
        entries.first { $0.layer == layer && $0.matrix == matrix }
    }

    /// 1 + the highest layer index seen (0 when there are no layers).
    public var layerCount: Int { (entries.compactMap(\.layer).max() ?? -1) + 1 }
}
