import PyTrackDomain

/// Which third of each head's fused rows: 0 = Q, 1 = K, 2 = V.
public enum QKVPart: Int, Sendable, CaseIterable {
    case q = 0, k = 1, v = 2

    public var role: Role { [Role.q, .k, .v][rawValue] }
}

/// Splits GPT-NeoX's fused `query_key_value` rows, laid out `[heads, 3, head_dim]`: row r belongs to
/// head r / (3 hd) and part (r % (3 hd)) / hd. Splitting by thirds would be wrong.
public struct QKVSplit: Sendable, Equatable {
    public let heads: Int
    public let dModel: Int
    public let headDim: Int

    public init(heads: Int, dModel: Int) throws {
        guard heads > 0, dModel > 0, dModel % heads == 0 else {
            throw ModelError.invalidSplit(detail: "d_model \(dModel) is not a positive multiple of heads \(heads)")
        }
        self.heads = heads
        self.dModel = dModel
        self.headDim = dModel / heads
    }

    /// Rows of the fused matrix holding `part` of `head`.
    public func rows(head: Int, part: QKVPart) -> Range<Int> {
        let start = (head * 3 + part.rawValue) * headDim
        return start..<(start + headDim)
    }

    /// Head and part of fused row `row`.
    public func location(ofRow row: Int) -> (head: Int, part: QKVPart) {
        (row / (3 * headDim), QKVPart(rawValue: (row % (3 * headDim)) / headDim) ?? .q)
    }

    /// Copies `part` (rows gathered per head, in head order) from the fused row-major `[3d, columns]`
    /// buffer into `out` (`[d, columns]`). Works for the weight (columns = d) and the bias (columns = 1).
    public func extract(_ part: QKVPart, from fused: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) throws {
        guard fused.count % (3 * dModel) == 0, fused.count > 0 else {
            throw ModelError.invalidSplit(detail: "fused buffer of \(fused.count) elements is not [\(3 * dModel), n]")
        }
        let columns = fused.count / (3 * dModel)
        guard out.count == dModel * columns, let src = fused.baseAddress, let dst = out.baseAddress else {
            throw ModelError.invalidSplit(detail: "output holds \(out.count) elements, needs \(dModel * columns)")
        }
        let block = headDim * columns
        for h in 0..<heads {
            (dst + h * block).update(from: src + rows(head: h, part: part).lowerBound * columns, count: block)
        }
    }

    /// `part` of the fused `[3d, columns]` buffer as a new `[d, columns]` array.
    public func extract(_ part: QKVPart, from fused: [Float]) throws -> [Float] {
        var out = [Float](repeating: 0, count: fused.count / 3)
        try fused.withUnsafeBufferPointer { f in try out.withUnsafeMutableBufferPointer { try extract(part, from: f, into: $0) } }
        return out
    }
}
