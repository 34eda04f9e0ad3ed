import XCTest
@testable import PyTrackCompute
import PyTrackFormats
import PyTrackStore

/// Tensors whose shape does not fit their role are named, not silently dropped (issue 14, item 12).
final class MatrixJobPlannerTests: XCTestCase {
    func entry(_ name: String, _ shape: [Int], layer: Int?, _ matrix: String) -> MatrixJobPlanner.Entry {
        let n = shape.reduce(1, *)
        return .init(info: TensorInfo(name: name, dtype: .f32, shape: shape, byteCount: 4 * n, sourceFile: "m.safetensors"),
                     layer: layer, matrix: matrix)
    }

    func testWrongRankTensorsAreListedAndTheRestPlanned() throws {
        let planned = try MatrixJobPlanner.jobs(entries: [
            entry("a.dense", [8, 8], layer: 0, "attn_out"),
            entry("a.mlp_in", [2, 2, 2], layer: 0, "mlp_in"),
            entry("a.mlp_out", [], layer: 0, "mlp_out"),
            entry("a.ln", [8, 8], layer: 0, "ln1_gain"),
            entry("a.ln2", [8], layer: 0, "ln2_gain"),
        ], heads: nil)
        XCTAssertEqual(planned.jobs.map(\.key.matrix), ["attn_out", "ln2_gain"])
        XCTAssertEqual(planned.unrecognised, ["a.mlp_in [2, 2, 2]", "a.mlp_out []", "a.ln [8, 8]"])
        XCTAssertEqual(planned.unrecognisedWarning, "3 tensor(s) not recognised, skipped: a.mlp_in [2, 2, 2], a.mlp_out [], a.ln [8, 8]")
    }

    func testWarningListsFiveAndCountsTheRest() {
        var p = MatrixJobPlanner.Planned(jobs: [], note: nil)
        XCTAssertNil(p.unrecognisedWarning)
        p.unrecognised = (0..<8).map { "t\($0) []" }
        XCTAssertEqual(p.unrecognisedWarning, "8 tensor(s) not recognised, skipped: t0 [], t1 [], t2 [], t3 [], t4 [] and 3 more")
    }
}
