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
