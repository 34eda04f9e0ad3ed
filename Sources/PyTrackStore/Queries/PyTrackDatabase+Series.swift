import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// Steps of a model that have at least one computed matrix, ascending.
    public func computedSteps(model: String) throws -> [Int] {
        try read { db in
            try Int.fetchAll(db, sql: """
                SELECT DISTINCT c.step FROM checkpoints c JOIN models m ON m.id = c.model_id
                WHERE m.name = ? AND EXISTS (SELECT 1 FROM matrices x WHERE x.checkpoint_id = c.id) ORDER BY c.step
                """, arguments: [model])
        }
    }

    /// Matrix keys stored for a model (any step), sorted by layer then name.
    public func matrixKeys(model: String) throws -> [MatrixKey] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT x.layer, x.matrix FROM matrices x JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id WHERE m.name = ?
                """, arguments: [model]).map { MatrixKey(layer: $0["layer"], matrix: $0["matrix"]) }.sorted()
        }
    }

    /// Scalar metric rows of a model in tidy form, optionally restricted to some metric and matrix names.
    public func metricRows(model: String, metrics: [String]? = nil, matrices: [String]? = nil) throws -> [TidyRow] {
        try read { db in
            var sql = """
                SELECT c.step, x.layer, x.matrix, v.name, v.value FROM metrics v
                JOIN matrices x ON x.id = v.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id WHERE m.name = ?
                """
            var args: [DatabaseValueConvertible?] = [model]
            if let metrics {
                sql += " AND v.name IN (\(metrics.map { _ in "?" }.joined(separator: ",")))"
                args += metrics as [DatabaseValueConvertible?]
            }
            if let matrices {
                sql += " AND x.matrix IN (\(matrices.map { _ in "?" }.joined(separator: ",")))"
                args += matrices as [DatabaseValueConvertible?]
            }
            sql += " ORDER BY c.step, x.layer, x.matrix, v.name"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                TidyRow(model: model, step: $0[0], layer: $0[1], matrix: $0[2], metric: $0[3], value: $0[4])
            }
        }
    }

    /// One stored blob (spectrum, histogram, vector), with its annotations; nil when absent.
    public func blob(model: String, step: Int, key: MatrixKey, kind: String) throws -> StoredBlob? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT b.* FROM blobs b JOIN matrices x ON x.id = b.matrix_id
                JOIN checkpoints c ON c.id = x.checkpoint_id JOIN models m ON m.id = c.model_id
                WHERE m.name = ? AND c.step = ? AND IFNULL(x.layer, -1) = ? AND x.matrix = ? AND b.kind = ?
                """, arguments: [model, step, key.layer ?? -1, key.matrix, kind]) else { return nil }
            return try BlobRow(row: row).stored(path: path, what: "\(model) step \(step) \(key) \(kind)")
        }
    }

    /// Every step's blob of one kind for one matrix of a model, ascending by step (for fixed axes across steps).
    public func blobSeries(model: String, key: MatrixKey, kind: String) throws -> [(step: Int, blob: StoredBlob)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.step, b.* FROM blobs b JOIN matrices x ON x.id = b.matrix_id
                JOIN checkpoints c ON c.id = x.checkpoint_id JOIN models m ON m.id = c.model_id
                WHERE m.name = ? AND IFNULL(x.layer, -1) = ? AND x.matrix = ? AND b.kind = ? ORDER BY c.step
                """, arguments: [model, key.layer ?? -1, key.matrix, kind]).map { row in
                let step: Int = row["step"]
                return (step, try BlobRow(row: row).stored(path: path, what: "\(model) step \(step) \(key) \(kind)"))
            }
        }
    }
}
