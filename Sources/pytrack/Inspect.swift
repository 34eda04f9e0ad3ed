import ArgumentParser
import Foundation
import PyTrackFormats
import PyTrackModel

/// `pytrack inspect FILE|DIR [--json]`: what a checkpoint holds and how pytrack will name it.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a checkpoint's format, tensors, architecture and matrix catalog.",
        discussion: """
        Accepts a .safetensors or .bin file, a shard index (*.index.json), or a directory holding one
        (model.safetensors, then model.safetensors.index.json, then pytorch_model.bin, then its index).
        The architecture comes from config.json next to the checkpoint, else from tensor shapes.
        Example:
          pytrack inspect ~/.cache/huggingface/hub/models--EleutherAI--pythia-70m/snapshots/<commit>
          pytrack inspect model.safetensors --json
        """
    )

    @Argument(help: "A checkpoint file or directory.")
    var path: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let report = try InspectReport(path: path)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(report.text, terminator: "")
        }
    }
}

/// Everything `inspect` prints, in a JSON-encodable shape.
struct InspectReport: Encodable {
    struct Tensor: Encodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let bytes: Int
        let file: String
    }

    struct Architecture: Encodable {
        let layers: Int
        let d_model: Int
        let heads: Int?
        let head_dim: Int?
        let d_mlp: Int
        let vocab: Int
        let use_parallel_residual: Bool?
        let rotary_pct: Double?
        let source: String
        let heads_unknown_reason: String?

        enum CodingKeys: String, CodingKey {
            case layers, d_model, heads, head_dim, d_mlp, vocab, use_parallel_residual, rotary_pct, source, heads_unknown_reason
        }

        /// Unknown values are written as null rather than left out.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(layers, forKey: .layers)
            try c.encode(d_model, forKey: .d_model)
            try c.encode(heads, forKey: .heads)
            try c.encode(head_dim, forKey: .head_dim)
            try c.encode(d_mlp, forKey: .d_mlp)
            try c.encode(vocab, forKey: .vocab)
            try c.encode(use_parallel_residual, forKey: .use_parallel_residual)
            try c.encode(rotary_pct, forKey: .rotary_pct)
            try c.encode(source, forKey: .source)
            try c.encodeIfPresent(heads_unknown_reason, forKey: .heads_unknown_reason)
        }
    }

    struct CatalogRow: Encodable {
        let tensor: String
        let layer: Int?
        let matrix: String

        enum CodingKeys: String, CodingKey { case tensor, layer, matrix }

        /// `layer` is null for embeddings and the final LayerNorm.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tensor, forKey: .tensor)
            try c.encode(layer, forKey: .layer)
            try c.encode(matrix, forKey: .matrix)
        }
    }

    let path: String
    let format: String
    let dtypes: [String]
    let tensors: [Tensor]
    let architecture: Architecture?
    let architecture_error: String?
    let catalog: [CatalogRow]
    let skipped: [String]
    let unknown: [String]

    init(path: String) throws {
        let ckpt = try Checkpoint.open(path)
        let catalog = ModelCatalog(tensors: ckpt.tensors)
        self.path = path
        format = ckpt.format.rawValue
        dtypes = Array(Set(ckpt.tensors.map(\.dtype.rawValue))).sorted()
        tensors = ckpt.tensors.map {
            Tensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, bytes: $0.byteCount,
                   file: URL(fileURLWithPath: $0.sourceFile).lastPathComponent)
        }
        do {
            let c = try GPTNeoXConfig.forCheckpoint(at: path, catalog: catalog)
            architecture = Architecture(layers: c.layers, d_model: c.dModel, heads: c.heads, head_dim: c.headDim, d_mlp: c.dMLP,
                                        vocab: c.vocab, use_parallel_residual: c.useParallelResidual, rotary_pct: c.rotaryPct,
                                        source: c.source.rawValue, heads_unknown_reason: c.headsUnknownReason)
            architecture_error = nil
        } catch let ModelError.cannotInfer(_, reason) {
            // Not a GPT-NeoX checkpoint (or an incomplete one): still worth listing its tensors.
            architecture = nil
            architecture_error = reason
        }
        self.catalog = catalog.entries.map { CatalogRow(tensor: $0.tensor, layer: $0.layer, matrix: $0.matrix.rawValue) }
        skipped = catalog.skipped
        unknown = catalog.unknown
    }

    var text: String {
        // Names come from the file: control characters are shown escaped (TerminalText).
        let e = TerminalText.escaped
        var out = "checkpoint: \(e(path))\nformat: \(format)\ndtypes: \(e(dtypes.joined(separator: ", ")))\n"
        if let a = architecture {
            let heads = a.heads.map(String.init) ?? "unknown (\(a.heads_unknown_reason ?? "not in config"))"
            out += "architecture (from \(a.source)): layers \(a.layers), d_model \(a.d_model), heads \(heads), "
                + "d_mlp \(a.d_mlp), vocab \(a.vocab)"
            if let p = a.use_parallel_residual { out += ", parallel residual \(p)" }
            if let r = a.rotary_pct { out += ", rotary_pct \(r)" }
            out += "\n"
        } else {
            out += "architecture: not GPT-NeoX (\(e(architecture_error ?? "unknown")))\n"
        }
        let roles = Dictionary(catalog.map { ($0.tensor, $0) }, uniquingKeysWith: { a, _ in a })
        let nameWidth = min(60, tensors.map { e($0.name).count }.max() ?? 0)
        out += "tensors (\(tensors.count)):\n"
        for t in tensors {
            let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
            var role = "-"
            if let r = roles[t.name] { role = (r.layer.map { "layer \($0) " } ?? "") + r.matrix }
            else if skipped.contains(t.name) { role = "(buffer, skipped)" }
            else if unknown.contains(t.name) { role = "(unknown)" }
            let name = e(t.name)
            out += "  " + name.padding(toLength: max(nameWidth, name.count), withPad: " ", startingAt: 0)
                + "  " + t.dtype.padding(toLength: 5, withPad: " ", startingAt: 0)
                + "  " + shape.padding(toLength: 14, withPad: " ", startingAt: 0) + "  " + role + "\n"
        }
        out += "catalog: \(catalog.count) tensors named, \(skipped.count) buffers skipped, \(unknown.count) unknown\n"
        return out
    }
}
