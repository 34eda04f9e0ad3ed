import Foundation
import GRDB

/// What merging shard databases added.
public struct MergeSummary: Sendable, Equatable {
    /// Every (model, step) that has matrices in a merged shard, sorted: the steps whose derived rows
    /// (depth, dedup, seed spread) must be rebuilt.
    public var steps: [ModelStep] = []
    /// Rows added to the merged database (0 when every shard was merged before).
    public var checkpointsAdded = 0
    public var matricesAdded = 0
    public var shards = 0
}

/// A (model, step) key.
public struct ModelStep: Sendable, Hashable, Comparable {
    public var model: String
    public var step: Int
    public init(model: String, step: Int) {
        self.model = model
        self.step = step
    }
    public static func < (a: ModelStep, b: ModelStep) -> Bool { (a.model, a.step) < (b.model, b.step) }
}

extension PyTrackDatabase {
    /// SQLite attaches at most 10 databases at once (SQLITE_MAX_ATTACHED's default).
    public static let mergeBatch = 10

    /// Folds shard databases (written by `compute --shard`) into this one, attaching them in batches of
    /// at most `mergeBatch`, one transaction per shard. Every shard's schema is checked before anything
    /// is written: its applied migrations must be this code's. Within a shard's transaction, a (model,
    /// step) computed from other content than the merged database holds, or a (model, step, matrix,
    /// group) stored with another definition version, rolls the shard back with a `MergeError`; shards
    /// merged before it stay merged. Merging a shard twice adds nothing (rows are matched by model name,
    /// step, layer and matrix, never by id). Derived rows are not copied: the caller rebuilds them for
    /// `MergeSummary.steps`. Shards are only read.
    public func merge(shards: [String]) throws -> MergeSummary {
        let own = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        for shard in shards {
            guard FileManager.default.fileExists(atPath: shard) else { throw MergeError(shard: shard, problem: "no such file") }
            if URL(fileURLWithPath: shard).standardizedFileURL.resolvingSymlinksInPath().path == own {
                throw MergeError(shard: shard, problem: "is the output database itself")
            }
        }
        let expected = StoreMigrations.migrator.migrations
        try inBatches(shards) { db, alias, shard in
            let applied: [String]
            do {
                applied = try String.fetchAll(db, sql: "SELECT identifier FROM \(alias).grdb_migrations")
            } catch {
                throw MergeError(shard: shard, problem: "not a pytrack database (\(Self.reason(error)))")
            }
            guard Set(applied) == Set(expected) else {
                throw MergeError(shard: shard, problem: "schema version [\(applied.sorted().joined(separator: ", "))] differs from this pytrack's [\(expected.joined(separator: ", "))]; merge shards written by the same pytrack")
            }
        }
        var summary = MergeSummary()
        var steps = Set<ModelStep>()
        try inBatches(shards) { db, alias, shard in
            do {
                try db.inTransaction {
                    let added = try Self.mergeShard(db, alias: alias, shard: shard)
                    summary.checkpointsAdded += added.checkpoints
                    summary.matricesAdded += added.matrices
                    steps.formUnion(added.steps)
                    return .commit
                }
            } catch let error as MergeError {
                throw error
            } catch {
                throw MergeError(shard: shard, problem: Self.reason(error))
            }
            summary.shards += 1
        }
        summary.steps = steps.sorted()
        return summary
    }

    /// Attaches `shards` ten at a time and calls `body` for each, outside any transaction.
    private func inBatches(_ shards: [String], _ body: (Database, String, String) throws -> Void) throws {
        for start in stride(from: 0, to: shards.count, by: Self.mergeBatch) {
            let batch = Array(shards[start..<min(start + Self.mergeBatch, shards.count)])
            try writer.writeWithoutTransaction { db in
                var attached: [(alias: String, shard: String)] = []
                // Detaches every attached shard; after a failure the first error stays the one thrown
                // and a shard that will not detach is reported on stderr (one line).
                func detachAll() throws {
                    while let (alias, shard) = attached.popLast() {
                        do {
                            try db.execute(sql: "DETACH DATABASE \(alias)")
                        } catch {
                            throw MergeError(shard: shard, problem: "cannot detach (\(Self.reason(error)))")
                        }
                    }
                }
                do {
                    for (i, shard) in batch.enumerated() {
                        do {
                            try db.execute(sql: "ATTACH DATABASE ? AS shard\(i)", arguments: [shard])
                        } catch {
                            throw MergeError(shard: shard, problem: "cannot attach (\(Self.reason(error)))")
                        }
                        attached.append(("shard\(i)", shard))
                    }
                    for (i, shard) in batch.enumerated() { try body(db, "shard\(i)", shard) }
                } catch {
                    do {
                        try detachAll()
                    } catch let detachError {
                        let line = String(describing: detachError).split(whereSeparator: \.isNewline).joined(separator: " ")
                        FileHandle.standardError.write(Data("pytrack: warning: \(line)\n".utf8))
                    }
                    throw error
                }
                try detachAll()
            }
        }
    }

