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
