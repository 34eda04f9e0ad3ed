import Foundation
import PyTrackDomain
import PyTrackFormats
import PyTrackModel
import PyTrackStore

/// Turns a checkpoint's catalogued tensors into `MatrixJob`s: every 2-D matrix the catalog names, the
/// Q/K/V split of each fused QKV (when the head count is known), the per-head OV circuits of each layer,
/// and every 1-D tensor (LayerNorm gains/biases, biases).
public enum MatrixJobPlanner {
    /// A catalogued tensor: its info and its place in the model.
    public struct Entry: Sendable {
        public var info: TensorInfo
        public var layer: Int?
        public var matrix: String
        public init(info: TensorInfo, layer: Int?, matrix: String) {
            self.info = info
            self.layer = layer
            self.matrix = matrix
        }
    }

    /// The jobs, and a note to show once when something could not be planned (e.g. no head count).
    public struct Planned: Sendable {
        public var jobs: [MatrixJob]
        public var note: String?
        /// Tensors skipped because their name or shape is not one the catalog knows, each as
        /// `name [shape]` (recognised buffers such as the causal mask are not listed).
        public var unrecognised: [String] = []

        /// One warning line naming (up to five of) the unrecognised tensors; nil when there are none.
        public var unrecognisedWarning: String? {
            guard !unrecognised.isEmpty else { return nil }
            let shown = unrecognised.prefix(5).joined(separator: ", ")
            let more = unrecognised.count > 5 ? " and \(unrecognised.count - 5) more" : ""
            return "\(unrecognised.count) tensor(s) not recognised, skipped: \(shown)\(more)"
        }
    }

    /// Plans the jobs of an open checkpoint: tensors named by `ModelCatalog`, heads from `GPTNeoXConfig`
    /// (config.json at `configURL`; without a usable one, the fused QKV only, with a note saying why).
    public static func jobs(checkpoint: Checkpoint, configURL: URL?) throws -> Planned {
        let catalog = ModelCatalog(tensors: checkpoint.tensors)
        var heads: Int?
        var reason: String?
        if let configURL {
            do {
                heads = try GPTNeoXConfig.load(configPath: configURL.path).heads
            } catch {
                reason = String(describing: error)
            }
        } else {
            reason = "no config.json beside \(checkpoint.path)"
        }
        let entries = catalog.entries.compactMap { e -> Entry? in
            guard let info = checkpoint.info(e.tensor) else { return nil }
            return Entry(info: info, layer: e.layer, matrix: e.matrix.rawValue)
        }
        var planned = try jobs(entries: entries, heads: heads)
        planned.unrecognised = catalog.unknown.compactMap { name in
            checkpoint.info(name).map { "\($0.name) \($0.shape)" }
        } + planned.unrecognised
        guard !planned.jobs.isEmpty else {
            throw ComputeError.noRecognisedTensors(path: checkpoint.path, tensors: checkpoint.tensors.count,
                                                   examples: Array(planned.unrecognised.prefix(3)))
        }
        if let reason, planned.note != nil {
            planned.note = "\(reason): num_attention_heads unknown, storing the fused qkv only (the q/k/v split and per-head OV need the head count)"
        }
        return planned
    }

    /// Plans jobs for catalogued entries; `heads` nil means no Q/K/V split and no OV circuits.
    public static func jobs(entries: [Entry], heads: Int?) throws -> Planned {
        var jobs: [MatrixJob] = []
        var unrecognised: [String] = []
        var qkvByLayer: [Int: TensorInfo] = [:]
        var denseByLayer: [Int: TensorInfo] = [:]
        for e in entries {
            let key = MatrixKey(layer: e.layer, matrix: e.matrix)
            let dtype = e.info.dtype.rawValue
            // A matrix role needs a 2-D tensor, a gain/bias role a 1-D one; anything else (3-D, scalar) is skipped and named.
            let rank = Role(rawValue: e.matrix).map { $0.isMatrix ? 2 : 1 }
            guard rank == nil || rank == e.info.shape.count else {
                unrecognised.append("\(e.info.name) \(e.info.shape)")
                continue
            }
            switch e.info.shape.count {
            case 2:
                let rows = e.info.shape[0], cols = e.info.shape[1]
                guard rows > 0, cols > 0 else { continue }
                jobs.append(MatrixJob(key: key, source: .matrix(tensor: e.info.name), rows: rows, cols: cols,
                                      dtype: dtype, groups: MetricGroups.matrix))
                if e.matrix == "qkv", let layer = e.layer {
                    guard rows == 3 * cols else {
                        throw ComputeError.badShape(path: e.info.sourceFile, tensor: e.info.name, shape: e.info.shape, expected: "[3d, d]")
                    }
                    qkvByLayer[layer] = e.info
                    if let heads, heads > 0, cols % heads == 0 {
                        for (part, name) in ["q", "k", "v"].enumerated() {
                            jobs.append(MatrixJob(key: MatrixKey(layer: layer, matrix: name),
                                                  source: .qkvPart(tensor: e.info.name, part: part, heads: heads),
                                                  rows: cols, cols: cols, dtype: dtype, groups: MetricGroups.matrix))
                        }
                    }
                }
                if e.matrix == "attn_out", let layer = e.layer { denseByLayer[layer] = e.info }
            case 1:
                guard e.info.shape[0] > 0 else { continue }
                jobs.append(MatrixJob(key: key, source: .vector(tensor: e.info.name), rows: e.info.shape[0], cols: 1,
                                      dtype: dtype, groups: MetricGroups.vector))
            default:
                unrecognised.append("\(e.info.name) \(e.info.shape)")
            }
        }
        var note: String?
        if let heads, heads > 0 {
            for (layer, qkv) in qkvByLayer.sorted(by: { $0.key < $1.key }) {
                guard let dense = denseByLayer[layer] else { continue }
                let d = qkv.shape[1]
                guard d % heads == 0, dense.shape == [d, d] else {
                    throw ComputeError.badShape(path: dense.sourceFile, tensor: dense.name, shape: dense.shape,
                                                expected: "[\(d), \(d)] with \(heads) heads dividing \(d)")
                }
                jobs.append(MatrixJob(key: MatrixKey(layer: layer, matrix: "ov_head0"),
                                      source: .ovCircuits(qkv: qkv.name, dense: dense.name, heads: heads),
                                      rows: d, cols: d, dtype: qkv.dtype.rawValue, groups: MetricGroups.ov))
            }
            if let d = qkvByLayer.values.first?.shape[1], d % heads != 0 {
                note = "num_attention_heads \(heads) does not divide d_model \(d): storing the fused qkv only (no q/k/v split, no per-head OV)"
            }
        } else if !qkvByLayer.isEmpty {
            note = "no num_attention_heads (config.json missing or incomplete): storing the fused qkv only (the q/k/v split and per-head OV need the head count)"
        }
        return Planned(jobs: jobs, note: note, unrecognised: unrecognised)
    }
}
