import XCTest
@testable import PyTrackStats

/// Marchenko-Pastur, power law, sampled spectra, W1 and depth growth against references and properties.
final class SpectrumReferenceTests: XCTestCase {
    func testMarchenkoPasturClosedFormMatchesQuadrature() throws {
        let ref = try StatsFixtures.reference()
        XCTAssertFalse(ref.mp_cdf.isEmpty)
        for p in ref.mp_cdf {
            assertClose(MarchenkoPastur.eigenvalueCDF(p.x, ratio: p.q), p.cdf, rel: 0, abs: 1e-9, "MP cdf q=\(p.q) x=\(p.x)")
            assertClose(MarchenkoPastur.eigenvalueDensity(p.x, ratio: p.q), p.density, rel: 1e-12, abs: 1e-12, "MP density q=\(p.q) x=\(p.x)")
        }
    }

    func testMarchenkoPasturEdgesAndDensityIntegratesToOne() {
        let mp = MarchenkoPastur(rows: 300, cols: 1200, sigma: 0.02)
        XCTAssertEqual(mp.m, 1200); XCTAssertEqual(mp.n, 300)
        assertClose(mp.upperEdge, 0.02 * (1200.0.squareRoot() + 300.0.squareRoot()), rel: 1e-15, "edge+")
        assertClose(mp.lowerEdge, 0.02 * (1200.0.squareRoot() - 300.0.squareRoot()), rel: 1e-15, "edge-")
        // Trapezoid integral of the singular-value density over the bulk, and CDF at the edges.
        let lo = mp.lowerEdge, hi = mp.upperEdge, k = 200_000
        var integral = 0.0
        for i in 0..<k {
            let a = lo + (hi - lo) * Double(i) / Double(k), b = lo + (hi - lo) * Double(i + 1) / Double(k)
            integral += 0.5 * (mp.density(singularValue: a) + mp.density(singularValue: b)) * (b - a)
        }
        assertClose(integral, 1, rel: 1e-4, "density integral")
        XCTAssertEqual(mp.cdf(singularValue: lo * 0.999), 0)
        XCTAssertEqual(mp.cdf(singularValue: hi * 1.001), 1)
    }

    func testGaussianSampleFollowsMarchenkoPastur() throws {
        let (m, n) = (2000, 500)
        let s = try SampledSpectrum.singularValues(rows: m, cols: n, distribution: .gaussian(mu: 0, sigma: 0.05), seed: 11)
        XCTAssertEqual(s.count, n)
        let mp = MarchenkoPastur(rows: m, cols: n, sigma: 0.05)
        XCTAssertLessThan(mp.ks(singularValues: s), 0.02)
        assertClose(s[0], mp.upperEdge, rel: 0.02, "largest ~ upper edge")
        assertClose(s[n - 1], mp.lowerEdge, rel: 0.05, "smallest ~ lower edge")
        // Logistic with scale s has variance pi^2 s^2 / 3: same MP law.
        let l = try SampledSpectrum.singularValues(rows: n, cols: m, distribution: .logistic(mu: 0, s: 0.05 * 3.0.squareRoot() / Double.pi), seed: 11)
        XCTAssertLessThan(mp.ks(singularValues: l), 0.02)
        let again = try SampledSpectrum.singularValues(rows: m, cols: n, distribution: .gaussian(mu: 0, sigma: 0.05), seed: 11)
        XCTAssertEqual(s, again)
    }

    func testPowerLawRecoversExponentOfParetoSample() {
        var rng = Xoshiro256StarStar(seed: 5)
        let alpha = 2.5, xmin = 3.0
        let x = (0..<5000).map { _ in xmin * _pow(rng.nextOpenUnit(), -1 / (alpha - 1)) }
        let fit = PowerLawFit(eigenvalues: x)
        assertClose(fit.alpha, alpha, rel: 0.05, "alpha")
        XCTAssertLessThan(fit.ks, 0.05)
        XCTAssertGreaterThan(fit.tailCount, 1000)
        assertClose(PowerLawFit.alphaMLE(eigenvalues: x, xmin: xmin),
                    1 + Double(x.count) / x.reduce(0) { $0 + _log($1 / xmin) }, rel: 1e-12, "closed form")
        XCTAssertTrue(PowerLawFit(eigenvalues: [1]).alpha.isNaN)
    }

    func testWassersteinMatchesScipy() throws {
        let w = try StatsFixtures.reference().wasserstein
        assertClose(SpectrumDistance.wasserstein1Normalised(w.a, w.b), w.w1_normalised, rel: 1e-12, abs: 1e-12, "W1")
        XCTAssertEqual(SpectrumDistance.wasserstein1Normalised(w.a, w.a.map { $0 * 3 }), 0, accuracy: 1e-15)
        XCTAssertTrue(SpectrumDistance.wasserstein1Normalised([], w.b).isNaN)
    }

    func testDepthGrowthMatchesPolyfit() throws {
        let d = try StatsFixtures.reference().depth_growth
        assertClose(DepthGrowth.rate(layers: d.layers, norms: d.norms), d.slope, rel: 1e-10, "slope")
        XCTAssertTrue(DepthGrowth.rate(layers: [0], norms: [1]).isNaN)
    }

    func testSpectrumNorms() {
        let n = SpectrumNorms(sumOfSquares: 9 + 16, singularValues: [4, 3])
        XCTAssertEqual(n.frobenius, 5); XCTAssertEqual(n.spectral, 4); XCTAssertEqual(n.nuclear, 7)
        assertClose(n.stableRank, 25.0 / 16, rel: 1e-15, "stable rank")
        let p = [4.0 / 7, 3.0 / 7]
        assertClose(n.effectiveRank, _exp(-(p[0] * _log(p[0]) + p[1] * _log(p[1]))), rel: 1e-15, "effective rank")
    }
}
