import Foundation
import GRDB
import XCTest
import PyTrackDomain
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
        XCTAssertEqual(try db.appliedMigrations(), ["v1-core", "v2-lifecycles", "v2-run-groups"])
        let mode = try db.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
        // Reopening an existing store does not re-run migrations or lose data.
        try db.recordSync(SyncRecord(model: "org/a", step: 1, revision: "step1", state: .synced))
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

    func testSyncRecordKeepsKnownFields() throws {
        let db = try makeDB()
        try db.recordSync(SyncRecord(model: "org/a", step: 1000, revision: "step1000", commit: "c1",
                                     weightSHA256: "s1", files: ["model.safetensors", "config.json"], state: .synced))
        try db.recordSync(SyncRecord(model: "org/a", step: 1000, revision: "step1000", state: .duplicate,
                                     detail: "duplicate of step 2000"))
        try db.recordSync(SyncRecord(model: "org/a", step: 0, revision: "step0", state: .missing))
        let rows = try db.checkpoints(model: "org/a")
        XCTAssertEqual(rows.map(\.step), [0, 1000])
        XCTAssertEqual(rows[1].syncState, .duplicate)
        XCTAssertEqual(rows[1].commit, "c1")
        XCTAssertEqual(rows[1].weightSHA256, "s1")
        XCTAssertEqual(rows[1].files, ["model.safetensors", "config.json"])
        XCTAssertEqual(rows[1].syncDetail, "duplicate of step 2000")
        let status = try db.checkpointStatus(model: "org/a", required: required)
        XCTAssertEqual(status.map(\.computeState), [.pending, .pending])
        XCTAssertEqual(status.map(\.syncState), [.missing, .duplicate])
    }

    /// The kinds' current versions the status tests judge against.
    let required: RequiredGroups = ["matrix": ["moments": 1, "spectrum": 1], "ov": ["ov": 1]]

    func testSyncAfterComputeNeverUndoesCompute() throws {
        let db = try makeDB()
        try db.recordSync(SyncRecord(model: "org/a", step: 4, revision: "step4", commit: "c1", weightSHA256: "w1", state: .synced))
        let cp = ComputedCheckpoint(model: "org/a", step: 4, revision: "step4", contentSHA256: "w1", source: "hub", expectedMatrices: 2)
        try db.saveResults(CheckpointResults(checkpoint: cp, matrices: [sampleMatrix(0, "q", frobenius: 1), sampleMatrix(0, "k", frobenius: 2)]))
        XCTAssertEqual(try db.checkpointStatus(model: "org/a", required: required).first?.computeState, .computed)
        // The same content synced again: nothing changes.
        try db.recordSync(SyncRecord(model: "org/a", step: 4, revision: "step4", commit: "c1", weightSHA256: "w1", state: .synced))
        var status = try db.checkpointStatus(model: "org/a", required: required)
        XCTAssertEqual(status.first?.computeState, .computed)
        XCTAssertEqual(status.first?.matrices, 2)
        // The hub moved the branch to other weights: sync records them, the stored rows become stale.
        try db.recordSync(SyncRecord(model: "org/a", step: 4, revision: "step4", commit: "c2", weightSHA256: "w2", state: .synced))
        status = try db.checkpointStatus(model: "org/a", required: required)
        XCTAssertEqual(status.first?.computeState, .stale)
        XCTAssertEqual(status.first?.syncState, .synced)
        XCTAssertEqual(try db.metricRows(model: "org/a", metrics: ["frobenius"]).count, 2, "sync deletes no result")
    }

    func testComputeStates() throws {
        let db = try makeDB()
        func save(_ step: Int, _ matrices: [MatrixResult], expected: Int?, failure: String? = nil) throws {
            try db.saveResults(CheckpointResults(checkpoint: ComputedCheckpoint(
                model: "org/a", step: step, revision: "step\(step)", contentSHA256: "c\(step)", expectedMatrices: expected, failure: failure),
                matrices: matrices))
        }
        try save(1, [sampleMatrix(0, "q", frobenius: 1), sampleMatrix(0, "k", frobenius: 1)], expected: 2)
        try save(2, [sampleMatrix(0, "q", frobenius: 1)], expected: 2)
        try save(3, [sampleMatrix(0, "q", frobenius: 1, groups: ["moments": 1, "spectrum": 0])], expected: 1)
        try save(4, [sampleMatrix(0, "q", frobenius: 1, groups: ["moments": 1])], expected: 1)
        try save(5, [sampleMatrix(0, "q", frobenius: 1)], expected: 2, failure: "layer 0 k: out of memory")
        try db.recordComputeFailure(model: "org/a", step: 6, revision: "step6", reason: "unreadable")
        let ov = MatrixResult(key: MatrixKey(layer: 0, matrix: "ov_head0"), tensor: "t", rows: 4, cols: 4, dtype: "F16",
                              metrics: ["frobenius": 1], groupVersions: ["ov": 1])
        try save(7, [ov, sampleMatrix(0, "q", frobenius: 1)], expected: 2)
        let states = try db.checkpointStatus(model: "org/a", required: required).map { "\($0.step):\($0.computeState.rawValue)" }
        XCTAssertEqual(states, ["1:computed", "2:partial", "3:stale", "4:stale", "5:failed", "6:failed", "7:computed"])
        // A later success clears the failure and keeps what the failed run stored.
        try save(5, [sampleMatrix(0, "k", frobenius: 1)], expected: 2)
        let five = try db.checkpointStatus(model: "org/a", step: 5, required: required)
        XCTAssertEqual(five.map(\.computeState), [.computed])
        XCTAssertEqual(five.first?.matrices, 2)
    }

    func testChangedContentReplacesEveryStoredMatrixInOneTransaction() throws {
        let db = try makeDB()
        let first = ComputedCheckpoint(model: "org/a", step: 0, revision: "step0", contentSHA256: "old", expectedMatrices: 2)
        try db.saveResults(CheckpointResults(checkpoint: first, matrices: [sampleMatrix(0, "q", frobenius: 1), sampleMatrix(0, "k", frobenius: 2)]))
        var second = first
        second.contentSHA256 = "new"
        second.expectedMatrices = 1
        try db.saveResults(CheckpointResults(checkpoint: second, matrices: [sampleMatrix(0, "q", frobenius: 5)], replacesStored: true))
        let rows = try db.metricRows(model: "org/a", metrics: ["frobenius"])
        XCTAssertEqual(rows.map(\.matrix), ["q"], "the old content's k is gone")
        XCTAssertEqual(rows.first?.value, 5)
        XCTAssertEqual(try db.checkpoint(model: "org/a", step: 0)?.computedSHA256, "new")
    }

    func testMigrationCarriesVersion1RowsOver() throws {
        let path = dir.appendingPathComponent("v1.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(queue, upTo: "v1-core")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO models(id, name) VALUES (1, 'org/a');
                INSERT INTO checkpoints(id, model_id, step, revision, weight_sha256, state, detail, source) VALUES
                    (1, 1, 0, 'step0', 'w0', 'computed', NULL, 'hub'),
                    (2, 1, 1, 'step1', 'w1', 'synced', NULL, 'https://huggingface.co'),
                    (3, 1, 2, 'step2', NULL, 'missing', 'no such revision', 'https://huggingface.co'),
                    (4, 1, 4, 'step4', 'w0', 'duplicate', 'duplicate of step 0', 'https://huggingface.co'),
                    (5, 1, 8, 'step8', NULL, 'failed', 'sha256 mismatch', 'https://huggingface.co'),
                    (6, 1, 16, 'step16', 'w16', 'failed', 'layer 0 q: bad dtype', 'hub'),
                    (7, 1, 32, 'step32', NULL, 'computed', NULL, '/data/model.safetensors');
                INSERT INTO matrices(id, checkpoint_id, layer, matrix, tensor, rows, cols, dtype) VALUES
                    (1, 1, 0, 'q', 't', 4, 3, 'F16'), (2, 6, 0, 'k', 't', 4, 3, 'F16'), (3, 7, 0, 'q', 't', 4, 3, 'F16');
                INSERT INTO metric_groups(matrix_id, grp, version) VALUES (1, 'moments', 1), (1, 'spectrum', 1),
                    (2, 'moments', 1), (2, 'spectrum', 1), (3, 'moments', 1), (3, 'spectrum', 1);
                INSERT INTO metrics(matrix_id, name, value) VALUES (1, 'frobenius', 1.5), (2, 'frobenius', 2.5), (3, 'frobenius', 3.5);
                """)
        }
        try queue.close()
        let db = try PyTrackDatabase(path: path)
        let status = try db.checkpointStatus(model: "org/a", required: required)
        XCTAssertEqual(status.map { "\($0.step):\($0.syncState?.rawValue ?? "-"):\($0.computeState.rawValue):\($0.detail ?? "")" }, [
            "0:synced:computed:", "1:synced:pending:", "2:missing:pending:no such revision",
            "4:duplicate:pending:duplicate of step 0", "8:failed:pending:sha256 mismatch",
            "16:synced:failed:layer 0 q: bad dtype", "32:-:computed:",
        ])
        XCTAssertEqual(try db.metricRows(model: "org/a", metrics: ["frobenius"]).map(\.value), [1.5, 2.5, 3.5], "no row lost")
    }

    func testRunGroupsRoundTripAndStayOutOfTheModelList() throws {
        let db = try makeDB()
        let group = RunGroup(name: "demo", runs: [
            RunGroup.Run(repo: "org/a", role: .standard, data: .standard),
            RunGroup.Run(repo: "org/a-deduped", role: .deduped, data: .deduped),
            RunGroup.Run(repo: "org/a-deduped-seed1", role: .seed, data: .deduped),
        ], comparisons: [.seedSpread])
        try db.recordGroup(group)
        try db.recordGroup(group)
        XCTAssertEqual(try db.groups(), [group])
        XCTAssertEqual(try db.models().map(\.name), ["org/a", "org/a-deduped", "org/a-deduped-seed1"])
    }

    func testResultsRoundTripWithBlobsAndNaNAsNull() throws {
        let db = try makeDB()
        let cp = ComputedCheckpoint(model: "org/a", step: 4, revision: "step4")
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
        let cp = ComputedCheckpoint(model: "org/a", step: 1, revision: "step1")
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
        let cp = ComputedCheckpoint(model: "org/a", step: 8, revision: "step8")
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
