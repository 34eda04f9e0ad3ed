import Foundation
import PyTrackStore
import PyTrackTestSupport
import XCTest
@testable import PyTrackHub

/// The `pytrack sync` executable against the real local hub: kill it mid-file, run it again, and it
/// continues from the bytes on disk.
final class SyncCommandTests: XCTestCase {
    /// Runs `pytrack args...` without a token or offline mode from the caller's environment.
    func run(_ args: [String], wait: Bool = true) throws -> Process {
        let p = try PytrackCommand.start(args, environment: PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil]))
        if wait { p.waitUntilExit() }
        return p
    }

    func testKilledSyncResumesFromTheBytesOnDisk() throws {
        let repo = "org/kill"
        let size = 2_000_000
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0, size: size)
        try hub.start()
        try hub.server.setFaults(#"[{"kind":"throttle","listener":"cdn","bytes_per_sec":400000,"count":-1}]"#)
        let db = hub.dir.appendingPathComponent("db.sqlite").path
        let args = ["sync", "--model", repo, "--steps", "0", "--endpoint", hub.server.endpoint,
                    "--cache", hub.cache.path, "--db", db, "--jobs", "2"]
        let first = try run(args, wait: false)
        // Wait until part of the weights is on disk, then kill -9 the process.
        let blobs = hub.cache.appendingPathComponent("models--org--kill/blobs")
        var partial: Int64 = 0
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && partial < 300_000 {
            Thread.sleep(forTimeInterval: 0.05)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? []
            if let inc = names.first(where: { $0.hasSuffix(".incomplete") }),
               let n = (try? FileManager.default.attributesOfItem(atPath: blobs.appendingPathComponent(inc).path))?[.size] as? NSNumber {
                partial = n.int64Value
            }
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertGreaterThanOrEqual(partial, 300_000, "the throttled download made progress before the kill")
        XCTAssertLessThan(partial, Int64(size))
        XCTAssertEqual(hub.incompleteFiles().count, 1, "the partial file stays for the next run")

        try hub.server.setFaults("[]")
        try hub.server.clearLog()
        let second = try run(args)
        XCTAssertEqual(second.terminationStatus, 0)
        let gets = try hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }
        XCTAssertEqual(gets.count, 1)
        let range = try XCTUnwrap(gets.first?.range)
        let resumedAt = try XCTUnwrap(Int64(range.dropFirst(6).dropLast()))
        XCTAssertGreaterThanOrEqual(resumedAt, partial, "resumed from the bytes on disk: \(range)")
        XCTAssertEqual(gets.first?.status, 206)
        XCTAssertEqual(try hub.snapshotData(repo, revision: "step0", path: "model.safetensors"), hub.source(repo, "step0", "model.safetensors"))
        XCTAssertEqual(hub.incompleteFiles(), [])

        // A step the hub lacks: exit status 1, what exists is kept.
        let third = try run(["sync", "--model", repo, "--steps", "0,1", "--endpoint", hub.server.endpoint,
                                     "--cache", hub.cache.path, "--db", db])
        XCTAssertEqual(third.terminationStatus, 1)
        XCTAssertNotNil(try hub.snapshotData(repo, revision: "step0", path: "model.safetensors"))
        // The store knows both outcomes.
        let records = try PyTrackDatabase(path: db).checkpoints(model: repo)
        XCTAssertEqual(records.map(\.step), [0, 1])
        XCTAssertEqual(records.map(\.syncState), [.synced, .missing])
        XCTAssertEqual(records[0].files, ["model.safetensors", "config.json"])
        XCTAssertEqual(records[0].weightSHA256?.count, 64)
    }
}
