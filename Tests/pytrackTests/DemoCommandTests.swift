import Foundation
import PyTrackTestSupport
import XCTest
@testable import pytrack

/// `pytrack demo` as an installed binary: copied with its resource folder to another place, run from
/// an unrelated folder with a PATH that holds no python3 (nor anything else).
final class DemoCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable args...` in `directory` with exactly `environment` (output through files).
    func run(_ executable: URL, _ args: [String], in directory: URL, environment: [String: String]) throws -> Run {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-demo-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let outURL = logs.appendingPathComponent("out"), errURL = logs.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = directory
        p.environment = environment
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: p.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                   stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    func testInstalledBinaryRunsTheDemoFromAnyFolderWithoutPython() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("pytrack-demo-install-\(UUID().uuidString)")
        addTeardownBlock { try? fm.removeItem(at: dir) }
        let built = try PytrackCommand.binary()
        let bin = dir.appendingPathComponent("prefix/bin")
        try fm.createDirectory(at: bin, withIntermediateDirectories: true)
        let exe = bin.appendingPathComponent("pytrack")
        try fm.copyItem(at: built, to: exe)
        let work = dir.appendingPathComponent("somewhere/else")
        let emptyPath = dir.appendingPathComponent("empty-path")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        try fm.createDirectory(at: emptyPath, withIntermediateDirectories: true)
        let home = dir.appendingPathComponent("home")
        let env = ["PATH": emptyPath.path, "HOME": home.path]

        // Without its resource folder the binary says where it looked, in one line, exit 1.
        let lone = try run(exe, ["demo"], in: work, environment: env)
        XCTAssertEqual(lone.status, 1, lone.stderr)
        XCTAssertEqual(lone.stderr.split(separator: "\n").count, 1, lone.stderr)
        XCTAssertTrue(lone.stderr.contains(bin.appendingPathComponent("pytrack_PyTrackDemoSuite.resources").path), lone.stderr)

        // With it (copied, not linked): the whole demo, written under $HOME/.local/share/pytrack.
        try fm.copyItem(at: built.deletingLastPathComponent().appendingPathComponent("pytrack_PyTrackDemoSuite.resources"),
                        to: bin.appendingPathComponent("pytrack_PyTrackDemoSuite.resources"))
        let demo = try run(exe, ["demo", "--threads", "2"], in: work, environment: env)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let share = home.appendingPathComponent(".local/share/pytrack")
        let index = share.appendingPathComponent("Reports/demo/index.html")
        XCTAssertEqual(demo.stdout.trimmingCharacters(in: .whitespacesAndNewlines), index.path)
        let html = try String(contentsOf: index, encoding: .utf8)
        XCTAssertTrue(html.lowercased().contains("demo"), "the report says it shows demo data")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: work.path), [], "nothing written into the current folder")

        // Every checkpoint of both runs of the shipped manifest was computed (the tidy export).
        let db = share.appendingPathComponent("db/demo.sqlite").path
        let export = try run(exe, ["export", "--db", db, "--format", "csv", "--out", "-"], in: work, environment: env)
        XCTAssertEqual(export.status, 0, export.stderr)
        var checkpoints = Set<String>()
        for line in export.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count == 6, fields[4] == "frobenius", fields[3] == "mlp_in" { checkpoints.insert("\(fields[0])@\(fields[1])") }
        }
        let steps = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 750, 1000, 1250, 1500, 1750, 2000]
        let want = Set(["pytrack-demo/pythia-tiny", "pytrack-demo/pythia-tiny-deduped"].flatMap { m in steps.map { "\(m)@\($0)" } })
        XCTAssertTrue(want.isSubset(of: checkpoints), "missing: \(want.subtracting(checkpoints).sorted())")

    }

    func testDefaultOutputsInACheckoutAndElsewhere() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("pytrack-demo-home-\(UUID().uuidString)")
        addTeardownBlock { try? fm.removeItem(at: dir) }
        try fm.createDirectory(at: dir.appendingPathComponent("checkout/Sources/PyTrackDemoSuite"), withIntermediateDirectories: true)
        _ = fm.createFile(atPath: dir.appendingPathComponent("checkout/Package.swift").path, contents: Data())

        let checkout = DemoHome.current(directory: dir.appendingPathComponent("checkout").path, environment: ["HOME": "/h"])
        XCTAssertTrue(checkout.isCheckout)
        XCTAssertEqual(checkout.database, "db/demo.sqlite")
        XCTAssertEqual(checkout.reports, "Reports/demo")
        XCTAssertEqual(checkout.checkoutManifest, "manifests/demo.json")

        let elsewhere = DemoHome.current(directory: dir.path, environment: ["HOME": "/h"])
        XCTAssertFalse(elsewhere.isCheckout)
        XCTAssertEqual(elsewhere.database, "/h/.local/share/pytrack/db/demo.sqlite")
        XCTAssertEqual(elsewhere.reports, "/h/.local/share/pytrack/Reports/demo")
        XCTAssertNil(elsewhere.checkoutSuite)
        let xdg = DemoHome.current(directory: dir.path, environment: ["HOME": "/h", "XDG_DATA_HOME": "/x/data"])
        XCTAssertEqual(xdg.database, "/x/data/pytrack/db/demo.sqlite")
        let relative = DemoHome.current(directory: dir.path, environment: ["HOME": "/h", "XDG_DATA_HOME": "rel"])
        XCTAssertEqual(relative.reports, "/h/.local/share/pytrack/Reports/demo", "a relative XDG_DATA_HOME is ignored, as the spec says")
        let homeless = DemoHome.current(directory: dir.path, environment: [:])
        XCTAssertTrue(homeless.database.hasPrefix(fm.temporaryDirectory.path), homeless.database)
    }
}
