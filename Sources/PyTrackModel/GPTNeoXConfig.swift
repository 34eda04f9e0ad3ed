import PyTrackDomain
import Foundation
import PyTrackFormats

/// The shape of a GPT-NeoX model: from `config.json`, or inferred from tensor shapes when the
/// config is absent (then `heads` is nil and `headsUnknownReason` says why).
public struct GPTNeoXConfig: Sendable, Equatable {
    /// Where the values came from.
    public enum Source: String, Sendable { case configJSON = "config.json", inferred = "tensor shapes" }

    public var layers: Int
    public var dModel: Int
    public var heads: Int?
    public var dMLP: Int
    public var vocab: Int
    public var useParallelResidual: Bool?
    public var rotaryPct: Double?
    public var maxPositions: Int?
    public var source: Source
    /// Set when `heads` is nil.
    public var headsUnknownReason: String?

    public init(layers: Int, dModel: Int, heads: Int?, dMLP: Int, vocab: Int, useParallelResidual: Bool? = nil,
                rotaryPct: Double? = nil, maxPositions: Int? = nil, source: Source, headsUnknownReason: String? = nil) {
        self.layers = layers
        self.dModel = dModel
        self.heads = heads
        self.dMLP = dMLP
        self.vocab = vocab
        self.useParallelResidual = useParallelResidual
        self.rotaryPct = rotaryPct
        self.maxPositions = maxPositions
        self.source = source
        self.headsUnknownReason = headsUnknownReason
    }

    /// d_model / heads, when heads are known.
    public var headDim: Int? { heads.flatMap { $0 > 0 && dModel % $0 == 0 ? dModel / $0 : nil } }

    /// Reads a Hugging Face GPT-NeoX `config.json` with the strict JSON parser, so `true`/`false` and the
    /// numbers 0/1 stay distinct (Foundation's JSONSerialization hands back NSNumbers that cast to both Bool
    /// and Int on Linux). The rotary fraction is `rotary_pct`, else transformers >= 5's
    /// `rope_parameters.partial_rotary_factor`, else a top-level `partial_rotary_factor`.
    public static func load(configPath path: String) throws -> GPTNeoXConfig {
        let root: JSONValue
        do {
            let data = try BoundedFile.read(path, limit: BoundedFile.configLimit)
            guard String(validating: data, as: UTF8.self) != nil else {
                throw ModelError.configUnreadable(path: path, reason: "not UTF-8")
            }
            root = try StrictJSON.parse(data)
        } catch let e as ModelError {
            throw e
        } catch let e as FormatError {
            throw e  // names the file: not a regular file, or over the size limit
        } catch let e as StrictJSON.Failure {
            throw ModelError.configUnreadable(path: path, reason: e.description)
        } catch {
            throw ModelError.configUnreadable(path: path, reason: error.localizedDescription)
        }
        guard case .object = root else { throw ModelError.configUnreadable(path: path, reason: "not a JSON object") }
        func positive(_ key: String) throws -> Int {
            guard let v = root[key] else { throw ModelError.configField(path: path, field: key, problem: "is missing") }
            guard let n = v.intValue, n > 0 else {
                throw ModelError.configField(path: path, field: key, problem: "is not a positive integer")
            }
            return n
        }
        let d = try positive("hidden_size"), h = try positive("num_attention_heads")
        guard d % h == 0 else {
            throw ModelError.configField(path: path, field: "num_attention_heads", problem: "(\(h)) does not divide hidden_size (\(d))")
        }
        let rotary = root["rotary_pct"]?.doubleValue ?? root["rope_parameters"]?["partial_rotary_factor"]?.doubleValue
            ?? root["partial_rotary_factor"]?.doubleValue
        return GPTNeoXConfig(layers: try positive("num_hidden_layers"), dModel: d, heads: h,
                             dMLP: try positive("intermediate_size"), vocab: try positive("vocab_size"),
                             useParallelResidual: root["use_parallel_residual"]?.boolValue,
                             rotaryPct: rotary,
                             maxPositions: root["max_position_embeddings"]?.intValue, source: .configJSON)
    }

    /// Infers layers, d_model, d_mlp and vocab from a catalog's tensor shapes (heads cannot be inferred).
    public static func infer(from catalog: ModelCatalog, path: String) throws -> GPTNeoXConfig {
        func shape(_ layer: Int?, _ m: Role) -> [Int]? { catalog.entry(layer: layer, matrix: m)?.shape }
        guard let qkv = shape(0, .qkv), qkv.count == 2, qkv[0] == 3 * qkv[1] else {
            throw ModelError.cannotInfer(path: path, reason: "layer 0 has no [3d, d] query_key_value weight")
        }
        let d = qkv[1]
        guard let mlpIn = shape(0, .mlpIn), mlpIn.count == 2, mlpIn[1] == d else {
            throw ModelError.cannotInfer(path: path, reason: "layer 0 has no [d_mlp, d] dense_h_to_4h weight")
        }
        guard let embed = shape(nil, .embedIn) ?? shape(nil, .embedOut), embed.count == 2, embed[1] == d else {
            throw ModelError.cannotInfer(path: path, reason: "no [vocab, d] embed_in or embed_out weight")
        }
        return GPTNeoXConfig(layers: catalog.layerCount, dModel: d, heads: nil, dMLP: mlpIn[0], vocab: embed[0],
                             source: .inferred,
                             headsUnknownReason: "no config.json: num_attention_heads cannot be inferred from tensor shapes")
    }

    /// The config for a checkpoint at `path` (file or directory): `config.json` beside it when present,
    /// otherwise inferred from `catalog`.
    public static func forCheckpoint(at path: String, catalog: ModelCatalog) throws -> GPTNeoXConfig {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let url = URL(fileURLWithPath: path)
        let dir = exists && isDir.boolValue ? url : url.deletingLastPathComponent()
        let config = dir.appendingPathComponent("config.json").path
        if FileManager.default.fileExists(atPath: config) { return try load(configPath: config) }
        return try infer(from: catalog, path: path)
    }
}
