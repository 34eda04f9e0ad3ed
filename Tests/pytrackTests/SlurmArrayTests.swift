import Foundation
import PyTrackHub
import PyTrackTestSupport
import XCTest

/// The script `pytrack slurm` writes, submitted to a real single-node Slurm (tools/slurm/start_slurm.sh:
/// Debian slurm-wlm + munge, slurmctld and slurmd on this machine): a 4-task array over the demo suite
/// read from the cache, then the merge job with --dependency=afterok. The merged database must export
/// exactly what one `pytrack compute` process writes. Skipped, with the reason, where Slurm cannot start.
final class SlurmArrayTests: XCTestCase {
    struct Shell {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs a command (found on PATH) to completion, at most `timeout` seconds (`Subprocess`).
    func shell(_ args: [String], environment: [String: String]? = nil, timeout: Double = 600) throws -> Shell {
        let r = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), args, environment: environment, timeout: timeout)
        return Shell(status: r.status, out: r.stdout, err: r.stderr)
    }

    /// Starts the single-node Slurm (or skips the test with the reason); returns the environment for sbatch.
    func slurmEnvironment() throws -> [String: String] {
        let start = try shell(["bash", DemoCache.repoRoot.appendingPathComponent("tools/slurm/start_slurm.sh").path], timeout: 180)
        guard start.status == 0, let confLine = start.out.split(separator: "\n").first(where: { $0.hasPrefix("SLURM_CONF=") }) else {
            throw XCTSkip("Slurm could not start on this machine: \(start.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = String(confLine.dropFirst("SLURM_CONF=".count))
        env["HF_TOKEN"] = nil
        env["HF_HUB_OFFLINE"] = nil
        return env
    }

    /// Submits `script` (`bash script`: the array, then the merge job), waits for both to leave the queue
    /// and checks every task left its shard and the merge job ran; returns the merged database.
    func submitAndWait(_ script: String, work: URL, shards: Int, jobName: String, env: [String: String]) throws -> String {
        let submit = try shell(["bash", script], environment: env)
        XCTAssertEqual(submit.status, 0, submit.err)
        let words = submit.out.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let array = try XCTUnwrap(words.firstIndex(of: "array").flatMap { Int(words[$0 + 2]) }, submit.out)
        let merge = try XCTUnwrap(words.firstIndex(of: "merge").flatMap { Int(words[$0 + 2]) }, submit.out)

        // Wait for the array and the merge job to leave the queue (bounded).
        let deadline = Date().addingTimeInterval(600)
        var queue = ""
        while Date() < deadline {
            queue = try shell(["squeue", "-h", "-j", "\(array),\(merge)", "-o", "%i %T %r"], environment: env).out
            if queue.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            if queue.contains("DependencyNeverSatisfied") {
                _ = try shell(["scancel", "\(merge)"], environment: env)
                break
            }
            Thread.sleep(forTimeInterval: 1)
        }
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("logs").path)) ?? []
        let logText = logs.sorted().map { name in
            "--- \(name)\n" + ((try? String(contentsOfFile: work.appendingPathComponent("logs/\(name)").path, encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
        XCTAssertFalse(queue.contains("DependencyNeverSatisfied"), "an array task failed:\n\(logText)")
        XCTAssertTrue(queue.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "jobs still queued after 600 s: \(queue)")
        XCTAssertEqual(logs.filter { $0.hasPrefix("\(jobName)-\(array)_") }.count, shards, logText)
        let files = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("shards").path)
        XCTAssertEqual(files.sorted(), (0..<shards).map { "shard-\($0).sqlite" }, logText)
        XCTAssertTrue(logText.contains("pytrack merge: \(shards) shard(s)"), logText)
        XCTAssertTrue(logText.contains("0 unit(s) missing"), logText)
        return work.appendingPathComponent("merged.sqlite").path
    }

    func testGeneratedArrayAndMergeJobOnARealSlurmEqualOneProcess() throws {
        let env = try slurmEnvironment()
        let cache = try DemoCache.cache()
        let dir = try DemoCache.scratch(self, "slurm")
        let work = dir.appendingPathComponent("work")
        let script = dir.appendingPathComponent("demo.sbatch").path
        let gen = try PytrackCommand.run(["slurm", "--manifest", DemoCache.manifest, "--shards", "4", "--cpus-per-task", "1",
                                          "--cache", cache.path, "--work", work.path, "--out", script, "--job-name", "pytrack-test"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let text = try String(contentsOfFile: script, encoding: .utf8)
        XCTAssertTrue(text.contains("#SBATCH --array=0-3%4") && text.contains("--dependency=afterok"), text)
        let merged = try submitAndWait(script, work: work, shards: 4, jobName: "pytrack-test", env: env)

        let single = dir.appendingPathComponent("single.sqlite").path
        let c = try PytrackCommand.run(["compute", "--manifest", DemoCache.manifest, "--cache", cache.path, "--db", single, "--threads", "1"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let expected = try DemoCache.export(single)
        XCTAssertGreaterThan(expected.split(separator: "\n").count, 200_000)
        XCTAssertEqual(try DemoCache.export(merged), expected, "the Slurm array + merge job export what one process computes")
    }

    /// `--task-cache`: no shared cache; every task syncs its own units from the hub (`sync --shard`) into
    /// node-local disk, computes them, and deletes them.
    func testTasksWithTheirOwnCacheSyncOnlyTheirUnits() throws {
        let env = try slurmEnvironment()
        let dir = try DemoCache.scratch(self, "slurm-task-cache")
        let server = try LocalHubServer(root: DemoCache.repoRoot.appendingPathComponent("Sources/PyTrackDemoSuite/demo-hub"),
                                        script: DemoCache.repoRoot.appendingPathComponent("tools/testhub/hub_server.py"))
        defer { server.stop() }
        // The demo runs with an explicit schedule (a hub schedule's steps would come from a shared cache).
        let manifest = dir.appendingPathComponent("demo-explicit.json").path
        try Data("""
            {"name": "demo", "standard": "pytrack-demo/pythia-tiny", "deduped": "pytrack-demo/pythia-tiny-deduped",
             "seeds": [{"repo": "pytrack-demo/pythia-tiny-deduped-seed1", "data": "deduped"}], "steps": "0,1,512,2000", "schedule": [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 750, 1000, 1250, 1500, 1750, 2000]}
            """.utf8).write(to: URL(fileURLWithPath: manifest))
        let work = dir.appendingPathComponent("work")
        let local = dir.appendingPathComponent("node-local")
        let script = dir.appendingPathComponent("demo.sbatch").path
        let gen = try PytrackCommand.run(["slurm", "--manifest", manifest, "--shards", "3", "--cpus-per-task", "1", "--task-cache",
                                          "--endpoint", server.endpoint, "--local-dir", local.path, "--work", work.path,
                                          "--out", script, "--job-name", "pytrack-tc"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let merged = try submitAndWait(script, work: work, shards: 3, jobName: "pytrack-tc", env: env)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: local.path)) ?? [], [], "task folders and caches removed")
        let logs = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("logs").path)
        let syncLines = try logs.filter { $0.contains("_") }.map {
            try String(contentsOfFile: work.appendingPathComponent("logs/\($0)").path, encoding: .utf8)
        }.joined().split(separator: "\n").filter { $0.hasPrefix("sync: ") && $0.contains("checkpoints present") }
        XCTAssertEqual(syncLines.count, 3, "one sync per task")
        // "sync: P/T checkpoints present ...": the tasks' units add up to the 12 of the selection (4 steps x 3 runs), none twice.
        let totals = syncLines.compactMap { line in line.split(separator: " ").dropFirst().first?.split(separator: "/").last.flatMap { Int($0) } }
        XCTAssertEqual(totals.reduce(0, +), 12, syncLines.joined(separator: "\n"))

        let single = dir.appendingPathComponent("single.sqlite").path
        let c = try PytrackCommand.run(["compute", "--manifest", DemoCache.manifest, "--steps", "0,1,512,2000", "--cache",
                                        try DemoCache.cache().path, "--db", single, "--threads", "1"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(try DemoCache.export(merged), try DemoCache.export(single))
    }
}
