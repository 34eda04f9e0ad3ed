import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// The stored shape (rows, cols) of every matrix of a model, from its latest computed step.
    public func matrixShapes(model: String) throws -> [MatrixKey: (rows: Int, cols: Int)] {
        try read { db in
            var out: [MatrixKey: (rows: Int, cols: Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT x.layer, x.matrix, x.rows, x.cols FROM matrices x JOIN checkpoints c ON c.id = x.checkpoint_id
                JOIN models m ON m.id = c.model_id WHERE m.name = ? ORDER BY c.step
                """, arguments: [model]) {
                out[MatrixKey(layer: row["layer"], matrix: row["matrix"])] = (row["rows"], row["cols"])
            }
            return out
        }
    }
}
