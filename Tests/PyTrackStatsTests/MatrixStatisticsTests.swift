import XCTest
@testable import PyTrackStats

final class MatrixStatisticsTests: XCTestCase {
    /// (relative tolerance, absolute tolerance) per metric, per the tolerances.
    static let tolerances: [String: (Double, Double)] = [
        "frobenius": (1e-6, 0), "spectral_norm": (1e-6, 0), "nuclear_norm": (1e-6, 0),
        "stable_rank": (1e-6, 0), "effective_rank": (1e-6, 0),
        "mean": (1e-6, 1e-12), "std": (1e-6, 0), "skewness": (0, 1e-5), "excess_kurtosis": (0, 1e-5),
        "max_abs_z": (1e-6, 0), "max_robust_z": (1e-6, 0), "tail_frac_6sigma": (0, 1e-12),
        "gauss_mu": (1e-6, 1e-12), "gauss_sigma": (1e-6, 0), "gauss_loglik": (1e-6, 0), "gauss_ks": (0, 1e-4),
        "logistic_ks": (0, 1e-4), "logistic_loglik": (1e-6, 0),
        "mp_edge": (1e-9, 0), "mp_edge_lower": (1e-9, 0), "mp_ks": (0, 1e-4), "mp_spikes": (0, 0),
        "mp_sigma_bulk": (1e-9, 0), "mp_edge_elementstd": (1e-9, 0), "numerical_rank": (0, 0),
        "nonfinite_count": (0, 0), "student_t_inv_df": (1e-3, 1e-6), "ks_floor": (0, 1e-9),
        // the bootstrap replays the same resamples (same stream), so only round-off separates the intervals
        "alpha_lo": (1e-6, 0), "alpha_hi": (1e-6, 0), "alpha_ww": (1e-9, 0), "alpha_ww_xmin": (1e-9, 0),
    ]

