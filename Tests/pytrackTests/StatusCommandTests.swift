import Foundation
import PyTrackDomain
import PyTrackStore
import PyTrackTestSupport
import XCTest

/// `pytrack status` on a database written through the store's public API.
final class StatusCommandTests: XCTestCase {
    func makeDatabase() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-status-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.sqlite").path
        let db = try PyTrackDatabase(path: path)
        try db.recordSync(SyncRecord(model: "org/a", step: 0, revision: "step0", state: .synced))
        try db.recordSync(SyncRecord(model: "org/a", step: 1000, revision: "step1000", state: .missing, detail: "RevisionNotFound"))
        // A per-head OV row: its group (`ov`, version 1) is what the CLI judges it current by.
        try db.saveResults(CheckpointResults(checkpoint: ComputedCheckpoint(model: "org/a-deduped", step: 0, revision: "step0",
                                                                             expectedMatrices: 1),
                                             matrices: [MatrixResult(key: MatrixKey(layer: 0, matrix: "ov_head0"), tensor: "t", rows: 2, cols: 2,
                                                                     dtype: "F16", metrics: ["frobenius": 1], groupVersions: ["ov": 1])]))
        return path
    }

    func testSummaryStepsAndJSON() throws {
        let path = try makeDatabase()
        let text = try PytrackCommand.run(["status", "--db", path, "--steps"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("org/a: 2 steps; sync: 1 synced, 1 missing; compute: 2 pending; 0 matrices stored"), text.stdout)
        XCTAssertTrue(text.stdout.contains("org/a-deduped: 1 steps; sync: 1 not synced; compute: 1 computed; 1 matrices stored"), text.stdout)
        XCTAssertTrue(text.stdout.contains("RevisionNotFound"), text.stdout)

        let json = try PytrackCommand.run(["status", "--db", path, "--json", "--model", "org/a"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(object.count, 1)
        let steps = try XCTUnwrap(object[0]["checkpoints"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["step"] as? Int }, [0, 1000])
        XCTAssertEqual(steps.map { $0["sync_state"] as? String }, ["synced", "missing"])
        XCTAssertEqual(steps.map { $0["compute_state"] as? String }, ["pending", "pending"])
    }

    func testMissingDatabaseAndUnknownModelAreOneLineErrors() throws {
        let none = FileManager.default.temporaryDirectory.appendingPathComponent("no-\(UUID().uuidString).sqlite").path
        let r = try PytrackCommand.run(["status", "--db", none])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("pytrack: error: \(none): no such database"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: none), "status must not create a database")

        let path = try makeDatabase()
        let unknown = try PytrackCommand.run(["status", "--db", path, "--model", "org/zzz"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("org/zzz"), unknown.stderr)
        XCTAssertEqual(try PytrackCommand.run(["status", "--bogus"]).status, 2)
    }
}
