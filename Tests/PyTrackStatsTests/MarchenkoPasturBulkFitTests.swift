import XCTest
@testable import PyTrackStats

/// The fitted MP bulk on seeded matrices with planted spikes (known count, known bulk sigma).
final class MarchenkoPasturBulkFitTests: XCTestCase {
    /// sigma N(0, 1) (m x n) plus rank-one spikes t * edge * u v^T (u, v random unit vectors), as Float.
    static func planted(m: Int, n: Int, sigma: Double, multiples: [Double], seed: UInt64) -> [Float] {
        var rng = Xoshiro256StarStar(seed: seed)
        var w = [Double](repeating: 0, count: m * n)
        w.withUnsafeMutableBufferPointer { rng.fillNormal($0, mu: 0, sigma: sigma) }
        let edge = sigma * (Double(m).squareRoot() + Double(n).squareRoot())
        for t in multiples {
            var u = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: n)
            u.withUnsafeMutableBufferPointer { rng.fillNormal($0, mu: 0, sigma: 1) }
            v.withUnsafeMutableBufferPointer { rng.fillNormal($0, mu: 0, sigma: 1) }
            let nu = u.reduce(0) { $0 + $1 * $1 }.squareRoot(), nv = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<m { for j in 0..<n { w[i * n + j] += t * edge * u[i] / nu * v[j] / nv } }
        }
        return w.map(Float.init)
    }

    func testPlantedSpikesCountedExactlyAndBulkSigmaWithinOnePercent() throws {
        let (m, n, sigma) = (1024, 256, 0.02)
        let multiples: [Double] = [3, 4, 5, 6, 7, 8]
        for seed: UInt64 in [1, 2, 3, 4, 5] {
            let w = Self.planted(m: m, n: n, sigma: sigma, multiples: multiples, seed: seed)
            let s = try w.withUnsafeBufferPointer { try SingularValues.compute($0, rows: m, cols: n).values }
            let fit = try XCTUnwrap(MarchenkoPasturBulkFit(singularValues: s, rows: m, cols: n))
            XCTAssertEqual(fit.spikes, multiples.count, "seed \(seed)")
            assertClose(fit.sigmaBulk, sigma, rel: 0.01, "seed \(seed): sigma_bulk")
            assertClose(fit.law.upperEdge, sigma * 48, rel: 0.01, "seed \(seed): edge")
            XCTAssertLessThan(fit.ks, 0.05, "seed \(seed): the bulk follows the fitted law")
            // Without the (m - k)(n - k) correction the estimate is ~k(m+n)/(2mn) = 1.5% low.
            let bulkEnergy = s.dropFirst(multiples.count).reduce(0) { $0 + $1 * $1 }
            XCTAssertLessThan((bulkEnergy / Double(m * n)).squareRoot(), sigma * 0.995, "seed \(seed)")
            // The element-std edge carries the spikes' energy (64% of ‖W‖²_F here): overstated by ~66%.
            let elementStd = (w.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(m * n)).squareRoot()
            let old = MarchenkoPastur(rows: m, cols: n, sigma: elementStd)
            XCTAssertGreaterThan(old.upperEdge, fit.law.upperEdge * 1.2, "seed \(seed)")
        }
    }

    func testPureGaussianHasNoSpikesAndItsSigma() throws {
        let (m, n, sigma) = (600, 200, 0.05)
        for seed: UInt64 in [7, 8, 9] {
            let w = Self.planted(m: m, n: n, sigma: sigma, multiples: [], seed: seed)
            let s = try w.withUnsafeBufferPointer { try SingularValues.compute($0, rows: m, cols: n).values }
            let fit = try XCTUnwrap(MarchenkoPasturBulkFit(singularValues: s, rows: n, cols: m))
            XCTAssertLessThanOrEqual(fit.spikes, 1, "seed \(seed): at most a Tracy-Widom excursion")
            assertClose(fit.sigmaBulk, sigma, rel: 0.01, "seed \(seed)")
            XCTAssertEqual(fit.law.m, 600)
        }
    }

    func testDegenerateInputs() {
        XCTAssertNil(MarchenkoPasturBulkFit(singularValues: [], rows: 3, cols: 2))
        XCTAssertNil(MarchenkoPasturBulkFit(singularValues: [0, 0], rows: 3, cols: 2))
        XCTAssertNil(MarchenkoPasturBulkFit(singularValues: [.nan, 1], rows: 3, cols: 2))
        let one = MarchenkoPasturBulkFit(singularValues: [2, 1], rows: 4, cols: 2)
        XCTAssertNotNil(one)
    }
}
