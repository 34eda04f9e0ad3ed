import Foundation
import GRDB
import PyTrackStore
import PyTrackTestSupport
import XCTest

/// `pytrack plan`, `compute --shard i/N` and `pytrack merge` on the demo suite read from the cache:
/// the merged shards export exactly what one process computes, and merging is idempotent, survives a
/// shard killed half-way, and refuses shards of another schema or definition version.
final class MergeCommandTests: XCTestCase {
    /// Eight units (two runs x four steps), enough for cross-shard dedup and depth rows.
    let steps = "0,1,512,2000"

    func pytrack(_ args: [String], _ file: StaticString = #filePath, _ line: UInt = #line) throws -> PytrackCommand.Result {
        try PytrackCommand.run(args)
    }

    func compute(_ cache: URL, db: String, extra: [String] = []) throws -> PytrackCommand.Result {
        try PytrackCommand.run(["compute", "--manifest", DemoCache.manifest, "--steps", steps, "--cache", cache.path,
                                "--db", db, "--threads", "1"] + extra)
    }

    func testShardsMergedEqualOneProcessAndMergingAgainChangesNothing() throws {
        let cache = try DemoCache.cache()
        let dir = try DemoCache.scratch(self, "merge")
        let single = dir.appendingPathComponent("single.sqlite").path
        let r = try compute(cache, db: single)
        XCTAssertEqual(r.status, 0, r.stderr)

        // 11 shards for 12 units (4 steps x 3 runs), and 11 > 10 makes merge attach in two batches.
        let n = 11
        let plan = try PytrackCommand.run(["plan", "--manifest", DemoCache.manifest, "--steps", steps, "--cache", cache.path,
                                           "--shards", "\(n)", "--json"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let assignment = try XCTUnwrap(doc["assignment"] as? [[String: Any]])
        XCTAssertEqual(assignment.count, n)
        XCTAssertEqual(doc["units"] as? Int, 12)
        var shards: [String] = []
        for i in 0..<n {
            let db = dir.appendingPathComponent("shard-\(i).sqlite").path
            let c = try compute(cache, db: db, extra: ["--shard", "\(i)/\(n)"])
            XCTAssertEqual(c.status, 0, c.stderr)
            // Exactly the plan's units of shard i, no more.
            let planned = Set(((assignment[i]["units"] as? [[String: Any]]) ?? []).map { "\($0["model"]!)@\($0["step"]!)" })
            let stored = Set(try PyTrackDatabase(path: db).checkpointStatus(required: [:]).map { "\($0.model)@\($0.step)" })
            XCTAssertEqual(stored, planned, "shard \(i)")
            shards.append(db)
        }
        let merged = dir.appendingPathComponent("merged.sqlite").path
        let m = try pytrack(["merge", merged] + shards)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stderr.contains("11 shard(s)") && m.stderr.contains("12 checkpoint(s)"), m.stderr)
        let expected = try DemoCache.export(single)
        XCTAssertTrue(expected.contains("dedup_norm_ratio") && expected.contains("depth_growth_rate") && expected.contains("seed_std_frobenius"))
        XCTAssertEqual(try DemoCache.export(merged), expected, "merged shards export what one process computes")
        let groups = try PyTrackDatabase(path: merged).groups()
        XCTAssertEqual(groups, try PyTrackDatabase(path: single).groups(), "the manifest's run group is merged")
        XCTAssertEqual(groups.first?.runs.map(\.repo), ["pytrack-demo/pythia-tiny", "pytrack-demo/pythia-tiny-deduped",
                                                         "pytrack-demo/pythia-tiny-deduped-seed1"])

        let again = try pytrack(["merge", merged] + shards.reversed())
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("0 checkpoint(s) and 0 matrices added"), again.stderr)
        XCTAssertEqual(try DemoCache.export(merged), expected, "merging the same shards again changes nothing")

        let missing = try pytrack(["plan", "--manifest", DemoCache.manifest, "--steps", steps, "--cache", cache.path,
                                   "--shards", "4", "--missing", "--db", merged])
        XCTAssertEqual(missing.status, 0, missing.stderr)
        XCTAssertTrue(missing.stdout.hasPrefix("0 unit(s) missing"), missing.stdout)
    }