    func testAgainstNumpyScipyReference() throws {
        let ref = try StatsFixtures.reference()
        XCTAssertGreaterThanOrEqual(ref.matrices.count, 6)
        for m in ref.matrices {
            let w = try StatsFixtures.floats(m.file)
            XCTAssertEqual(w.count, m.rows * m.cols, m.name)
            var options = MatrixStatistics.Options()
            options.sourceDType = m.dtype
            let st = try w.withUnsafeBufferPointer {
                try MatrixStatistics.compute(values: $0, rows: m.rows, cols: m.cols, seed: 7, options: options)
            }
            let got = Dictionary(st.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(got.count, st.metrics.count, "\(m.name): duplicate metric names")
            for (name, (rel, absTol)) in Self.tolerances {
                guard let g = got[name], let entry = m.metrics[name] else {
                    XCTFail("\(m.name): metric \(name) missing"); continue
                }
                guard let want = entry else { XCTAssertTrue(g.isNaN, "\(m.name).\(name): \(g), reference undefined"); continue }
                assertClose(g, want, rel: rel, abs: absTol, "\(m.name).\(name)")
            }
            XCTAssertEqual(st.warnings.isEmpty, m.metrics["numerical_rank"]!! == Double(min(m.rows, m.cols)), "\(m.name): \(st.warnings)")
            for q in MatrixStatistics.quantileNames {
                assertClose(got[q] ?? .nan, m.metrics[q]!!, rel: 1e-6, abs: 1e-12, "\(m.name).\(q)")
            }
            // Logistic MLE: (mu, s) within 1e-4 of scipy (mu relative to s) and a log-likelihood no worse.
            let ls = m.metrics["logistic_s"]!!
            assertClose(got["logistic_s"]!, ls, rel: 1e-4, "\(m.name).logistic_s")
            assertClose(got["logistic_mu"]!, m.metrics["logistic_mu"]!!, rel: 0, abs: 1e-4 * ls, "\(m.name).logistic_mu")
            XCTAssertGreaterThanOrEqual(got["logistic_loglik"]!, m.logistic_loglik_at_scipy - 1e-9, m.name)
            // Power law: alpha within 1% of the Clauset MLE at the reference xmin, and of the reference fit.
            if let refAlpha = m.metrics["alpha"] ?? nil, let refXmin = m.metrics["alpha_xmin"] ?? nil {
            let eig = st.singularValues.map { Double($0) * Double($0) }
            assertClose(PowerLawFit.alphaMLE(eigenvalues: eig, xmin: refXmin * (1 - 1e-6)), refAlpha, rel: 0.01, "\(m.name).alpha@xmin")
            assertClose(got["alpha"]!, refAlpha, rel: 0.01, "\(m.name).alpha")
            } else {
                XCTAssertTrue(got["alpha"]!.isNaN, "\(m.name): alpha should be undefined")
            }
            // Singular values: relative error per value.
            XCTAssertEqual(st.singularValues.count, m.singular_values.count, m.name)
            for (i, (a, b)) in zip(st.singularValues, m.singular_values).enumerated() {
                assertClose(Double(a), b, rel: 1e-4, abs: 1e-30, "\(m.name).sv[\(i)]")
            }
            // Histogram: numpy.histogram counts, same range.
            XCTAssertEqual(st.elementHistogram.counts, m.histogram.counts, "\(m.name) histogram")
            XCTAssertEqual(st.elementHistogram.counts.reduce(0, +), w.count)
            // Sampled references exist, are deterministic, and differ between the two laws.
            XCTAssertEqual(st.gaussSampleSingularValues.count, min(m.rows, m.cols))
            XCTAssertEqual(st.logisticSampleSingularValues.count, min(m.rows, m.cols))
            XCTAssertNotEqual(st.gaussSampleSingularValues, st.logisticSampleSingularValues)
        }
    }

    func testContractNamesPresentAndUnique() throws {
        let w = try StatsFixtures.floats("gauss_64x48.f32")
        let st = try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: 64, cols: 48, seed: 1) }
        let names = st.metrics.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        let contract = ["frobenius", "spectral_norm", "nuclear_norm", "stable_rank", "effective_rank", "mean", "std",
                        "skewness", "excess_kurtosis", "max_abs_z", "tail_frac_6sigma", "gauss_mu", "gauss_sigma",
                        "gauss_loglik", "gauss_ks", "logistic_mu", "logistic_s", "logistic_loglik", "logistic_ks",
                        "mp_edge", "mp_ks", "mp_spikes", "alpha", "alpha_xmin", "alpha_ks", "mp_edge_lower",
                        "nonfinite_count", "student_t_df", "student_t_mu", "student_t_s", "student_t_loglik",
                        "student_t_ks"] + MatrixStatistics.quantileNames
        for c in contract { XCTAssertNotNil(st.metric(c), c) }
    }

    func testDeterministicForSeedAndSeedMatters() throws {
        let w = try StatsFixtures.floats("logistic_96x32.f32")
        func run(_ seed: UInt64) throws -> MatrixStatistics {
            try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: 96, cols: 32, seed: seed) }
        }
        let a = try run(3), b = try run(3), c = try run(4)
        XCTAssertEqual(a.gaussSampleSingularValues, b.gaussSampleSingularValues)
        XCTAssertEqual(a.logisticSampleSingularValues, b.logisticSampleSingularValues)
        XCTAssertNotEqual(a.gaussSampleSingularValues, c.gaussSampleSingularValues)
    }

    func testNonFiniteElementsAreCountedAndExcluded() throws {
        var w = try StatsFixtures.floats("gauss_64x48.f32")
        let clean = w.filter { _ in true }
        w[5] = .nan; w[100] = .infinity; w[2000] = -.infinity
        let st = try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: 64, cols: 48, seed: 1) }
        XCTAssertEqual(st.metric("nonfinite_count"), 3)
        XCTAssertTrue(st.metric("spectral_norm")!.isNaN)
        XCTAssertTrue(st.singularValues.isEmpty)
        // Element statistics equal those of the finite elements alone.
        let finite = clean.enumerated().filter { ![5, 100, 2000].contains($0.offset) }.map(\.element)
        let v = try finite.withUnsafeBufferPointer { try VectorStatistics.compute(values: $0) }
        for name in ["mean", "std", "skewness", "excess_kurtosis", "quantile_0.5"] {
            assertClose(st.metric(name)!, v.metric(name)!, rel: 1e-12, abs: 1e-12, name)
        }
        XCTAssertEqual(st.elementHistogram.counts.reduce(0, +), finite.count)
    }

    /// A constant matrix has rank 1: no alpha fitted on round-off eigenvalues, no MP "spikes", and a warning.
    func testConstantMatrixHasNoSpectralFits() throws {
        for (rows, cols) in [(64, 48), (30, 90)] {
            let w = [Float](repeating: 0.125, count: rows * cols)
            let st = try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: rows, cols: cols, seed: 1) }
            XCTAssertEqual(st.metric("numerical_rank"), 1)
            for name in ["mp_edge", "mp_ks", "mp_spikes", "mp_sigma_bulk", "mp_edge_lower", "alpha", "alpha_xmin", "alpha_ks",
                         "alpha_lo", "alpha_hi", "alpha_ww", "alpha_ww_xmin"] {
                XCTAssertTrue(st.metric(name)?.isNaN ?? false, "\(name) = \(String(describing: st.metric(name)))")
            }
            assertClose(st.metric("spectral_norm")!, 0.125 * Double(rows * cols).squareRoot(), rel: 1e-6, "sigma_max")
            XCTAssertEqual(st.warnings.count, 1)
            XCTAssertTrue(st.warnings[0].hasPrefix("numerical rank 1 of \(min(rows, cols))"), st.warnings[0])
            XCTAssertFalse(st.warnings[0].contains("\n"))
        }
        // Full rank, fewer than 10 eigenvalues: MP defined, power law not.
        let w = try StatsFixtures.floats("gauss_64x48.f32")
        let small = try Array(w.prefix(64 * 6)).withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: 64, cols: 6, seed: 1) }
        XCTAssertEqual(small.metric("numerical_rank"), 6)
        XCTAssertFalse(small.metric("mp_edge")!.isNaN)
        XCTAssertTrue(small.metric("alpha")!.isNaN)
        XCTAssertEqual(small.warnings.count, 1)
        XCTAssertTrue(small.warnings.first?.hasSuffix(": alpha* NULL (fewer than 10 non-zero eigenvalues)") ?? false, "\(small.warnings)")
    }

    func testShapeMismatchThrowsOneLineError() {
        let w = [Float](repeating: 1, count: 10)
        XCTAssertThrowsError(try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: 3, cols: 4, seed: 0) }) { e in
            XCTAssertEqual(e as? StatsError, .shapeMismatch(rows: 3, cols: 4, count: 10))
            XCTAssertFalse("\(e)".contains("\n"))
        }
        XCTAssertThrowsError(try w.withUnsafeBufferPointer { try MatrixStatistics.compute(values: $0, rows: Int.max, cols: 2, seed: 0) })
    }
}
