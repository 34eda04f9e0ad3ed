/// Fixed-width bin counts over a closed range, with the same bin rule as `numpy.histogram(x, bins, range)`:
/// edges `numpy.linspace(lower, upper, bins + 1)`, bins half-open [e_i, e_{i+1}) except the last, which
/// is closed. Values outside the range are counted in `underflow` / `overflow` (numpy drops them).
public struct Histogram: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let counts: [Int]
    public let underflow: Int
    public let overflow: Int

    /// Bin edges (bins + 1 values), computed as numpy.linspace does.
    public var edges: [Double] { Histogram.edges(lower: lower, upper: upper, bins: counts.count) }

    static func edges(lower: Double, upper: Double, bins: Int) -> [Double] {
        let step = (upper - lower) / Double(bins)
        var e = (0...bins).map { Double($0) * step + lower }
        e[bins] = upper
        return e
    }

    /// Counts a sorted sample (binary search per edge: O(bins log n)).
    public init(sorted: SortedSample, bins: Int, lower: Double, upper: Double) throws {
        guard bins > 0, lower.isFinite, upper.isFinite, lower <= upper else {
            throw StatsError.invalidArgument(step: "histogram", detail: "need bins > 0 and a finite range, got \(bins) bins over [\(lower), \(upper)]")
        }
        var lo = lower, hi = upper
        if lo == hi { lo -= 0.5; hi += 0.5 } // numpy's rule for an empty range
        self.lower = lo; self.upper = hi
        let e = Histogram.edges(lower: lo, upper: hi, bins: bins)
        var below = e.map { sorted.countBelow($0) }
        below[bins] = sorted.count - sorted.countAbove(hi) // last bin closed
        counts = (0..<bins).map { below[$0 + 1] - below[$0] }
        underflow = below[0]
        overflow = sorted.countAbove(hi)
    }

    /// Counts arbitrary values (non-finite ones are ignored).
    public init(values: [Double], bins: Int, lower: Double, upper: Double) throws {
        let finite = values.filter { $0.isFinite }.map { Float($0) }
        let s = finite.withUnsafeBufferPointer { SortedSample(finite: $0) }
        try self.init(sorted: s, bins: bins, lower: lower, upper: upper)
    }
}
