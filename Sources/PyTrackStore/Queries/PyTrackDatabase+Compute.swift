import Foundation
import GRDB
import PyTrackDomain

/// Queries compute uses after each checkpoint to build the step-level derived rows.
extension PyTrackDatabase {
    /// For one (model, step): the values of the given metrics per matrix (a NULL value is `nil`).
    public func stepMetrics(model: String, step: Int, metrics: [String]) throws -> [MatrixKey: [String: Double?]] {
        guard !metrics.isEmpty else { return [:] }
        return try read { db in
            var out: [MatrixKey: [String: Double?]] = [:]
            let args: [DatabaseValueConvertible?] = [model, step] + (metrics as [DatabaseValueConvertible?])
            for row in try Row.fetchAll(db, sql: """
                SELECT x.layer, x.matrix, v.name, v.value FROM metrics v
                JOIN matrices x ON x.id = v.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id
                WHERE m.name = ? AND c.step = ? AND v.name IN (\(metrics.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(args)) {
                let key = MatrixKey(layer: row["layer"], matrix: row["matrix"])
                let value: Double? = row["value"]
                out[key, default: [:]][row["name"] as String] = .some(value)
            }
            return out
        }
    }

    /// For one (model, step): every stored scalar metric per matrix (a NULL value is `nil`).
    public func allStepMetrics(model: String, step: Int) throws -> [MatrixKey: [String: Double?]] {
        try read { db in
            var out: [MatrixKey: [String: Double?]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT x.layer, x.matrix, v.name, v.value FROM metrics v
                JOIN matrices x ON x.id = v.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id WHERE m.name = ? AND c.step = ?
                """, arguments: [model, step]) {
                let key = MatrixKey(layer: row["layer"], matrix: row["matrix"])
                let value: Double? = row["value"]
                out[key, default: [:]][row["name"] as String] = .some(value)
            }
            return out
        }
    }

    /// For one (model, step): every stored blob of one kind, by matrix.
    public func stepBlobs(model: String, step: Int, kind: String) throws -> [MatrixKey: StoredBlob] {
        try read { db in
            var out: [MatrixKey: StoredBlob] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT x.layer, x.matrix, b.* FROM blobs b
                JOIN matrices x ON x.id = b.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id WHERE m.name = ? AND c.step = ? AND b.kind = ?
                """, arguments: [model, step, kind]) {
                let key = MatrixKey(layer: row["layer"], matrix: row["matrix"])
                out[key] = try BlobRow(row: row).stored(path: path, what: "\(model) step \(step) \(key) \(kind)")
            }
            return out
        }
    }
}
