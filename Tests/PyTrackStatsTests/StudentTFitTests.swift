import XCTest
@testable import PyTrackStats

/// Student-t MLE against scipy.stats.t.fit / kstest (committed by tools/reference/make_stats_fixtures.py),
/// the t CDF against scipy.stats.t.cdf, and the fit's behaviour on Gaussian and t(3) samples.
final class StudentTFitTests: XCTestCase {
    func testCDFAndLogPDFMatchScipy() throws {
        let ref = try StatsFixtures.reference()
        XCTAssertGreaterThan(ref.student_t_cdf.count, 100)
        for p in ref.student_t_cdf {
            let t = StudentTDistribution(df: p.df, mu: 0, s: 1)
            assertClose(t.cdf(p.z), p.cdf, rel: 1e-11, abs: 1e-15, "cdf df=\(p.df) z=\(p.z)")
            assertClose(t.logPDF(p.z), p.logpdf, rel: 1e-11, abs: 1e-12, "logpdf df=\(p.df) z=\(p.z)")
        }
        // Location/scale.
        let t = StudentTDistribution(df: 3, mu: 0.5, s: 2)
        assertClose(t.cdf(0.5 + 2 * 2.0), StudentTDistribution(df: 3, mu: 0, s: 1).cdf(2), rel: 1e-15, "shift/scale")
    }

    func testSpecialFunctionsKnownValues() {
        // psi(1) = -EulerGamma, psi'(1) = pi^2/6, psi(1/2) = -gamma - 2 ln 2, psi'(1/2) = pi^2/2.
        let gamma = 0.57721566490153286
        assertClose(SpecialFunctions.digamma(1), -gamma, rel: 1e-14, "psi(1)")
        assertClose(SpecialFunctions.digamma(0.5), -gamma - 2 * _log(2), rel: 1e-14, "psi(1/2)")
        assertClose(SpecialFunctions.trigamma(1), Double.pi * Double.pi / 6, rel: 1e-14, "psi'(1)")
        assertClose(SpecialFunctions.trigamma(0.5), Double.pi * Double.pi / 2, rel: 1e-14, "psi'(1/2)")
        // Recurrence across the series switch point.
        assertClose(SpecialFunctions.digamma(15.5) - SpecialFunctions.digamma(14.5), 1 / 14.5, rel: 1e-13, "psi recurrence")
        assertClose(SpecialFunctions.trigamma(14.5) - SpecialFunctions.trigamma(15.5), 1 / (14.5 * 14.5), rel: 1e-12, "psi' recurrence")
    }

    func testFitMatchesScipyOnFixtures() throws {
        let ref = try StatsFixtures.reference()
        for m in ref.matrices {
            let w = try StatsFixtures.floats(m.file)
            let (sorted, mom) = w.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
            let fit = StudentTFit(sorted: sorted, moments: mom)
            let wantDF = m.metrics["student_t_df"]!!, wantMu = m.metrics["student_t_mu"]!!, wantS = m.metrics["student_t_s"]!!
            // Log-likelihood: never below scipy's (tight optimizer, and its default one which may stop early).
            XCTAssertGreaterThanOrEqual(fit.meanLogLikelihood, m.metrics["student_t_loglik"]!! - 1e-9, m.name)
            if m.student_t_scipy_default.df <= StudentTFit.maximumDF {
                XCTAssertGreaterThanOrEqual(fit.meanLogLikelihood, m.student_t_scipy_default.loglik - 1e-9, m.name)
            }
            assertClose(fit.meanLogLikelihood, StudentTFit.meanLogLikelihood(sorted, mu: fit.mu, s: fit.s, df: fit.df),
                        rel: 1e-12, "\(m.name) loglik consistent")
            // Parameters: df within 1e-3 relative (flat likelihood), mu within 1e-4 s, s within 1e-4.
            assertClose(fit.df, wantDF, rel: 1e-3, "\(m.name).student_t_df")
            assertClose(fit.mu, wantMu, rel: 0, abs: 1e-4 * wantS, "\(m.name).student_t_mu")
            assertClose(fit.s, wantS, rel: 1e-4, "\(m.name).student_t_s")
            assertClose(fit.ks, m.metrics["student_t_ks"]!!, rel: 0, abs: 1e-4, "\(m.name).student_t_ks")
            // KS at our parameters, recomputed with the (scipy-checked) CDF one element at a time.
            let dist = fit.distribution
            let n = Double(sorted.count)
            var d = 0.0
            for (i, x) in sorted.values.enumerated() {
                let f = dist.cdf(Double(x))
                d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
            }
            assertClose(fit.ks, d, rel: 0, abs: 1e-12, "\(m.name) ks per element")
        }
    }

