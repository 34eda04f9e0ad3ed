/// Statistics of a 1-D tensor (LayerNorm gains and biases, biases): moments, quantiles, histogram,
/// and the indices of outlier dimensions, |w - mean| / std > `outlierZ` (default 5).
///
/// Non-finite elements are counted (`nonfinite_count`) and excluded from every statistic; they are
/// never reported as outliers.
public struct VectorStatistics: Sendable {
    /// (name, value) pairs: frobenius (L2 norm), mean, std, skewness, excess_kurtosis, max_abs_z (centred), max_robust_z,
    /// tail_frac_6sigma, the quantile_* names, outlier_count, nonfinite_count.
    public let metrics: [(name: String, value: Double)]
    /// Histogram of the finite elements.
    public let histogram: Histogram
    /// Indices (ascending) of the outlier dimensions.
    public let outlierIndices: [Int]

    /// Value of a metric by name.
    public func metric(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }

    /// Computes the statistics of `values`.
    public static func compute(values: UnsafeBufferPointer<Float>, bins: Int = 100,
                               range: ClosedRange<Double>? = nil, outlierZ: Double = 5) throws -> VectorStatistics {
        let nonfinite = ElementMoments.nonfiniteCount(values)
        let finiteCopy: [Float]? = nonfinite > 0 ? values.filter { $0.isFinite } : nil
        let e = try ElementSummary(finiteCopy, fallback: values, bins: bins, range: range)
        let mean = e.moments.mean, sd = e.moments.std
        var outliers: [Int] = []
        if sd > 0 {
            for (i, v) in values.enumerated() where v.isFinite && abs(Double(v) - mean) / sd > outlierZ { outliers.append(i) }
        }
        var m: [(name: String, value: Double)] = [("frobenius", e.moments.sumOfSquares.squareRoot())]
        m += e.momentMetrics
        m += e.quantileMetrics
        m.append(("outlier_count", Double(outliers.count)))
        m.append(("nonfinite_count", Double(nonfinite)))
        return VectorStatistics(metrics: m, histogram: e.histogram, outlierIndices: outliers)
    }
}
