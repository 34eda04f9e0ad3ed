import Foundation
import PyTrackTestSupport
import XCTest

/// Runs the real `pytrack` binary (built next to the test bundle) as a subprocess: crash safety under
/// SIGKILL, exit codes, and the export command.
final class ComputeCLITests: XCTestCase {
    @discardableResult
    func pytrack(_ args: [String], env: [String: String] = [:]) throws -> PytrackCommand.Result {
        try PytrackCommand.run(args, environment: PytrackCommand.environment(env))
    }

    func testKilledRunsResumeToTheSameDatabase() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        let steps = Array(0..<24).map { $0 * 1000 }
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: steps, fixture: "standard")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny-deduped", steps: steps, fixture: "deduped")
        let args = ["compute", "--model", "Org/tiny", "--model", "Org/tiny-deduped", "--steps", "all",
                    "--cache", cache.path, "--threads", "2"]

        // Reference: one uninterrupted run.
        let clean = dir.appendingPathComponent("clean.sqlite").path
        let ok = try pytrack(args + ["--db", clean])
        XCTAssertEqual(ok.status, 0, ok.stderr)

        // Interrupted: SIGKILL at different moments, then finish.
        let killed = dir.appendingPathComponent("killed.sqlite").path
        var kills = 0
        for delay in [0.35, 0.6, 0.15, 0.9] {
            let p = try PytrackCommand.start(args + ["--db", killed])
            Thread.sleep(forTimeInterval: delay)
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
        }
        XCTAssertGreaterThan(kills, 0, "the run finished before any kill; make the workload bigger")
        let resumed = try pytrack(args + ["--db", killed])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)

        XCTAssertEqual(try integrity(killed), "ok")
        for extra in [[], ["--spectra"]] {
            let a = try pytrack(["export", "--db", clean, "--format", "csv"] + extra)
            let b = try pytrack(["export", "--db", killed, "--format", "csv"] + extra)
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertGreaterThan(a.stdout.count, 10_000)
            XCTAssertEqual(a.stdout, b.stdout, "interrupted + resumed run differs from the clean run \(extra)")
        }
        // A third run has nothing left to do.
        let again = try pytrack(args + ["--db", killed])
        XCTAssertTrue(again.stderr.contains("0 checkpoint(s) computed"), again.stderr)
    }

    /// `--file DIR` reads DIR/config.json (it used to look one directory up and drop q/k/v and ov_head).
    func testFileDirectoryUsesItsConfigJSON() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let fixture = ComputeFixtures.root.appendingPathComponent("standard")
        var matrices: [[String]] = []
        for (k, target) in [fixture.path, fixture.appendingPathComponent("model.safetensors").path].enumerated() {
            let db = dir.appendingPathComponent("db\(k).sqlite").path
            let r = try pytrack(["compute", "--file", target, "--model", "local/tiny", "--step", "3", "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stderr.contains("config.json"), r.stderr)
            let csv = try pytrack(["export", "--db", db, "--format", "csv"])
            let names = Set(csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] })
            matrices.append(names.map(String.init).sorted())
        }
        XCTAssertEqual(matrices[0], matrices[1], "a directory and the file inside it give the same matrices")
        for name in ["q", "k", "v", "ov_head0", "ov_head3"] { XCTAssertTrue(matrices[0].contains(name), "\(name) in \(matrices[0])") }
    }

    func testMissingStepExitsOneAndComputesTheOthers() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: [0, 1], fixture: "standard")
        let db = dir.appendingPathComponent("db.sqlite").path
        let r = try pytrack(["compute", "--model", "Org/tiny", "--steps", "0,1,2", "--cache", cache.path, "--db", db])
        XCTAssertEqual(r.status, 1, r.stderr)
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("pytrack: error:") && last.contains("Org/tiny step 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("2 checkpoint(s) computed"), r.stderr)
        let csv = try pytrack(["export", "--db", db, "--model", "Org/tiny"])
        let steps = Set(csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] })
        XCTAssertEqual(steps, ["0", "1"])
    }

    func testLocalFileExportJSONAndUsageErrors() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let db = dir.appendingPathComponent("db.sqlite").path
        let r = try pytrack(["compute", "--file", ComputeFixtures.weights("standard").path, "--model", "local/run", "--step", "5", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = dir.appendingPathComponent("m.json").path
        let e = try pytrack(["export", "--db", db, "--format", "json", "--out", out])
        XCTAssertEqual(e.status, 0, e.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]])
        XCTAssertTrue(rows.contains { $0["matrix"] as? String == "embed_in" && $0["metric"] as? String == "frobenius" && $0["layer"] is NSNull })
        XCTAssertTrue(rows.allSatisfy { $0["model"] as? String == "local/run" && $0["step"] as? Int == 5 })
        let spectra = try pytrack(["export", "--db", db, "--spectra"])
        XCTAssertTrue(spectra.stdout.hasPrefix("model,step,layer,matrix,kind,index,value\n"))

        XCTAssertEqual(try pytrack(["compute", "--file", "x.safetensors", "--db", db]).status, 2, "--file needs --model and --step")
        XCTAssertEqual(try pytrack(["compute", "--model", "Org/x", "--steps", "1-"]).status, 2)
        XCTAssertEqual(try pytrack(["export", "--db", db, "--format", "xml"]).status, 2)
        let missing = try pytrack(["compute", "--file", dir.appendingPathComponent("none.safetensors").path, "--model", "a/b", "--step", "1", "--db", db])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("none.safetensors"), missing.stderr)
        let help = try pytrack(["compute", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Example"), help.stdout)
    }

    func testManifestPairComputesDedupRows() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: [0, 512], fixture: "standard")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny-deduped", steps: [512], fixture: "deduped")
        let manifest = dir.appendingPathComponent("m.json")
        try Data(#"{"name": "tiny", "standard": "Org/tiny", "deduped": "Org/tiny-deduped", "steps": "log", "schedule": "hub"}"#.utf8).write(to: manifest)
        let db = dir.appendingPathComponent("db.sqlite").path
        let r = try pytrack(["compute", "--manifest", manifest.path, "--cache", cache.path, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try pytrack(["export", "--db", db, "--model", "Org/tiny-deduped"]).stdout
        let dedup = csv.split(separator: "\n").filter { $0.contains(",dedup_") }
        XCTAssertFalse(dedup.isEmpty)
        XCTAssertTrue(dedup.allSatisfy { $0.hasPrefix("Org/tiny-deduped,512,") }, "only step 512 has both twins")
        XCTAssertTrue(dedup.contains { $0.hasPrefix("Org/tiny-deduped,512,,embed_in,dedup_w1_spectrum,") })
    }

    /// PRAGMA integrity_check through Python's sqlite3 (independent of GRDB).
    func integrity(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
