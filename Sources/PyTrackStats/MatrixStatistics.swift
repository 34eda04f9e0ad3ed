/// Every per-matrix statistic of DESIGN.md for one weight matrix, under the Contracts metric names.
///
/// Non-finite elements: counted in `nonfinite_count`; all element statistics (moments, quantiles,
/// fits, histogram, frobenius) are computed over the finite elements only; the spectral statistics
/// (singular values, norms from them, MP, power law, sampled references) need the whole matrix and
/// are NaN (blobs empty) when any element is non-finite.
///
/// Threading: everything here is single-threaded except the BLAS/LAPACK calls, which use
/// `BLASThreads.count` threads.
public struct MatrixStatistics: Sendable {
    /// Tuning knobs; the defaults are what `pytrack compute` uses.
    public struct Options: Sendable {
        /// Singular value algorithm.
        public var svdMethod: SingularValues.Method = .automatic
        /// Whether to compute the Gaussian / logistic sampled reference spectra (two more SVDs).
        public var sampledReferences = true
        /// Bins of `elementHistogram`.
        public var histogramBins = 200
        /// Range of `elementHistogram`; default: [min, max] of the finite elements.
        public var histogramRange: ClosedRange<Double>? = nil
        /// Minimum tail size of the power-law fit.
        public var powerLawMinTail = PowerLawFit.defaultMinTail
        public init() {}
    }

    /// The quantile levels reported as `quantile_<q>`.
    public static let quantileLevels: [Double] = [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999]
    /// Metric names for `quantileLevels`, e.g. `quantile_0.001`.
    public static let quantileNames: [String] = ["quantile_0.001", "quantile_0.01", "quantile_0.05",
        "quantile_0.25", "quantile_0.5", "quantile_0.75", "quantile_0.95", "quantile_0.99", "quantile_0.999"]

    public let rows: Int
    public let cols: Int
    /// (name, value) pairs in a fixed order; names are the Contracts metric names plus new ones.
    public let metrics: [(name: String, value: Double)]
    /// All singular values, descending.
    public let singularValues: [Float]
    /// Singular values of the seeded matrix drawn from the fitted Gaussian.
    public let gaussSampleSingularValues: [Float]
    /// Singular values of the seeded matrix drawn from the fitted logistic.
    public let logisticSampleSingularValues: [Float]
    /// Histogram of the finite elements.
    public let elementHistogram: Histogram
    /// The SVD method that produced `singularValues` (nil when none ran).
    public let svdMethod: SingularValues.Method?

    /// Value of a metric by name.
    public func metric(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }

