import XCTest
@testable import PyTrackStats

/// Sorting, quantiles, moments and the large-sample logistic path.
final class ElementStatisticsTests: XCTestCase {
    func testRadixSortEqualsStandardSort() {
        var rng = Xoshiro256StarStar(seed: 2)
        var x = (0..<100_000).map { _ in Float(rng.nextOpenUnit() - 0.5) * Float(1 << (rng.next() % 20)) }
        x += [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        let s = x.withUnsafeBufferPointer { SortedSample(finite: $0) }
        XCTAssertEqual(s.values.map { $0 == 0 ? 0 : $0 }, x.sorted().map { $0 == 0 ? 0 : $0 })
    }

    func testQuantilesAndTailCounts() {
        let x: [Float] = [4, 1, 3, 2, 5]
        let s = x.withUnsafeBufferPointer { SortedSample(finite: $0) }
        XCTAssertEqual(s.quantile(0.5), 3); XCTAssertEqual(s.quantile(0.1), 1.4, accuracy: 1e-12)
        XCTAssertEqual(s.quantile(1), 5); XCTAssertEqual(s.quantile(0), 1)
        XCTAssertEqual(s.countBelow(3), 2); XCTAssertEqual(s.countAbove(3), 2)
    }

    func testMomentsOfShiftedDataKeepPrecision() {
        // Large offset, tiny spread: the corrected two-pass algorithm keeps the variance.
        let x: [Float] = (0..<10_001).map { 1000 + Float($0 % 3) * 0.001 }
        let m = x.withUnsafeBufferPointer { ElementMoments($0) }
        let xd = x.map(Double.init)
        let mean = xd.reduce(0, +) / Double(xd.count)
        let v = xd.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xd.count)
        assertClose(m.mean, mean, rel: 1e-14, "mean")
        assertClose(m.variance, v, rel: 1e-9, "variance")
    }

    func testLargeSampleLogisticMatchesFullNewton() {
        var rng = Xoshiro256StarStar(seed: 8)
        var x = [Double](repeating: 0, count: 700_000) // > 4 * 2^17: takes the subsample + polish path
        x.withUnsafeMutableBufferPointer { rng.fillLogistic($0, mu: 0.01, s: 0.02) }
        let f = x.map(Float.init)
        let (sorted, mom) = f.withUnsafeBufferPointer { (SortedSample(finite: $0), ElementMoments($0)) }
        let fit = LogisticFit(sorted: sorted, moments: mom)
        let full = LogisticFit.newton(sorted, mu: mom.mean, s: mom.std * 3.0.squareRoot() / Double.pi, tolerance: 1e-12)
        assertClose(fit.mu, full.mu, rel: 1e-9, abs: 2e-11, "mu")
        assertClose(fit.s, full.s, rel: 1e-9, "s")
        XCTAssertGreaterThanOrEqual(fit.meanLogLikelihood, full.ll - 1e-12)
        assertClose(fit.s, 0.02, rel: 0.01, "s near truth")
        XCTAssertLessThanOrEqual(fit.passes, 5)
    }
}
