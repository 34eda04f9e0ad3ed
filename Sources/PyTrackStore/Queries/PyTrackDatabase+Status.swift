import Foundation
import GRDB

/// One checkpoint as `pytrack status` shows it.
public struct CheckpointStatus: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var state: CheckpointState
    public var matrices: Int
    public var detail: String?
}

extension PyTrackDatabase {
    /// Every checkpoint (optionally of one model) with how many matrices are stored for it.
    public func checkpointStatus(model: String? = nil) throws -> [CheckpointStatus] {
        try read { db in
            var sql = """
                SELECT m.name, c.step, c.state, c.detail,
                       (SELECT COUNT(*) FROM matrices x WHERE x.checkpoint_id = c.id) AS n
                FROM checkpoints c JOIN models m ON m.id = c.model_id
                """
            var args: [DatabaseValueConvertible?] = []
            if let model { sql += " WHERE m.name = ?"; args.append(model) }
            sql += " ORDER BY m.name, c.step"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                CheckpointStatus(model: $0["name"], step: $0["step"],
                                 state: CheckpointState(rawValue: $0["state"]) ?? .failed,
                                 matrices: $0["n"], detail: $0["detail"])
            }
        }
    }
}
