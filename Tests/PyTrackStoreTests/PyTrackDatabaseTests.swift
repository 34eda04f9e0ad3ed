import Foundation
import GRDB
import XCTest
@testable import PyTrackStore

final class PyTrackDatabaseTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func makeDB() throws -> PyTrackDatabase {
        try PyTrackDatabase(path: dir.appendingPathComponent("sub/pytrack.sqlite").path)
    }

    func sampleMatrix(_ layer: Int?, _ name: String, frobenius: Double, groups: [String: Int] = ["moments": 1, "spectrum": 1]) -> MatrixResult {
        MatrixResult(key: MatrixKey(layer: layer, matrix: name), tensor: "t.\(name)", rows: 4, cols: 3, dtype: "F16",
                     metrics: ["frobenius": frobenius, "mean": 0.25, "alpha": .nan],
                     blobs: [StoredBlob(kind: "singular_values", payload: .float32([3, 2.5, 1e-7])),
                             StoredBlob(kind: "outliers", payload: .int32([7, -1, 12])),
                             StoredBlob(kind: "histogram", payload: .float32([1, 2, 3]), meta: ["lo": -0.5, "hi": 0.5])],
                     groupVersions: groups)
    }

    func testCreatesFolderMigratesAndUsesWAL() throws {
        let db = try makeDB()
        XCTAssertEqual(try db.appliedMigrations(), ["v1-core"])
        let mode = try db.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
        // Reopening an existing store does not re-run migrations or lose data.
        try db.recordCheckpoint(CheckpointRecord(model: "org/a", step: 1, revision: "step1", state: .synced))
        let again = try PyTrackDatabase(path: db.path)
        XCTAssertEqual(try again.checkpoints(model: "org/a").count, 1)
    }

    func testRefusesAFileThatIsNotADatabase() throws {
        let path = dir.appendingPathComponent("junk.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PyTrackDatabase(path: path)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(path), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testCheckpointStateUpsertKeepsKnownFields() throws {
        let db = try makeDB()
        try db.recordCheckpoint(CheckpointRecord(model: "org/a", step: 1000, revision: "step1000", commit: "c1",
                                                 weightSHA256: "s1", files: ["model.safetensors", "config.json"], state: .synced))
        try db.recordCheckpoint(CheckpointRecord(model: "org/a", step: 1000, revision: "step1000", state: .duplicate,
                                                 detail: "duplicate of step 2000"))
        try db.recordCheckpoint(CheckpointRecord(model: "org/a", step: 0, revision: "step0", state: .missing))
        let rows = try db.checkpoints(model: "org/a")
        XCTAssertEqual(rows.map(\.step), [0, 1000])
        XCTAssertEqual(rows[1].state, .duplicate)
        XCTAssertEqual(rows[1].commit, "c1")
        XCTAssertEqual(rows[1].weightSHA256, "s1")
        XCTAssertEqual(rows[1].files, ["model.safetensors", "config.json"])
        XCTAssertEqual(rows[1].detail, "duplicate of step 2000")
        let summary = try db.summary()
        XCTAssertEqual(summary.first?.states[.missing], 1)
        XCTAssertEqual(summary.first?.states[.duplicate], 1)
    }

    func testResultsRoundTripWithBlobsAndNaNAsNull() throws {
        let db = try makeDB()
        let cp = CheckpointRecord(model: "org/a", step: 4, revision: "step4", state: .computed)
        try db.saveResults(CheckpointResults(checkpoint: cp, isDemo: true, configJSON: "{}", matrices: [
            sampleMatrix(0, "qkv", frobenius: 2.0), sampleMatrix(nil, "embed_in", frobenius: 9.5),
        ]))
        XCTAssertEqual(try db.computedSteps(model: "org/a"), [4])
        XCTAssertEqual(try db.matrixKeys(model: "org/a"), [MatrixKey(layer: nil, matrix: "embed_in"), MatrixKey(layer: 0, matrix: "qkv")])
        XCTAssertEqual(try db.models().first?.isDemo, true)
        let rows = try db.metricRows(model: "org/a", metrics: ["frobenius", "alpha"])
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows.first { $0.matrix == "embed_in" && $0.metric == "frobenius" }?.value, 9.5)
        XCTAssertNil(rows.first { $0.matrix == "qkv" && $0.metric == "alpha" }!.value, "NaN is stored as NULL")
        let sv = try db.blob(model: "org/a", step: 4, key: MatrixKey(layer: 0, matrix: "qkv"), kind: "singular_values")
        XCTAssertEqual(sv?.payload, .float32([3, 2.5, 1e-7]))
        let out = try db.blob(model: "org/a", step: 4, key: MatrixKey(layer: 0, matrix: "qkv"), kind: "outliers")
        XCTAssertEqual(out?.payload, .int32([7, -1, 12]))
        let hist = try db.blob(model: "org/a", step: 4, key: MatrixKey(layer: nil, matrix: "embed_in"), kind: "histogram")
        XCTAssertEqual(hist?.meta, ["lo": -0.5, "hi": 0.5])
        XCTAssertEqual(try db.blobSeries(model: "org/a", key: MatrixKey(layer: 0, matrix: "qkv"), kind: "singular_values").map(\.step), [4])
    }

    func testPartialRecomputeMergesGroups() throws {
        let db = try makeDB()
        let cp = CheckpointRecord(model: "org/a", step: 1, revision: "step1", state: .computed)
        try db.saveResults(CheckpointResults(checkpoint: cp, matrices: [sampleMatrix(2, "q", frobenius: 1.0)]))
        var partial = MatrixResult(key: MatrixKey(layer: 2, matrix: "q"), tensor: "t.q", rows: 4, cols: 3, dtype: "F16",
                                   metrics: ["alpha": 3.5], groupVersions: ["powerlaw": 2])
        partial.blobs = []
        try db.saveResults(CheckpointResults(checkpoint: cp, matrices: [partial]))
        let groups = try db.storedGroupVersions(model: "org/a", step: 1)
        XCTAssertEqual(groups[MatrixKey(layer: 2, matrix: "q")], ["moments": 1, "spectrum": 1, "powerlaw": 2])
        let rows = try db.metricRows(model: "org/a")
        XCTAssertEqual(rows.first { $0.metric == "frobenius" }?.value, 1.0, "values of other groups are kept")
        XCTAssertEqual(rows.first { $0.metric == "alpha" }?.value, 3.5)
        XCTAssertTrue(try db.storedGroupVersions(model: "org/a", step: 2).isEmpty)
    }

    func testAFailedCheckpointWriteLeavesNothingBehind() throws {
        let db = try makeDB()
        try db.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER boom BEFORE INSERT ON metrics WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        var bad = sampleMatrix(1, "attn_out", frobenius: 3)
        bad.metrics["boom"] = 1
        let cp = CheckpointRecord(model: "org/a", step: 8, revision: "step8", state: .computed)
        XCTAssertThrowsError(try db.saveResults(CheckpointResults(checkpoint: cp, matrices: [sampleMatrix(0, "qkv", frobenius: 2), bad]))) { error in
            XCTAssertTrue(String(describing: error).contains("step 8"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("disk full"), "\(error)")
        }
        XCTAssertTrue(try db.checkpoints(model: "org/a").isEmpty)
        XCTAssertTrue(try db.computedSteps(model: "org/a").isEmpty)
        XCTAssertTrue(try db.metricRows(model: "org/a").isEmpty)
    }

    func testDerivedRowsUpsert() throws {
        let db = try makeDB()
        try db.saveDerived([
            DerivedMetric(model: "org/a-deduped", otherModel: "org/a", step: 10, layer: 1, matrix: "q", metric: "dedup_norm_ratio", value: 1.1, version: 1),
            DerivedMetric(model: "org/a", step: 10, layer: nil, matrix: "attn_out", metric: "depth_growth_rate", value: 0.2, version: 1),
        ])
        try db.saveDerived([
            DerivedMetric(model: "org/a-deduped", otherModel: "org/a", step: 10, layer: 1, matrix: "q", metric: "dedup_norm_ratio", value: 1.2, version: 1),
        ])
        let rows = try db.derived(model: "org/a-deduped")
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].value, 1.2)
        XCTAssertEqual(rows[0].otherModel, "org/a")
        XCTAssertEqual(try db.derived(model: "org/a", metric: "depth_growth_rate").first?.layer, nil)
    }
}
