import Foundation
import PyTrackTestSupport
import XCTest

/// A long `A:B:S` term is matched against the cache instead of being expanded (issue 14, item 13).
final class ComputeStepSelectionTests: XCTestCase {
    func testLongStrideComputesTheCachedStepsOnItAndNothingElse() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: [0, 1000, 1500], fixture: "standard")
        let db = dir.appendingPathComponent("db.sqlite").path
        let start = Date()
        let r = try PytrackCommand.run(["compute", "--model", "Org/tiny", "--steps", "0:999999999:1000", "--cache", cache.path, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertTrue(r.stderr.contains("2 checkpoint(s) computed"), r.stderr)
        let csv = try PytrackCommand.run(["export", "--db", db, "--model", "Org/tiny"])
        let steps = Set(csv.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) })
        XCTAssertEqual(steps, ["0", "1000"])

        // A short stride still names each absent step.
        let short = try PytrackCommand.run(["compute", "--model", "Org/tiny", "--steps", "0:2000:1000", "--cache", cache.path, "--db", db])
        XCTAssertEqual(short.status, 1, short.stderr)
        XCTAssertTrue(short.stderr.split(separator: "\n").last?.contains("Org/tiny step 2000") ?? false, short.stderr)
    }
}
