import Foundation
import GRDB

extension PyTrackDatabase {
    /// Inserts or replaces the state of one (model, step) checkpoint. Computed results stay untouched.
    public func recordCheckpoint(_ record: CheckpointRecord) throws {
        try write("checkpoint \(record.model) step \(record.step)") { db in
            _ = try Self.upsertCheckpoint(db, record, isDemo: nil, configJSON: nil)
        }
    }

    static func upsertCheckpoint(_ db: Database, _ r: CheckpointRecord, isDemo: Bool?, configJSON: String?) throws -> Int64 {
        let modelID = try ensureModel(db, r.model, isDemo: isDemo, configJSON: configJSON)
        let files = String(data: try JSONSerialization.data(withJSONObject: r.files), encoding: .utf8)
        try db.execute(sql: """
            INSERT INTO checkpoints(model_id, step, revision, commit_sha, weight_sha256, files_json, state, detail, source, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ON CONFLICT(model_id, step) DO UPDATE SET
                revision = excluded.revision,
                commit_sha = COALESCE(excluded.commit_sha, commit_sha),
                weight_sha256 = COALESCE(excluded.weight_sha256, weight_sha256),
                files_json = CASE WHEN excluded.files_json = '[]' THEN files_json ELSE excluded.files_json END,
                state = excluded.state,
                detail = excluded.detail,
                source = COALESCE(excluded.source, source),
                updated_at = excluded.updated_at
            """, arguments: [modelID, r.step, r.revision, r.commit, r.weightSHA256, files, r.state.rawValue, r.detail, r.source])
        return try Int64.fetchOne(db, sql: "SELECT id FROM checkpoints WHERE model_id = ? AND step = ?", arguments: [modelID, r.step])!
    }

    /// Checkpoints of a model, by step.
    public func checkpoints(model: String) throws -> [CheckpointRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.name, c.* FROM checkpoints c JOIN models m ON m.id = c.model_id
                WHERE m.name = ? ORDER BY c.step
                """, arguments: [model]).map(Self.checkpoint(from:))
        }
    }

    /// Every checkpoint in the store, by model and step.
    public func allCheckpoints() throws -> [CheckpointRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.name, c.* FROM checkpoints c JOIN models m ON m.id = c.model_id ORDER BY m.name, c.step
                """).map(Self.checkpoint(from:))
        }
    }

    static func checkpoint(from row: Row) -> CheckpointRecord {
        let filesJSON: String? = row["files_json"]
        let files = filesJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } ?? []
        return CheckpointRecord(
            model: row["name"], step: row["step"], revision: row["revision"], commit: row["commit_sha"],
            weightSHA256: row["weight_sha256"], files: files,
            state: CheckpointState(rawValue: row["state"]) ?? .failed, detail: row["detail"], source: row["source"],
            updatedAt: row["updated_at"])
    }

    /// Per model: how many checkpoints are in each state and how many matrices are stored.
    public func summary() throws -> [(model: String, states: [CheckpointState: Int], matrices: Int)] {
        try read { db in
            var byModel: [String: [CheckpointState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT m.name, c.state, COUNT(*) AS n FROM checkpoints c JOIN models m ON m.id = c.model_id
                GROUP BY m.name, c.state
                """) {
                let state = CheckpointState(rawValue: row["state"]) ?? .failed
                byModel[row["name"], default: [:]][state] = row["n"]
            }
            var matrixCounts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT m.name, COUNT(x.id) AS n FROM models m JOIN checkpoints c ON c.model_id = m.id
                JOIN matrices x ON x.checkpoint_id = c.id GROUP BY m.name
                """) {
                matrixCounts[row["name"]] = row["n"]
            }
            let names = try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name")
            return names.map { ($0, byModel[$0] ?? [:], matrixCounts[$0] ?? 0) }
        }
    }
}
