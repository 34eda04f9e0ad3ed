import XCTest
@testable import PyTrackStats

final class VectorStatisticsTests: XCTestCase {
    func testLayerNormGainAgainstReference() throws {
        let ref = try StatsFixtures.reference()
        for v in ref.vectors {
            let x = try StatsFixtures.floats(v.file)
            let st = try x.withUnsafeBufferPointer { try VectorStatistics.compute(values: $0, bins: v.histogram.bins) }
            XCTAssertEqual(st.outlierIndices, v.outliers, v.name)
            XCTAssertFalse(st.outlierIndices.isEmpty)
            XCTAssertEqual(st.histogram.counts, v.histogram.counts, v.name)
            for (name, want) in v.metrics {
                guard let want, let got = st.metric(name) else { XCTFail("\(v.name): \(name) missing"); continue }
                let (rel, absTol): (Double, Double) = ["skewness", "excess_kurtosis"].contains(name) ? (0, 1e-5) : (1e-6, 1e-12)
                assertClose(got, want, rel: rel, abs: absTol, "\(v.name).\(name)")
            }
        }
    }

    func testNaNNeverAnOutlierAndCounted() throws {
        var x = [Float](repeating: 0.45, count: 100)
        for i in 0..<100 { x[i] += Float(i % 7) * 0.001 }
        x[3] = .nan; x[50] = -3
        let st = try x.withUnsafeBufferPointer { try VectorStatistics.compute(values: $0) }
        XCTAssertEqual(st.outlierIndices, [50])
        XCTAssertEqual(st.metric("nonfinite_count"), 1)
        XCTAssertTrue(st.metric("mean")!.isFinite)
    }

    func testAllNonFiniteThrows() {
        let x: [Float] = [.nan, .infinity]
        XCTAssertThrowsError(try x.withUnsafeBufferPointer { try VectorStatistics.compute(values: $0) })
    }
}
