import Foundation
import GRDB
import PyTrackDomain

extension PyTrackDatabase {
    /// Records a run group (replacing an earlier definition of the same name), in one transaction.
    public func recordGroup(_ group: RunGroup) throws {
        try write("run group \(group.name)") { db in
            let groupID = try Self.ensureModel(db, group.name, isDemo: nil, configJSON: nil)
            try ModelRow.filter(key: groupID).updateAll(db, ModelRow.Columns.isGroup.set(to: true))
            try GroupRunRow.all().filter(groupID: groupID).deleteAll(db)
            try GroupComparisonRow.all().filter(groupID: groupID).deleteAll(db)
            for (position, run) in group.runs.enumerated() {
                let modelID = try Self.ensureModel(db, run.repo, isDemo: nil, configJSON: nil)
                try GroupRunRow(groupID: groupID, modelID: modelID, role: run.role.rawValue, data: run.data.rawValue,
                                position: position).insert(db)
            }
            for comparison in group.comparisons.map(\.rawValue).sorted() {
                try GroupComparisonRow(groupID: groupID, comparison: comparison).insert(db)
            }
        }
    }

    /// Every recorded run group, by name (runs in manifest order).
    public func groups() throws -> [RunGroup] {
        try read { db in
            try ModelRow.all().groups().orderByName().fetchAll(db).map { group in
                let groupID = group.id ?? -1
                let runs = try GroupRunRow.all().filter(groupID: groupID).orderByPosition().withRun().fetchAll(db).map { row in
                    let repo = row.run.name
                    guard let role = RunGroup.Role(rawValue: row.groupRun.role),
                          let data = RunGroup.DataKind(rawValue: row.groupRun.data) else {
                        throw StoreError.corruptRow(path: path, what: "run group \(group.name): run \(repo) has an unknown role or data")
                    }
                    return RunGroup.Run(repo: repo, role: role, data: data)
                }
                let comparisons = try GroupComparisonRow.all().filter(groupID: groupID).fetchAll(db)
                    .compactMap { RunGroup.Comparison(rawValue: $0.comparison) }
                return RunGroup(name: group.name, runs: runs, comparisons: Set(comparisons))
            }
        }
    }
}