    func testAShardKilledHalfWayMergesItsCommittedStepsAndARerunCoversTheRest() throws {
        let cache = try DemoCache.cache()
        let dir = try DemoCache.scratch(self, "killed")
        let single = dir.appendingPathComponent("single.sqlite").path
        XCTAssertEqual(try compute(cache, db: single).status, 0)

        // One shard of all eight units, killed with SIGKILL once two checkpoints are committed.
        let killed = dir.appendingPathComponent("killed.sqlite").path
        let p = try PytrackCommand.start(["compute", "--manifest", DemoCache.manifest, "--steps", steps, "--cache", cache.path,
                                          "--db", killed, "--threads", "1", "--shard", "0/1"])
        let deadline = Date().addingTimeInterval(120)
        var done = 0
        while p.isRunning && Date() < deadline && done < 2 {
            Thread.sleep(forTimeInterval: 0.05)
            guard FileManager.default.fileExists(atPath: killed) else { continue }
            done = (try? PyTrackDatabase(path: killed).checkpointStatus(required: [:]).filter { $0.matrices > 0 }.count) ?? 0
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertGreaterThanOrEqual(done, 2)
        XCTAssertLessThan(done, 12, "killed before the end")

        let merged = dir.appendingPathComponent("merged.sqlite").path
        let m = try pytrack(["merge", merged, killed])
        XCTAssertEqual(m.status, 0, m.stderr)
        let stored = try PyTrackDatabase(path: merged).checkpointStatus(required: [:]).filter { $0.matrices > 0 }
        XCTAssertGreaterThanOrEqual(stored.count, 2)
        XCTAssertLessThan(stored.count, 12)

        // plan --missing lists exactly the rest; a rerun array over it completes the merge.
        let missing = try pytrack(["plan", "--manifest", DemoCache.manifest, "--steps", steps, "--cache", cache.path,
                                   "--shards", "3", "--missing", "--db", merged, "--json"])
        XCTAssertEqual(missing.status, 0, missing.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["units"] as? Int, 12 - stored.count)
        var reruns: [String] = []
        for i in 0..<3 {
            let db = dir.appendingPathComponent("rerun-\(i).sqlite").path
            let c = try compute(cache, db: db, extra: ["--shard", "\(i)/3", "--missing-from", merged])
            XCTAssertEqual(c.status, 0, c.stderr)
            let keys = Set(try PyTrackDatabase(path: db).checkpointStatus(required: [:]).filter { $0.matrices > 0 }.map { "\($0.model)@\($0.step)" })
            XCTAssertTrue(keys.isDisjoint(with: stored.map { "\($0.model)@\($0.step)" }), "a rerun computes only missing units")
            reruns.append(db)
        }
        XCTAssertEqual(try pytrack(["merge", merged] + reruns).status, 0)
        XCTAssertEqual(try DemoCache.export(merged), try DemoCache.export(single))
    }

    func testAShardOfAnotherSchemaOrDefinitionVersionIsRefusedWithOneLine() throws {
        let cache = try DemoCache.cache()
        let dir = try DemoCache.scratch(self, "refuse")
        let shard = dir.appendingPathComponent("shard.sqlite").path
        let c = try PytrackCommand.run(["compute", "--manifest", DemoCache.manifest, "--steps", "0", "--cache", cache.path,
                                        "--db", shard, "--threads", "1"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let merged = dir.appendingPathComponent("merged.sqlite").path
        XCTAssertEqual(try pytrack(["merge", merged, shard]).status, 0)
        let before = try DemoCache.export(merged)

        // The same step stored with a newer definition of one group: a conflict, nothing merged.
        let newer = dir.appendingPathComponent("newer.sqlite").path
        try FileManager.default.copyItem(atPath: shard, toPath: newer)
        try DatabaseQueue(path: newer).write { db in
            try db.execute(sql: """
                UPDATE metric_groups SET version = version + 1 WHERE grp = 'moments' AND matrix_id =
                  (SELECT MIN(x.id) FROM matrices x WHERE x.matrix = 'mlp_in')
                """)
            try db.execute(sql: "UPDATE metrics SET value = -1 WHERE name = 'frobenius'")
        }
        let conflict = try pytrack(["merge", merged, newer])
        XCTAssertEqual(conflict.status, 1)
        let line = conflict.stderr.trimmingCharacters(in: .newlines)
        XCTAssertFalse(line.contains("\n"), line)
        XCTAssertTrue(line.contains(newer) && line.contains("mlp_in") && line.contains("'moments'") && line.contains("definition version"), line)
        XCTAssertEqual(try DemoCache.export(merged), before, "the refused shard changed nothing")

        // The same step computed from other weights (another content key): refused too.
        let moved = dir.appendingPathComponent("moved.sqlite").path
        try FileManager.default.copyItem(atPath: shard, toPath: moved)
        try DatabaseQueue(path: moved).write { db in
            try db.execute(sql: "UPDATE checkpoints SET computed_sha256 = ? WHERE step = 0", arguments: [String(repeating: "ab", count: 32)])
        }
        let content = try pytrack(["merge", merged, moved])
        XCTAssertEqual(content.status, 1)
        XCTAssertTrue(content.stderr.contains(moved) && content.stderr.contains("step 0") && content.stderr.contains("content abababababab"), content.stderr)
        XCTAssertEqual(try DemoCache.export(merged), before)

        // Another schema (a migration this pytrack does not know): refused before anything is written.
        let future = dir.appendingPathComponent("future.sqlite").path
        try FileManager.default.copyItem(atPath: shard, toPath: future)
        try DatabaseQueue(path: future).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v9-future')")
        }
        let other = dir.appendingPathComponent("other.sqlite").path
        let f = try pytrack(["merge", other, shard, future])
        XCTAssertEqual(f.status, 1)
        XCTAssertTrue(f.stderr.contains(future) && f.stderr.contains("schema version"), f.stderr)
        XCTAssertEqual(try PyTrackDatabase(path: other).checkpointStatus(required: [:]), [], "no shard was merged")

        let notSQLite = dir.appendingPathComponent("junk.sqlite").path
        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: notSQLite))
        let junk = try pytrack(["merge", merged, notSQLite])
        XCTAssertEqual(junk.status, 1)
        XCTAssertTrue(junk.stderr.contains(notSQLite), junk.stderr)
        XCTAssertEqual(try pytrack(["merge", merged, merged]).status, 1, "the output is not its own shard")
    }
}
