import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// Stores one checkpoint's results in a single transaction: compute's part of the checkpoint row
    /// (content key, expected matrices, failure), and for each matrix its row, metrics, blobs and group
    /// versions. Values of groups not included are kept, so a partial recompute (one stale group) merges
    /// into what is stored, unless `replacesStored` (the content changed): then every stored matrix of the
    /// checkpoint is deleted first, in the same transaction. Either everything is written or nothing is.
    public func saveResults(_ results: CheckpointResults) throws {
        let what = "results of \(results.checkpoint.model) step \(results.checkpoint.step)"
        try write(what) { db in
            let checkpointID = try Self.upsertComputed(db, results.checkpoint, isDemo: results.isDemo, configJSON: results.configJSON)
            if results.replacesStored {
                try db.execute(sql: "DELETE FROM matrices WHERE checkpoint_id = ?", arguments: [checkpointID])
            }
            for m in results.matrices {
                try Self.saveMatrix(db, checkpointID: checkpointID, m)
            }
        }
    }

    static func saveMatrix(_ db: Database, checkpointID: Int64, _ m: MatrixResult) throws {
        let existing = try Int64.fetchOne(db, sql: """
            SELECT id FROM matrices WHERE checkpoint_id = ? AND IFNULL(layer, -1) = ? AND matrix = ?
            """, arguments: [checkpointID, m.key.layer ?? -1, m.key.matrix])
        let matrixID: Int64
        if let existing {
            try db.execute(sql: """
                UPDATE matrices SET tensor = ?, rows = ?, cols = ?, dtype = ?, nonfinite_count = ?,
                computed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?
                """, arguments: [m.tensor, m.rows, m.cols, m.dtype, m.nonfiniteCount, existing])
            matrixID = existing
        } else {
            try db.execute(sql: """
                INSERT INTO matrices(checkpoint_id, layer, matrix, tensor, rows, cols, dtype, nonfinite_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [checkpointID, m.key.layer, m.key.matrix, m.tensor, m.rows, m.cols, m.dtype, m.nonfiniteCount])
            matrixID = db.lastInsertedRowID
        }
        let metric = try db.makeStatement(sql: "INSERT OR REPLACE INTO metrics(matrix_id, name, value) VALUES (?, ?, ?)")
        for (name, value) in m.metrics {
            let stored: Double? = value.flatMap { $0.isFinite ? $0 : nil }
            try metric.execute(arguments: [matrixID, name, stored])
        }
        for b in m.blobs {
            let (encoding, data) = BlobCoding.encode(b.payload)
            let meta = b.meta.isEmpty ? nil : String(data: try JSONSerialization.data(withJSONObject: b.meta, options: [.sortedKeys]), encoding: .utf8)
            try BlobRow(matrixID: matrixID, kind: b.kind, encoding: encoding, count: b.count, metaJSON: meta, data: data)
                .insert(db, onConflict: .replace)
        }
        let group = try db.makeStatement(sql: "INSERT OR REPLACE INTO metric_groups(matrix_id, grp, version) VALUES (?, ?, ?)")
        for (name, version) in m.groupVersions {
            try group.execute(arguments: [matrixID, name, version])
        }
    }

    /// For one (model, step): the metric-group versions stored for each matrix. A matrix absent from the
    /// answer has never been computed. Compute uses this to skip what is current.
    public func storedGroupVersions(model: String, step: Int) throws -> [MatrixKey: [String: Int]] {
        try read { db in
            var out: [MatrixKey: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT x.layer, x.matrix, g.grp, g.version FROM matrices x
                JOIN checkpoints c ON c.id = x.checkpoint_id JOIN models m ON m.id = c.model_id
                LEFT JOIN metric_groups g ON g.matrix_id = x.id
                WHERE m.name = ? AND c.step = ?
                """, arguments: [model, step]) {
                let key = MatrixKey(layer: row["layer"], matrix: row["matrix"])
                var groups = out[key] ?? [:]
                if let grp: String = row["grp"] { groups[grp] = row["version"] }
                out[key] = groups
            }
            return out
        }
    }

    /// Replaces derived rows (comparisons, depth growth) in one transaction.
    public func saveDerived(_ rows: [DerivedMetric]) throws {
        guard !rows.isEmpty else { return }
        try write("\(rows.count) derived metrics") { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO derived_metrics(model_id, other_model_id, step, layer, matrix, metric, value, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET value = excluded.value, version = excluded.version
                """)
            var ids: [String: Int64] = [:]
            func id(_ name: String) throws -> Int64 {
                if let known = ids[name] { return known }
                let new = try Self.ensureModel(db, name, isDemo: nil, configJSON: nil)
                ids[name] = new
                return new
            }
            for r in rows {
                let stored: Double? = r.value.flatMap { $0.isFinite ? $0 : nil }
                try statement.execute(arguments: [try id(r.model), try r.otherModel.map(id), r.step, r.layer, r.matrix, r.metric, stored, r.version])
            }
        }
    }

    /// Derived rows of a model, optionally only one metric.
    public func derived(model: String, metric: String? = nil) throws -> [DerivedMetric] {
        try read { db in
            var request = DerivedMetricRow.all().filter(model: model)
            if let metric { request = request.filter(metric: metric) }
            return try request.orderByStep().withModels().fetchAll(db).map(\.metric)
        }
    }
}
