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
