import XCTest
@testable import PyTrackStats

/// The alpha bootstrap interval and the weightwatcher-convention exponent.
final class PowerLawIntervalTests: XCTestCase {
    static func pareto(_ n: Int, alpha: Double, xmin: Double, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0..<n).map { _ in xmin * _pow(rng.nextOpenUnit(), -1 / (alpha - 1)) }
    }

    /// A 90% interval should cover the true exponent in about 90% of independent samples.
    func testBootstrapCoversTheTrueExponent() {
        var covered = 0, trials = 0
        for seed: UInt64 in 1...20 {
            let x = Self.pareto(150, alpha: 2.5, xmin: 1, seed: seed)
            let b = PowerLawBootstrap(eigenvalues: x, seed: seed &* 977)
            XCTAssertLessThan(b.lower, b.upper)
            XCTAssertEqual(b.defined, PowerLawBootstrap.defaultReplicates)
            trials += 1
            if b.lower <= 2.5 && 2.5 <= b.upper { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(covered, 15, "\(covered) of \(trials) intervals cover alpha")
    }

    func testBootstrapIsSeededAndWidensWithFewerValues() {
        let x = Self.pareto(400, alpha: 3, xmin: 2, seed: 9)
        let a = PowerLawBootstrap(eigenvalues: x, seed: 1), b = PowerLawBootstrap(eigenvalues: x, seed: 1)
        let c = PowerLawBootstrap(eigenvalues: x, seed: 2)
        XCTAssertEqual(a.lower, b.lower); XCTAssertEqual(a.upper, b.upper)
        XCTAssertNotEqual(a.lower, c.lower)
        let few = PowerLawBootstrap(eigenvalues: Array(x.prefix(60)), seed: 1)
        XCTAssertGreaterThan(few.upper - few.lower, a.upper - a.lower)
        XCTAssertTrue(PowerLawBootstrap(eigenvalues: [1], seed: 1).lower.isNaN)
    }

    /// weightwatcher's own alpha and xmin on the same matrices (written by weightwatcher itself).
    func testMatchesWeightWatcher() throws {
        let ref = try StatsFixtures.weightwatcher()
        XCTAssertGreaterThanOrEqual(ref.matrices.count, 8)
        var smallN = 0, thresholded = 0
        for m in ref.matrices {
            let w = try StatsFixtures.floats(m.file)
            let s = try w.withUnsafeBufferPointer { try SingularValues.compute($0, rows: m.rows, cols: m.cols).values }
            let eig = s.map { $0 * $0 }
            let fit = WeightWatcherPowerLaw(eigenvalues: eig)
            let used = eig.filter { $0 > WeightWatcherPowerLaw.eigenvalueThreshold }.count
            if used < WeightWatcherPowerLaw.smallN { smallN += 1 }
            if used < eig.count { thresholded += 1 }
            assertClose(fit.alpha, m.alpha, rel: 1e-6, "\(m.name) alpha_ww vs weightwatcher \(ref.weightwatcher_version)")
            assertClose(fit.xmin, m.xmin, rel: 1e-6, "\(m.name) xmin")
            assertClose(fit.ks, m.D, rel: 1e-6, abs: 1e-9, "\(m.name) D")
            // weightwatcher's spectral_norm is sigma_max^2; pytrack's spectral_norm is sigma_max.
            assertClose(s[0] * s[0], m.spectral_norm, rel: 1e-6, "\(m.name) spectral_norm")
        }
        XCTAssertGreaterThan(smallN, 0, "the small-N rule is exercised")
        XCTAssertGreaterThan(thresholded, 0, "the 1e-5 threshold is exercised")
    }
}