    /// Seed of the Gaussian sampled reference for `seed` (the logistic one uses `logisticSeed`).
    public static func gaussianSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x6761_7573_7369_616E }
    /// Seed of the logistic sampled reference for `seed`.
    public static func logisticSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x6C6F_6769_7374_6963 }

    /// Computes every statistic of the row-major `rows x cols` matrix `values`.
    public static func compute(values: UnsafeBufferPointer<Float>, rows: Int, cols: Int, seed: UInt64,
                               options: Options = Options()) throws -> MatrixStatistics {
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard rows > 0, cols > 0, !overflow, count == values.count else {
            throw StatsError.shapeMismatch(rows: rows, cols: cols, count: values.count)
        }
        let nonfinite = ElementMoments.nonfiniteCount(values)
        let finiteCopy: [Float]? = nonfinite > 0 ? values.filter { $0.isFinite } : nil
        let elements = try ElementSummary(finiteCopy, fallback: values, bins: options.histogramBins,
                                          range: options.histogramRange)
        let mom = elements.moments, sorted = elements.sorted
        var out = [(name: String, value: Double)]()
        out.reserveCapacity(48)

        var sv: SingularValues? = nil
        if nonfinite == 0 {
            sv = try SingularValues.compute(values, rows: rows, cols: cols, method: options.svdMethod)
        }
        let s = sv?.values ?? []
        let norms = SpectrumNorms(sumOfSquares: mom.sumOfSquares, singularValues: s)
        out.append(("frobenius", norms.frobenius))
        out.append(("spectral_norm", sv == nil ? .nan : norms.spectral))
        out.append(("nuclear_norm", sv == nil ? .nan : norms.nuclear))
        out.append(("stable_rank", sv == nil ? .nan : norms.stableRank))
        out.append(("effective_rank", sv == nil ? .nan : norms.effectiveRank))
        out += elements.momentMetrics

        let gauss = GaussianFit(moments: mom, sorted: sorted)
        out.append(("gauss_mu", gauss.mu)); out.append(("gauss_sigma", gauss.sigma))
        out.append(("gauss_loglik", gauss.meanLogLikelihood)); out.append(("gauss_ks", gauss.ks))
        let logistic = LogisticFit(sorted: sorted, moments: mom)
        out.append(("logistic_mu", logistic.mu)); out.append(("logistic_s", logistic.s))
        out.append(("logistic_loglik", logistic.meanLogLikelihood)); out.append(("logistic_ks", logistic.ks))

        let mp = MarchenkoPastur(rows: rows, cols: cols, sigma: mom.std)
        out.append(("mp_edge", sv == nil ? .nan : mp.upperEdge))
        out.append(("mp_ks", sv == nil ? .nan : mp.ks(singularValues: s)))
        out.append(("mp_spikes", sv == nil ? .nan : Double(mp.spikes(singularValues: s))))
        let pl = PowerLawFit(eigenvalues: s.map { $0 * $0 }, minTail: options.powerLawMinTail)
        out.append(("alpha", pl.alpha)); out.append(("alpha_xmin", pl.xmin)); out.append(("alpha_ks", pl.ks))
        out += elements.quantileMetrics
        out.append(("mp_edge_lower", sv == nil ? .nan : mp.lowerEdge))
        out.append(("alpha_tail_count", Double(pl.tailCount)))
        out.append(("nonfinite_count", Double(nonfinite)))
        let studentT = StudentTFit(sorted: sorted, moments: mom)
        out.append(("student_t_df", studentT.df)); out.append(("student_t_mu", studentT.mu))
        out.append(("student_t_s", studentT.s)); out.append(("student_t_loglik", studentT.meanLogLikelihood))
        out.append(("student_t_ks", studentT.ks))

        var gs: [Double] = [], ls: [Double] = []
        if options.sampledReferences, sv != nil, gauss.sigma > 0, logistic.s > 0 {
            gs = try SampledSpectrum.singularValues(rows: rows, cols: cols,
                distribution: .gaussian(mu: gauss.mu, sigma: gauss.sigma), seed: gaussianSeed(seed))
            ls = try SampledSpectrum.singularValues(rows: rows, cols: cols,
                distribution: .logistic(mu: logistic.mu, s: logistic.s), seed: logisticSeed(seed))
        }
        return MatrixStatistics(rows: rows, cols: cols, metrics: out, singularValues: s.map(Float.init),
                                gaussSampleSingularValues: gs.map(Float.init),
                                logisticSampleSingularValues: ls.map(Float.init),
                                elementHistogram: elements.histogram, svdMethod: sv?.method)
    }
}

/// Element-level statistics shared by matrices and vectors: moments, sorted sample, quantiles, histogram.
struct ElementSummary {
    let moments: ElementMoments
    let sorted: SortedSample
    let histogram: Histogram
    let tailCount: Int

    init(_ finiteCopy: [Float]?, fallback: UnsafeBufferPointer<Float>, bins: Int, range: ClosedRange<Double>?) throws {
        let work: (UnsafeBufferPointer<Float>) -> (ElementMoments, SortedSample) = { (ElementMoments($0), SortedSample(finite: $0)) }
        let (m, s) = finiteCopy.map { c in c.withUnsafeBufferPointer(work) } ?? work(fallback)
        guard s.count > 0 else { throw StatsError.empty(step: "element statistics") }
        moments = m; sorted = s
        let r = range ?? (m.minimum...m.maximum)
        histogram = try Histogram(sorted: s, bins: bins, lower: r.lowerBound, upper: r.upperBound)
        let sd = m.std
        tailCount = sd > 0 ? s.countBelow(m.mean - 6 * sd) + s.countAbove(m.mean + 6 * sd) : 0
    }

    var momentMetrics: [(name: String, value: Double)] {
        let sd = moments.std
        let maxAbs = max(abs(moments.minimum), abs(moments.maximum))
        return [("mean", moments.mean), ("std", sd), ("skewness", moments.skewness),
                ("excess_kurtosis", moments.excessKurtosis),
                ("max_abs_z", sd > 0 ? maxAbs / sd : .nan),
                ("tail_frac_6sigma", Double(tailCount) / Double(sorted.count))]
    }

    var quantileMetrics: [(name: String, value: Double)] {
        zip(MatrixStatistics.quantileNames, MatrixStatistics.quantileLevels).map { ($0, sorted.quantile($1)) }
    }
}
