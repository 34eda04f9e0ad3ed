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
