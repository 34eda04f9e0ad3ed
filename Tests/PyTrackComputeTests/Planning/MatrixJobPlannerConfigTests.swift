import Foundation
import XCTest
import PyTrackFormats
@testable import PyTrackCompute

final class MatrixJobPlannerConfigTests: XCTestCase {
    /// A config whose counts are 1 (which Foundation's JSON on Linux also casts to Bool) keeps the q/k/v
    /// split and the per-head OV circuits; a config with a boolean where a count belongs drops them, says why.
    func testCountOfOneKeepsTheSplitAndABooleanDoesNot() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let checkpoint = try Checkpoint.open(ComputeFixtures.weights("standard").path)
        func plan(_ layers: String, heads: String) throws -> MatrixJobPlanner.Planned {
            let config = dir.appendingPathComponent("config-\(layers)-\(heads).json")
            try #"{"hidden_size": 32, "intermediate_size": 128, "vocab_size": 160, "num_hidden_layers": \#(layers), "num_attention_heads": \#(heads)}"#
                .write(to: config, atomically: true, encoding: .utf8)
            return try MatrixJobPlanner.jobs(checkpoint: checkpoint, configURL: config)
        }
        let one = try plan("1", heads: "1")
        XCTAssertNil(one.note)
        let names = Set(one.jobs.map(\.key.matrix))
        XCTAssertTrue(names.isSuperset(of: ["q", "k", "v", "ov_head0"]), "\(names)")
        XCTAssertEqual(one.jobs.filter { $0.key.matrix == "ov_head0" }.map(\.keys.count), [1, 1], "one head per layer")
        // Every job (q/k/v parts and OV circuits included) carries the source dtype: ks_floor's grid.
        XCTAssertEqual(Set(one.jobs.map(\.dtype)), ["F32"])
        let four = try plan("2", heads: "4")
        XCTAssertEqual(four.jobs.filter { $0.key.matrix == "ov_head0" }.map(\.keys.count), [4, 4])
        let boolean = try plan("true", heads: "4")
        XCTAssertFalse(boolean.jobs.contains { $0.key.matrix == "q" })
        XCTAssertTrue(boolean.note?.contains("num_hidden_layers") ?? false, boolean.note ?? "no note")
    }
}