    func testGaussianSampleGivesLargeDFAndT3GivesThree() {
        var rng = Xoshiro256StarStar(seed: 21)
        var g = [Double](repeating: 0, count: 600_000) // > 2^19: the subsample + polish path, flat in df
        g.withUnsafeMutableBufferPointer { rng.fillNormal($0, mu: 0.001, sigma: 0.02) }
        let gx = g.map(Float.init)
        let gf = fit(gx)
        XCTAssertGreaterThan(gf.df, 100, "Gaussian sample: df \(gf.df)")
        assertClose(gf.s, 0.02, rel: 0.01, "Gaussian s ~ sigma")
        let (gs, gm) = gx.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
        let gFull = StudentTFit.newton(gs, start: StudentTFit.startingPoint(sorted: gs, moments: gm)!, tolerance: 1e-12)
        XCTAssertGreaterThanOrEqual(gf.meanLogLikelihood, gFull.ll - 1e-12, "Gaussian: polished fit as good as full Newton")

        let t3 = tSample(df: 3, count: 300_000, scale: 0.01, seed: 5)
        let tf = fit(t3.map(Float.init))
        XCTAssertEqual(tf.df, 3, accuracy: 0.1, "t(3) sample")
        assertClose(tf.s, 0.01, rel: 0.02, "t(3) scale")
        XCTAssertLessThan(tf.ks, 0.01)
    }

    func testLargeSamplePathMatchesFullNewtonAndInterpolatedKSMatchesExact() {
        // > 2^19 elements: subsample + polish, and (above the exact limit) the interpolated CDF for KS.
        let x = tSample(df: 5, count: 700_000, scale: 0.02, seed: 9).map(Float.init)
        let (sorted, mom) = x.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
        let fit = StudentTFit(sorted: sorted, moments: mom)
        let exact = StudentTFit(sorted: sorted, moments: mom, exactKSLimit: Int.max)
        XCTAssertEqual(fit.df, exact.df); XCTAssertEqual(fit.s, exact.s)
        assertClose(fit.ks, exact.ks, rel: 0, abs: 1e-11, "interpolated KS")
        let full = StudentTFit.newton(sorted, start: StudentTFit.startingPoint(sorted: sorted, moments: mom)!, tolerance: 1e-12)
        assertClose(fit.mu, full.point.mu, rel: 0, abs: 1e-9 * fit.s, "mu")
        assertClose(fit.s, full.point.s, rel: 1e-8, "s")
        assertClose(fit.df, full.point.df, rel: 1e-6, "df")
        XCTAssertGreaterThanOrEqual(fit.meanLogLikelihood, full.ll - 1e-12)
        XCTAssertLessThanOrEqual(fit.passes, 5)
        XCTAssertEqual(fit.df, 5, accuracy: 0.2)
    }

    func testDegenerateSampleGivesNaN() {
        let x = [Float](repeating: 0.25, count: 100)
        let (sorted, mom) = x.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
        let f = StudentTFit(sorted: sorted, moments: mom)
        XCTAssertTrue(f.df.isNaN && f.s.isNaN && f.ks.isNaN && f.meanLogLikelihood.isNaN)
    }

    private func fit(_ x: [Float]) -> StudentTFit {
        let (sorted, mom) = x.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
        return StudentTFit(sorted: sorted, moments: mom)
    }

    /// scale * Z / sqrt(chi2_df / df) with chi2 from the sum of squared normals (integer df).
    private func tSample(df: Int, count: Int, scale: Double, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        var z = [Double](repeating: 0, count: count * (df + 1))
        z.withUnsafeMutableBufferPointer { rng.fillNormal($0, mu: 0, sigma: 1) }
        return (0..<count).map { i in
            var chi = 0.0
            for k in 1...df { let v = z[i * (df + 1) + k]; chi += v * v }
            return scale * z[i * (df + 1)] / (chi / Double(df)).squareRoot()
        }
    }
}
