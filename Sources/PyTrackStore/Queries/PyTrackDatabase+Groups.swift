import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// Records a run group (replacing an earlier definition of the same name), in one transaction.
    public func recordGroup(_ group: RunGroup) throws {
        try write("run group \(group.name)") { db in
            let groupID = try Self.ensureModel(db, group.name, isDemo: nil, configJSON: nil)
            try db.execute(sql: "UPDATE models SET is_group = 1 WHERE id = ?", arguments: [groupID])
            try db.execute(sql: "DELETE FROM group_runs WHERE group_id = ?", arguments: [groupID])
            try db.execute(sql: "DELETE FROM group_comparisons WHERE group_id = ?", arguments: [groupID])
            for (position, run) in group.runs.enumerated() {
                let modelID = try Self.ensureModel(db, run.repo, isDemo: nil, configJSON: nil)
                try db.execute(sql: "INSERT INTO group_runs(group_id, model_id, role, data, position) VALUES (?, ?, ?, ?, ?)",
                               arguments: [groupID, modelID, run.role.rawValue, run.data.rawValue, position])
            }
            for comparison in group.comparisons.map(\.rawValue).sorted() {
                try db.execute(sql: "INSERT INTO group_comparisons(group_id, comparison) VALUES (?, ?)",
                               arguments: [groupID, comparison])
            }
        }
    }

    /// Every recorded run group, by name (runs in manifest order).
    public func groups() throws -> [RunGroup] {
        try read { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM models WHERE is_group = 1 ORDER BY name")
            return try names.map { name in
                let runs = try Row.fetchAll(db, sql: """
                    SELECT r.name, g.role, g.data FROM group_runs g JOIN models r ON r.id = g.model_id
                    JOIN models n ON n.id = g.group_id WHERE n.name = ? ORDER BY g.position
                    """, arguments: [name]).map { row -> RunGroup.Run in
                    let repo: String = row["name"]
                    guard let role = (row["role"] as String?).flatMap(RunGroup.Role.init(rawValue:)),
                          let data = (row["data"] as String?).flatMap(RunGroup.DataKind.init(rawValue:)) else {
                        throw StoreError.corruptRow(path: path, what: "run group \(name): run \(repo) has an unknown role or data")
                    }
                    return RunGroup.Run(repo: repo, role: role, data: data)
                }
                let comparisons = try String.fetchAll(db, sql: """
                    SELECT c.comparison FROM group_comparisons c JOIN models n ON n.id = c.group_id WHERE n.name = ?
                    """, arguments: [name]).compactMap(RunGroup.Comparison.init(rawValue:))
                return RunGroup(name: name, runs: runs, comparisons: Set(comparisons))
            }
        }
    }
}
