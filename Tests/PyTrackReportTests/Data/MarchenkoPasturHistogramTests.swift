import PyTrackStats
import XCTest
@testable import PyTrackReport

final class MarchenkoPasturHistogramTests: XCTestCase {
    /// The density integrates to one, the second moment is E[s^2] = max(m,n) sigma^2 (the MP mean of
    /// lambda = s^2 / M is sigma^2), and the support is sigma (sqrt M +- sqrt N), for tall, wide and square.
    func testDensityMomentsAndEdges() {
        for (m, n, sigma) in [(2304, 768, 0.02), (768, 3072, 0.5), (512, 512, 1.0), (50304, 768, 0.01)] {
            let c = MarchenkoPastur(rows: m, cols: n, sigma: sigma)
            let big = Double(max(m, n)), small = Double(min(m, n))
            XCTAssertEqual(c.upperEdge, sigma * (big.squareRoot() + small.squareRoot()), accuracy: 1e-12)
            XCTAssertEqual(c.lowerEdge, sigma * (big.squareRoot() - small.squareRoot()), accuracy: 1e-12)
            let k = 200_000
            let h = (c.upperEdge - c.lowerEdge) / Double(k)
            var mass = 0.0, second = 0.0
            for i in 0..<k {
                let s = c.lowerEdge + (Double(i) + 0.5) * h
                mass += c.density(singularValue: s) * h
                second += c.density(singularValue: s) * s * s * h
            }
            XCTAssertEqual(mass, 1, accuracy: 2e-3, "\(m)x\(n)")
            XCTAssertEqual(second / (big * sigma * sigma), 1, accuracy: 3e-3, "\(m)x\(n)")
            XCTAssertEqual(c.density(singularValue: c.upperEdge * 1.01), 0)
            XCTAssertEqual(c.density(singularValue: c.lowerEdge * 0.99), 0)
            let counts = c.expectedCounts(lo: 0, hi: c.upperEdge * 1.1, bins: 50, subdivisions: 200)
            XCTAssertEqual(counts.reduce(0, +), Double(min(m, n)), accuracy: Double(min(m, n)) * 3e-3)
        }
    }

    /// Against an independent reference: numpy's SVD of a seeded Gaussian matrix (values committed in
    /// Tests/Fixtures/report/mp_reference.json by tools/report/make_mp_reference.py). The empirical
    /// singular values follow the curve: Kolmogorov-Smirnov distance small, largest value near the edge.
    func testMatchesNumpySVDOfGaussianMatrix() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/report/mp_reference.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let rows = try XCTUnwrap(object?["rows"] as? Int), cols = try XCTUnwrap(object?["cols"] as? Int)
        let sigma = try XCTUnwrap(object?["sigma"] as? Double)
        let sv = try XCTUnwrap(object?["singular_values"] as? [Double]).sorted()
        let c = MarchenkoPastur(rows: rows, cols: cols, sigma: sigma)
        // CDF of the curve at each empirical value, by fine integration.
        let k = 100_000
        let h = (c.upperEdge - c.lowerEdge) / Double(k)
        var cdf = [Double](repeating: 0, count: k + 1)
        for i in 1...k { cdf[i] = cdf[i - 1] + c.density(singularValue: c.lowerEdge + (Double(i) - 0.5) * h) * h }
        var ks = 0.0
        for (i, s) in sv.enumerated() {
            let j = min(k, max(0, Int((s - c.lowerEdge) / h)))
            let f = cdf[j]
            ks = max(ks, abs(f - Double(i) / Double(sv.count)), abs(f - Double(i + 1) / Double(sv.count)))
        }
        XCTAssertLessThan(ks, 0.03, "KS distance to numpy SVD \(ks)")
        XCTAssertEqual(sv.last! / c.upperEdge, 1, accuracy: 0.03)
    }
}
