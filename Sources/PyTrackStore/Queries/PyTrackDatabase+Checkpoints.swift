import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// Records what sync found for one (model, step): its sync state, commit, content key, files and
    /// source. Compute's columns and every stored matrix stay untouched, so syncing again after a compute
    /// never undoes it; a changed content key makes the stored results `stale` until recomputed.
    public func recordSync(_ record: SyncRecord) throws {
        try write("sync state of \(record.model) step \(record.step)") { db in
            let modelID = try Self.ensureModel(db, record.model, isDemo: nil, configJSON: nil)
            try db.execute(sql: """
                INSERT INTO checkpoints(model_id, step, revision, commit_sha, weight_sha256, files_json, sync_state, sync_detail, source, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
                ON CONFLICT(model_id, step) DO UPDATE SET
                    revision = excluded.revision,
                    commit_sha = COALESCE(excluded.commit_sha, commit_sha),
                    weight_sha256 = COALESCE(excluded.weight_sha256, weight_sha256),
                    files_json = CASE WHEN excluded.files_json = '[]' THEN files_json ELSE excluded.files_json END,
                    sync_state = excluded.sync_state,
                    sync_detail = excluded.sync_detail,
                    source = COALESCE(excluded.source, source),
                    updated_at = excluded.updated_at
                """, arguments: [modelID, record.step, record.revision, record.commit, record.weightSHA256,
                                 try Self.filesJSON(record.files), record.state.rawValue, record.detail, record.source])
        }
    }

    /// Records that computing one (model, step) failed, keeping whatever it stored before.
    public func recordComputeFailure(model: String, step: Int, revision: String, reason: String) throws {
        try write("compute failure of \(model) step \(step)") { db in
            let modelID = try Self.ensureModel(db, model, isDemo: nil, configJSON: nil)
            try db.execute(sql: """
                INSERT INTO checkpoints(model_id, step, revision, compute_failure, updated_at)
                VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
                ON CONFLICT(model_id, step) DO UPDATE SET compute_failure = excluded.compute_failure,
                    updated_at = excluded.updated_at
                """, arguments: [modelID, step, revision, reason])
        }
    }

    /// Compute's part of the checkpoint row (inside the results transaction); returns the row id.
    static func upsertComputed(_ db: Database, _ c: ComputedCheckpoint, isDemo: Bool?, configJSON: String?) throws -> Int64 {
        let modelID = try ensureModel(db, c.model, isDemo: isDemo, configJSON: configJSON)
        try db.execute(sql: """
            INSERT INTO checkpoints(model_id, step, revision, commit_sha, computed_sha256, files_json, compute_failure,
                                    expected_matrices, source, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ON CONFLICT(model_id, step) DO UPDATE SET
                commit_sha = COALESCE(excluded.commit_sha, commit_sha),
                computed_sha256 = excluded.computed_sha256,
                files_json = CASE WHEN sync_state IS NULL OR files_json IS NULL THEN excluded.files_json ELSE files_json END,
                compute_failure = excluded.compute_failure,
                expected_matrices = excluded.expected_matrices,
                source = CASE WHEN sync_state IS NULL THEN excluded.source ELSE source END,
                updated_at = excluded.updated_at
            """, arguments: [modelID, c.step, c.revision, c.commit, c.contentSHA256, try filesJSON(c.files), c.failure,
                             c.expectedMatrices, c.source])
        return try CheckpointRow.filter(CheckpointRow.Columns.modelID == modelID).filter(step: c.step).selectID().fetchOne(db)!
    }

    static func filesJSON(_ files: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: files), as: UTF8.self)
    }

    /// Checkpoints of a model, by step.
    public func checkpoints(model: String) throws -> [CheckpointRecord] {
        try read { db in
            try CheckpointRow.all().filter(model: model).orderByStep().withModel().fetchAll(db).map(\.record)
        }
    }

    /// One checkpoint, or nil when the store has none for (model, step).
    public func checkpoint(model: String, step: Int) throws -> CheckpointRecord? {
        try read { db in
            try CheckpointRow.all().filter(model: model).filter(step: step).withModel().fetchOne(db)?.record
        }
    }

    /// Every checkpoint in the store, by model and step.
    public func allCheckpoints() throws -> [CheckpointRecord] {
        try read { db in
            try CheckpointRow.all().orderByModelAndStep().withModel().fetchAll(db).map(\.record)
        }
    }
}
