import Foundation
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

    /// Runs a command to completion (stdout and stderr read concurrently).
    func shell(_ args: [String], environment: [String: String]? = nil) throws -> Shell {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let box = OutBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            box.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Shell(status: p.terminationStatus, out: String(decoding: box.data, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    private final class OutBox: @unchecked Sendable { var data = Data() }  // written by one reader thread, read after it joined

    func testGeneratedArrayAndMergeJobOnARealSlurmEqualOneProcess() throws {
        let start = try shell(["bash", DemoCache.repoRoot.appendingPathComponent("tools/slurm/start_slurm.sh").path])
        guard start.status == 0, let confLine = start.out.split(separator: "\n").first(where: { $0.hasPrefix("SLURM_CONF=") }) else {
            throw XCTSkip("Slurm could not start on this machine: \(start.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = String(confLine.dropFirst("SLURM_CONF=".count))
        env["HF_TOKEN"] = nil

        let cache = try DemoCache.cache()
        let dir = try DemoCache.scratch(self, "slurm")
        let work = dir.appendingPathComponent("work")
        let script = dir.appendingPathComponent("demo.sbatch").path
        let gen = try PytrackCommand.run(["slurm", "--manifest", DemoCache.manifest, "--shards", "4", "--cpus-per-task", "1",
                                          "--cache", cache.path, "--work", work.path, "--out", script, "--job-name", "pytrack-test"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let text = try String(contentsOfFile: script, encoding: .utf8)
        XCTAssertTrue(text.contains("#SBATCH --array=0-3%4") && text.contains("--dependency=afterok"), text)

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
        XCTAssertEqual(logs.filter { $0.hasPrefix("pytrack-test-\(array)_") }.count, 4, logText)
        let shards = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("shards").path)
        XCTAssertEqual(shards.sorted(), (0..<4).map { "shard-\($0).sqlite" }, logText)
        XCTAssertTrue(logText.contains("pytrack merge: 4 shard(s)"), logText)
        XCTAssertTrue(logText.contains("0 unit(s) missing"), logText)
        let merged = work.appendingPathComponent("merged.sqlite").path

        let single = dir.appendingPathComponent("single.sqlite").path
        let c = try PytrackCommand.run(["compute", "--manifest", DemoCache.manifest, "--cache", cache.path, "--db", single, "--threads", "1"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let expected = try DemoCache.export(single)
        XCTAssertGreaterThan(expected.split(separator: "\n").count, 200_000)
        XCTAssertEqual(try DemoCache.export(merged), expected, "the Slurm array + merge job export what one process computes")
    }
}