    /// Merges the attached shard `s` (inside the caller's transaction).
    private static func mergeShard(_ db: Database, alias s: String, shard: String) throws -> (checkpoints: Int, matrices: Int, steps: [ModelStep]) {
        let sameMatrix = "mm.checkpoint_id = cm.mid AND IFNULL(mm.layer, -1) = IFNULL(sm.layer, -1) AND mm.matrix = sm.matrix"
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.merge_models;
            DROP TABLE IF EXISTS temp.merge_checkpoints;
            DROP TABLE IF EXISTS temp.merge_matrices;
            CREATE TEMP TABLE merge_models(sid INTEGER PRIMARY KEY, mid INTEGER NOT NULL);
            CREATE TEMP TABLE merge_checkpoints(sid INTEGER PRIMARY KEY, mid INTEGER NOT NULL);
            CREATE TEMP TABLE merge_matrices(sid INTEGER PRIMARY KEY, mid INTEGER NOT NULL);
            INSERT INTO main.models(name, is_demo, config_json, is_group, created_at)
                SELECT x.name, x.is_demo, x.config_json, x.is_group, x.created_at FROM \(s).models x
                WHERE NOT EXISTS (SELECT 1 FROM main.models m WHERE m.name = x.name);
            UPDATE main.models AS m SET config_json = COALESCE(m.config_json, x.config_json),
                is_demo = MAX(m.is_demo, x.is_demo), is_group = MAX(m.is_group, x.is_group)
                FROM \(s).models x WHERE x.name = m.name;
            INSERT INTO temp.merge_models SELECT x.id, m.id FROM \(s).models x JOIN main.models m ON m.name = x.name;
            INSERT OR IGNORE INTO main.group_runs(group_id, model_id, role, data, position)
                SELECT g.mid, r.mid, x.role, x.data, x.position FROM \(s).group_runs x
                JOIN temp.merge_models g ON g.sid = x.group_id JOIN temp.merge_models r ON r.sid = x.model_id;
            INSERT OR IGNORE INTO main.group_comparisons(group_id, comparison)
                SELECT g.mid, x.comparison FROM \(s).group_comparisons x JOIN temp.merge_models g ON g.sid = x.group_id;
            """)
        if let row = try Row.fetchOne(db, sql: """
            SELECT m.name, sc.step, sc.computed_sha256 AS theirs, mc.computed_sha256 AS ours
            FROM \(s).checkpoints sc JOIN temp.merge_models k ON k.sid = sc.model_id JOIN main.models m ON m.id = k.mid
            JOIN main.checkpoints mc ON mc.model_id = k.mid AND mc.step = sc.step
            WHERE sc.computed_sha256 IS NOT NULL AND mc.computed_sha256 IS NOT NULL AND sc.computed_sha256 != mc.computed_sha256
              AND EXISTS (SELECT 1 FROM \(s).matrices x WHERE x.checkpoint_id = sc.id)
              AND EXISTS (SELECT 1 FROM main.matrices x WHERE x.checkpoint_id = mc.id)
            ORDER BY m.name, sc.step LIMIT 1
            """) {
            let name: String = row["name"], step: Int = row["step"], theirs: String = row["theirs"], ours: String = row["ours"]
            throw MergeError(shard: shard, problem: "\(name) step \(step) was computed from content \(theirs.prefix(12)) but the merged database holds content \(ours.prefix(12)); recompute one of them (the shard was not merged)")
        }
        try db.execute(sql: """
            INSERT INTO main.checkpoints(model_id, step, revision, commit_sha, weight_sha256, files_json, source, updated_at,
                                         sync_state, sync_detail, compute_failure, computed_sha256, expected_matrices)
                SELECT k.mid, sc.step, sc.revision, sc.commit_sha, sc.weight_sha256, sc.files_json, sc.source, sc.updated_at,
                       sc.sync_state, sc.sync_detail, sc.compute_failure, sc.computed_sha256, sc.expected_matrices
                FROM \(s).checkpoints sc JOIN temp.merge_models k ON k.sid = sc.model_id
                WHERE NOT EXISTS (SELECT 1 FROM main.checkpoints mc WHERE mc.model_id = k.mid AND mc.step = sc.step)
            """)
        let checkpointsAdded = db.changesCount
        try db.execute(sql: """
            -- Compute's columns: the shard's results where the merged database has none for that step.
            UPDATE main.checkpoints AS mc SET computed_sha256 = sc.computed_sha256, expected_matrices = sc.expected_matrices,
                compute_failure = NULL, commit_sha = COALESCE(mc.commit_sha, sc.commit_sha),
                files_json = COALESCE(mc.files_json, sc.files_json), source = COALESCE(mc.source, sc.source)
                FROM \(s).checkpoints sc JOIN temp.merge_models k ON k.sid = sc.model_id
                WHERE mc.model_id = k.mid AND mc.step = sc.step
                  AND EXISTS (SELECT 1 FROM \(s).matrices x WHERE x.checkpoint_id = sc.id)
                  AND NOT EXISTS (SELECT 1 FROM main.matrices x WHERE x.checkpoint_id = mc.id);
            -- A failure is kept only where neither side has results.
            UPDATE main.checkpoints AS mc SET compute_failure = sc.compute_failure
                FROM \(s).checkpoints sc JOIN temp.merge_models k ON k.sid = sc.model_id
                WHERE mc.model_id = k.mid AND mc.step = sc.step AND mc.compute_failure IS NULL AND sc.compute_failure IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM \(s).matrices x WHERE x.checkpoint_id = sc.id)
                  AND NOT EXISTS (SELECT 1 FROM main.matrices x WHERE x.checkpoint_id = mc.id);
            -- Sync's columns: the shard's where the merged database never synced the step.
            UPDATE main.checkpoints AS mc SET sync_state = sc.sync_state, sync_detail = sc.sync_detail,
                weight_sha256 = sc.weight_sha256
                FROM \(s).checkpoints sc JOIN temp.merge_models k ON k.sid = sc.model_id
                WHERE mc.model_id = k.mid AND mc.step = sc.step AND mc.sync_state IS NULL AND sc.sync_state IS NOT NULL;
            INSERT INTO temp.merge_checkpoints SELECT sc.id, mc.id FROM \(s).checkpoints sc
                JOIN temp.merge_models k ON k.sid = sc.model_id JOIN main.checkpoints mc ON mc.model_id = k.mid AND mc.step = sc.step;
            """)
        if let row = try Row.fetchOne(db, sql: """
            SELECT m.name, c.step, sm.layer, sm.matrix, sg.grp, sg.version AS theirs, mg.version AS ours
            FROM \(s).metric_groups sg JOIN \(s).matrices sm ON sm.id = sg.matrix_id
            JOIN temp.merge_checkpoints cm ON cm.sid = sm.checkpoint_id
            JOIN main.matrices mm ON \(sameMatrix)
            JOIN main.metric_groups mg ON mg.matrix_id = mm.id AND mg.grp = sg.grp
            JOIN main.checkpoints c ON c.id = cm.mid JOIN main.models m ON m.id = c.model_id
            WHERE mg.version != sg.version ORDER BY m.name, c.step, sm.matrix LIMIT 1
            """) {
            let name: String = row["name"], step: Int = row["step"], layer: Int? = row["layer"], matrix: String = row["matrix"]
            let grp: String = row["grp"], theirs: Int = row["theirs"], ours: Int = row["ours"]
            let at = layer.map { "layer \($0) " } ?? ""
            throw MergeError(shard: shard, problem: "\(name) step \(step) \(at)\(matrix) group '\(grp)' has definition version \(theirs) but the merged database holds version \(ours); recompute the older one with the current pytrack (the shard was not merged)")
        }
        try db.execute(sql: """
            INSERT INTO main.matrices(checkpoint_id, layer, matrix, tensor, rows, cols, dtype, nonfinite_count, computed_at)
                SELECT cm.mid, sm.layer, sm.matrix, sm.tensor, sm.rows, sm.cols, sm.dtype, sm.nonfinite_count, sm.computed_at
                FROM \(s).matrices sm JOIN temp.merge_checkpoints cm ON cm.sid = sm.checkpoint_id
                WHERE NOT EXISTS (SELECT 1 FROM main.matrices mm WHERE \(sameMatrix))
                ORDER BY sm.id
            """)
        let matricesAdded = db.changesCount
        try db.execute(sql: """
            INSERT INTO temp.merge_matrices SELECT sm.id, mm.id FROM \(s).matrices sm
                JOIN temp.merge_checkpoints cm ON cm.sid = sm.checkpoint_id JOIN main.matrices mm ON \(sameMatrix);
            INSERT OR IGNORE INTO main.metric_groups(matrix_id, grp, version)
                SELECT k.mid, x.grp, x.version FROM \(s).metric_groups x JOIN temp.merge_matrices k ON k.sid = x.matrix_id;
            INSERT OR IGNORE INTO main.metrics(matrix_id, name, value)
                SELECT k.mid, x.name, x.value FROM \(s).metrics x JOIN temp.merge_matrices k ON k.sid = x.matrix_id;
            INSERT OR IGNORE INTO main.blobs(matrix_id, kind, encoding, count, meta_json, data)
                SELECT k.mid, x.kind, x.encoding, x.count, x.meta_json, x.data FROM \(s).blobs x JOIN temp.merge_matrices k ON k.sid = x.matrix_id;
            """)
        let steps = try Row.fetchAll(db, sql: """
            SELECT DISTINCT m.name, c.step FROM temp.merge_checkpoints cm JOIN main.checkpoints c ON c.id = cm.mid
            JOIN main.models m ON m.id = c.model_id
            WHERE EXISTS (SELECT 1 FROM \(s).matrices x WHERE x.checkpoint_id = cm.sid)
            """).map { ModelStep(model: $0["name"], step: $0["step"]) }
        try db.execute(sql: "DROP TABLE temp.merge_models; DROP TABLE temp.merge_checkpoints; DROP TABLE temp.merge_matrices")
        return (checkpointsAdded, matricesAdded, steps)
    }
}
