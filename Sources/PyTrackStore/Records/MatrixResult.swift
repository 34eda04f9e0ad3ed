import Foundation

/// Identifies a matrix (or vector) within a checkpoint: its layer (nil for embeddings and the final
/// LayerNorm) and its contract name (`qkv`, `q`, `attn_out`, `ln1_gain`, `ov_head3`, ...).
public struct MatrixKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var layer: Int?
    public var matrix: String

    public init(layer: Int?, matrix: String) {
        self.layer = layer
        self.matrix = matrix
    }

    public var description: String { layer.map { "layer \($0) \(matrix)" } ?? matrix }

    public static func < (a: MatrixKey, b: MatrixKey) -> Bool {
        (a.layer ?? -1, a.matrix) < (b.layer ?? -1, b.matrix)
    }
}

/// A binary series stored beside the scalar metrics (spectra, histograms, raw LayerNorm vectors).
public struct StoredBlob: Equatable, Sendable {
    public enum Payload: Equatable, Sendable {
        case float32([Float])
        case int32([Int32])
    }

    /// `singular_values`, `gauss_sample_sv`, `logistic_sample_sv`, `histogram`, `values`, `outliers`, ...
    public var kind: String
    public var payload: Payload
    /// Small numeric annotations, e.g. `lo`/`hi` of a histogram's range.
    public var meta: [String: Double]

    public init(kind: String, payload: Payload, meta: [String: Double] = [:]) {
        self.kind = kind
        self.payload = payload
        self.meta = meta
    }

    public var count: Int {
        switch payload {
        case let .float32(v): return v.count
        case let .int32(v): return v.count
        }
    }
}

/// Everything computed for one matrix of one checkpoint, as handed to the store.
public struct MatrixResult: Sendable {
    public var key: MatrixKey
    public var tensor: String
    public var rows: Int
    public var cols: Int
    public var dtype: String
    public var nonfiniteCount: Int
    /// Metric name -> value (nil or NaN when undefined). Names follow the export contract.
    public var metrics: [String: Double?]
    public var blobs: [StoredBlob]
    /// Metric group -> definition version these values were computed with.
    public var groupVersions: [String: Int]

    public init(key: MatrixKey, tensor: String, rows: Int, cols: Int, dtype: String, nonfiniteCount: Int = 0,
                metrics: [String: Double?], blobs: [StoredBlob] = [], groupVersions: [String: Int]) {
        self.key = key
        self.tensor = tensor
        self.rows = rows
        self.cols = cols
        self.dtype = dtype
        self.nonfiniteCount = nonfiniteCount
        self.metrics = metrics
        self.blobs = blobs
        self.groupVersions = groupVersions
    }
}

/// One checkpoint's worth of results, written in one transaction.
public struct CheckpointResults: Sendable {
    public var checkpoint: ComputedCheckpoint
    public var isDemo: Bool
    public var configJSON: String?
    public var matrices: [MatrixResult]
    /// The content changed since the stored rows were computed: they are all replaced.
    public var replacesStored: Bool

    public init(checkpoint: ComputedCheckpoint, isDemo: Bool = false, configJSON: String? = nil, matrices: [MatrixResult],
                replacesStored: Bool = false) {
        self.checkpoint = checkpoint
        self.isDemo = isDemo
        self.configJSON = configJSON
        self.matrices = matrices
        self.replacesStored = replacesStored
    }
}

/// A step-level derived row: a deduped-vs-standard comparison or a depth growth rate.
public struct DerivedMetric: Equatable, Sendable {
    public var model: String
    /// The standard twin for `dedup_*` rows; nil otherwise.
    public var otherModel: String?
    public var step: Int
    public var layer: Int?
    public var matrix: String
    public var metric: String
    public var value: Double?
    public var version: Int

    public init(model: String, otherModel: String? = nil, step: Int, layer: Int?, matrix: String, metric: String,
                value: Double?, version: Int) {
        self.model = model
        self.otherModel = otherModel
        self.step = step
        self.layer = layer
        self.matrix = matrix
        self.metric = metric
        self.value = value
        self.version = version
    }
}

/// The export contract: `model, step, layer, matrix, metric, value` (layer nil for embed_in, embed_out,
/// the final LayerNorm and depth rows).
public struct TidyRow: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var layer: Int?
    public var matrix: String
    public var metric: String
    public var value: Double?

    public init(model: String, step: Int, layer: Int?, matrix: String, metric: String, value: Double?) {
        self.model = model
        self.step = step
        self.layer = layer
        self.matrix = matrix
        self.metric = metric
        self.value = value
    }
}

/// A stored model (one hub repo).
public struct ModelRecord: Equatable, Sendable {
    public var name: String
    public var isDemo: Bool
    public var configJSON: String?
}
