import Foundation
import XCTest
@testable import PyTrackCompute

/// The sbatch script text: valid bash, the knobs in its #SBATCH lines, paths quoted so that any path
/// survives, and submitting outside a cluster fails with one line instead of running anything.
/// (tests/pytrackTests/SlurmArrayTests runs it on a real Slurm.)
final class SlurmScriptTests: XCTestCase {
    func bash(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = args
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testScriptIsValidBashWithQuotedPathsAndTheKnobs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-sbatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let odd = dir.path + "/it's a \"work\" $dir"
        let script = SlurmScript(pytrack: "/opt/py track/pytrack", selection: ["--manifest", "/m/it's.json", "--steps", "log,1000:5000:1000"],
                                 shards: 64, concurrent: 16, cpusPerTask: 4, work: odd, cache: "/shared/hf hub",
                                 jobName: "pytrack-160m", memory: "8G", time: "04:00:00", partition: "cpu")
        let text = script.text
        for line in ["#SBATCH --array=0-63%16", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --time=04:00:00",
                     "#SBATCH --partition=cpu", "#SBATCH --job-name=pytrack-160m", "--dependency=afterok:", "--threads \"${SLURM_CPUS_PER_TASK:-1}\"",
                     "--shard \"$i/$SHARDS\""] {
            XCTAssertTrue(text.contains(line), line)
        }
        let path = dir.appendingPathComponent("job.sbatch").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try bash(["-n", path]).status, 0, "bash -n")
        // The variables hold the paths exactly.
        let probe = try bash(["-c", "eval \"$(grep -E '^(PYTRACK|WORK|CACHE|SELECT)=' '\(path)')\"; printf '%s\\n' \"$PYTRACK\" \"$WORK\" \"$CACHE\" \"${SELECT[@]}\""])
        XCTAssertEqual(probe.out, ["/opt/py track/pytrack", odd, "/shared/hf hub", "--manifest", "/m/it's.json", "--steps", "log,1000:5000:1000"]
            .map { $0 + "\n" }.joined())
        // Outside Slurm and without sbatch on PATH: one line, exit 1, nothing created.
        let submit = try bash([path], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(submit.status, 1)
        XCTAssertTrue(submit.err.contains("sbatch not found"), submit.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: odd))
    }
}
