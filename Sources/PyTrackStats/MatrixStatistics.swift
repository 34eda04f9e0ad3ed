/// Every per-matrix statistic of DESIGN.md for one weight matrix, under the Contracts metric names.
///
/// Non-finite elements: counted in `nonfinite_count`; all element statistics (moments, quantiles,
/// fits, histogram, frobenius) are computed over the finite elements only; the spectral statistics
/// (singular values, norms from them, MP, power law, sampled references) need the whole matrix and
/// are NaN (blobs empty) when any element is non-finite.
///
/// Numerical rank guard (`NumericalRank`): singular values below sqrt(max(m, n) eps) sigma_max count as
/// zero for the fits; the MP fit is NaN unless the matrix has full numerical rank (an i.i.d. matrix does),
/// the power-law fits are NaN with fewer than `powerLawMinTail` non-zero eigenvalues; `warnings` says so.
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
        /// Resamples of the alpha bootstrap (0: no interval).
        public var powerLawBootstrapReplicates = PowerLawBootstrap.defaultReplicates
        /// The dtype the values were stored in (`F16`, `BF16`, `F32`, ...): selects the grid of `ks_floor`
        /// (NaN when nil or unknown).
        public var sourceDType: String? = nil
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
    /// One-line notes on fits left undefined (e.g. a rank-deficient matrix), for the caller to report.
    public let warnings: [String]

    /// Value of a metric by name.
    public func metric(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }

    /// Seed of the Gaussian sampled reference for `seed` (the logistic one uses `logisticSeed`).
    public static func gaussianSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x6761_7573_7369_616E }
    /// Seed of the logistic sampled reference for `seed`.
    public static func logisticSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x6C6F_6769_7374_6963 }
    /// Seed of the alpha bootstrap for `seed`.
    public static func bootstrapSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x626F_6F74_7374_7270 }
    /// Seed of the `ks_floor` sample for `seed`.
    public static func floorSeed(_ seed: UInt64) -> UInt64 { seed ^ 0x666C_6F6F_725F_6B73 }

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

        var warnings: [String] = []
        let rank = sv.map { _ in NumericalRank(singularValues: s, rows: rows, cols: cols) }
        let clean = rank?.cleaned(s) ?? []
        let bulk = rank?.isFull == true ? MarchenkoPasturBulkFit(singularValues: clean, rows: rows, cols: cols) : nil
        out.append(("mp_edge", bulk?.law.upperEdge ?? .nan))
        out.append(("mp_ks", bulk?.ks ?? .nan))
        out.append(("mp_spikes", bulk.map { Double($0.spikes) } ?? .nan))
        let eigenvalues = clean.map { $0 * $0 }.filter { $0 > 0 }
        let fitTail = rank.map { $0.rank >= max(2, options.powerLawMinTail) } ?? false
        let pl = fitTail ? PowerLawFit(eigenvalues: eigenvalues, minTail: options.powerLawMinTail) : nil
        out.append(("alpha", pl?.alpha ?? .nan)); out.append(("alpha_xmin", pl?.xmin ?? .nan)); out.append(("alpha_ks", pl?.ks ?? .nan))
        out += elements.quantileMetrics
        out.append(("mp_edge_lower", bulk?.law.lowerEdge ?? .nan))
        out.append(("alpha_tail_count", pl.map { Double($0.tailCount) } ?? .nan))
        out.append(("nonfinite_count", Double(nonfinite)))
        let studentT = StudentTFit(sorted: sorted, moments: mom)
        out.append(("student_t_df", studentT.df)); out.append(("student_t_mu", studentT.mu))
        out.append(("student_t_s", studentT.s)); out.append(("student_t_loglik", studentT.meanLogLikelihood))
        out.append(("student_t_ks", studentT.ks))
        out.append(("student_t_inv_df", studentT.df >= StudentTFit.maximumDF ? 0 : 1 / studentT.df))
        out.append(("ks_floor", options.sourceDType.flatMap(RoundingFloor.Grid.init(dtype:)).map {
            RoundingFloor.gaussKS(count: sorted.count, grid: $0, mean: mom.mean, std: mom.std, seed: floorSeed(seed))
        } ?? .nan))
        out.append(("mp_sigma_bulk", bulk?.sigmaBulk ?? .nan))
        out.append(("mp_edge_elementstd", sv == nil ? .nan : MarchenkoPastur(rows: rows, cols: cols, sigma: mom.std).upperEdge))
        out.append(("numerical_rank", rank.map { Double($0.rank) } ?? .nan))
        let boot = fitTail && options.powerLawBootstrapReplicates > 0
            ? PowerLawBootstrap(eigenvalues: eigenvalues, minTail: options.powerLawMinTail,
                                replicates: options.powerLawBootstrapReplicates, seed: bootstrapSeed(seed)) : nil
        out.append(("alpha_lo", boot?.lower ?? .nan)); out.append(("alpha_hi", boot?.upper ?? .nan))
        let ww = fitTail ? WeightWatcherPowerLaw(eigenvalues: eigenvalues) : nil
        out.append(("alpha_ww", ww?.alpha ?? .nan)); out.append(("alpha_ww_xmin", ww?.xmin ?? .nan))
        if let rank, !rank.isFull || !fitTail {
            var what: [String] = []
            if !rank.isFull { what.append("mp_* NULL (an i.i.d. matrix has full rank)") }
            if !fitTail { what.append("alpha* NULL (fewer than \(max(2, options.powerLawMinTail)) non-zero eigenvalues)") }
            warnings.append("numerical rank \(rank.rank) of \(rank.count) (singular values below \(rank.threshold) count as zero): "
                            + what.joined(separator: ", "))
        }

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
                                elementHistogram: elements.histogram, svdMethod: sv?.method, warnings: warnings)
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

    /// The MAD of a Gaussian sample estimates 0.6745 sigma: 1 / Phi^-1(3/4) turns it into a sigma
    /// (`scipy.stats.median_abs_deviation(x, scale="normal")`).
    static let madToSigma = 1.482602218505602

    /// mean, std, skewness, excess_kurtosis, max_abs_z = max|w - mean| / std (centred),
    /// max_robust_z = max|w - median| / (1.4826 MAD), tail_frac_6sigma.
    var momentMetrics: [(name: String, value: Double)] {
        let sd = moments.std
        let maxDev = max(moments.mean - moments.minimum, moments.maximum - moments.mean)
        let median = sorted.quantile(0.5)
        let robustScale = Self.madToSigma * sorted.medianAbsoluteDeviation()
        let maxRobust = max(median - moments.minimum, moments.maximum - median)
        return [("mean", moments.mean), ("std", sd), ("skewness", moments.skewness),
                ("excess_kurtosis", moments.excessKurtosis),
                ("max_abs_z", sd > 0 ? maxDev / sd : .nan),
                ("max_robust_z", robustScale > 0 ? maxRobust / robustScale : .nan),
                ("tail_frac_6sigma", Double(tailCount) / Double(sorted.count))]
    }

    var quantileMetrics: [(name: String, value: Double)] {
        zip(MatrixStatistics.quantileNames, MatrixStatistics.quantileLevels).map { ($0, sorted.quantile($1)) }
    }
}
