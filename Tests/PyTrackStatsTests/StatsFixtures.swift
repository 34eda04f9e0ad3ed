import Foundation
import XCTest

/// Loads the committed fixtures written by tools/reference/make_stats_fixtures.py.
enum StatsFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/stats")

    struct HistogramRef: Decodable { let bins: Int; let lower: Double; let upper: Double; let counts: [Int] }
    struct MatrixRef: Decodable {
        let name: String, file: String, rows: Int, cols: Int, dtype: String
        let metrics: [String: Double?]
        let singular_values: [Double]
        let singular_values_float32_numpy: [Double]
        let logistic_loglik_at_scipy: Double
        let student_t_scipy_default: StudentTDefaultRef
        let histogram: HistogramRef
    }
    struct VectorRef: Decodable {
        let name: String, file: String
        let metrics: [String: Double?]
        let outliers: [Int]
        let histogram: HistogramRef
    }
    struct StudentTDefaultRef: Decodable { let df: Double, mu: Double, s: Double, loglik: Double }
    struct StudentTCDFPoint: Decodable { let df: Double, z: Double, cdf: Double, logpdf: Double }
    struct MPPoint: Decodable { let q: Double, x: Double, cdf: Double, density: Double }
    struct W1Ref: Decodable { let a: [Double], b: [Double], w1_normalised: Double }
    struct DepthRef: Decodable { let layers: [Int], norms: [Double], slope: Double }
    struct FloorCase: Decodable { let count: Int, dtype: String, mean: Double, std: Double, seed: UInt64, ks: Double }
    /// weightwatcher's own values (tools/reference/make_weightwatcher_fixture.py).
    struct WeightWatcherRef: Decodable {
        struct Matrix: Decodable {
            let name: String, file: String, rows: Int, cols: Int
            let alpha: Double, xmin: Double, D: Double, num_evals: Int, spectral_norm: Double
        }
        let weightwatcher_version: String
        let matrices: [Matrix]
    }
    struct Reference: Decodable {
        let matrices: [MatrixRef]
        let vectors: [VectorRef]
        let mp_cdf: [MPPoint]
        let student_t_cdf: [StudentTCDFPoint]
        let wasserstein: W1Ref
        let depth_growth: DepthRef
        let ks_floor: [FloorCase]
    }

    static func reference() throws -> Reference {
        let data = try Data(contentsOf: directory.appendingPathComponent("reference.json"))
        // Python writes NaN as a bare token; map it to null so JSONDecoder accepts it.
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "NaN", with: "null")
        return try JSONDecoder().decode(Reference.self, from: Data(text.utf8))
    }

    static func weightwatcher() throws -> WeightWatcherRef {
        try JSONDecoder().decode(WeightWatcherRef.self, from: Data(contentsOf: directory.appendingPathComponent("weightwatcher.json")))
    }

    static func floats(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// |a - b| <= max(rel * |b|, abs), with a message naming the quantity.
func assertClose(_ a: Double, _ b: Double, rel: Double, abs absTol: Double = 0, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    if a.isNaN && b.isNaN { return }
    let tol = max(rel * abs(b), absTol)
    XCTAssert(abs(a - b) <= tol, "\(what): got \(a), want \(b) (|diff| \(abs(a - b)) > \(tol))", file: file, line: line)
}
