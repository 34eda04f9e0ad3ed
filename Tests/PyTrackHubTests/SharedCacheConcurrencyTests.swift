import Foundation
import PyTrackContent
import PyTrackTestSupport
import XCTest
@testable import PyTrackHub

/// Several `pytrack sync` processes writing one huggingface_hub cache at once, as array tasks on
/// different nodes do over a network filesystem: each downloads into its own temp name and renames
/// atomically, and a blob another process finished is reused, not fetched again.
final class SharedCacheConcurrencyTests: XCTestCase {
    private func start(_ args: [String]) throws -> Process {
        try PytrackCommand.start(args, environment: PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil]))
    }

    /// Every file under the cache, relative.
    private func cacheFiles(_ hub: TestHub) -> [String] {
        let e = FileManager.default.enumerator(atPath: hub.cache.path)
        var out: [String] = []
        while let p = e?.nextObject() as? String { out.append(p) }
        return out.sorted()
    }

    func testFourProcessesSyncOneCacheWithoutCorruptingIt() throws {
        let hub = try TestHub()
        let repos = ["org/shared-a", "org/shared-b"]
        for (r, repo) in repos.enumerated() {
            for step in [0, 1, 2] { try hub.addCheckpoint(repo, step: step, size: 600_000 + 1000 * step, seed: UInt64(10 * r + step + 1)) }
        }
        try hub.start()
        // Slow enough that the four processes' transfers of the same files overlap.
        try hub.server.setFaults(#"[{"kind":"throttle","listener":"cdn","bytes_per_sec":3000000,"count":-1}]"#)
        var processes: [Process] = []
        for k in 0..<4 {
            let db = hub.dir.appendingPathComponent("db-\(k).sqlite").path
            processes.append(try start(["sync", "--model", repos[0], "--model", repos[1], "--steps", "0,1,2", "--endpoint", hub.server.endpoint,
                                        "--cache", hub.cache.path, "--db", db, "--jobs", "2"]))
        }
        for p in processes { p.waitUntilExit() }
        XCTAssertEqual(processes.map(\.terminationStatus), [0, 0, 0, 0])
        for repo in repos {
            for step in [0, 1, 2] {
                for path in ["model.safetensors", "config.json"] {
                    XCTAssertEqual(try hub.snapshotData(repo, revision: "step\(step)", path: path), hub.source(repo, "step\(step)", path),
                                   "\(repo) step\(step) \(path)")
                }
            }
        }
        // Every LFS blob is named by the sha256 of its bytes; no temp file is left behind.
        let files = cacheFiles(hub)
        XCTAssertEqual(files.filter { $0.hasSuffix(".incomplete") || $0.contains(".pytrack-link") }, [])
        var checked = 0
        for path in files where path.contains("/blobs/") {
            let name = (path as NSString).lastPathComponent
            guard name.count == 64 else { continue }
            XCTAssertEqual(try SHA256Digest.file(at: hub.cache.appendingPathComponent(path).path), name, path)
            checked += 1
        }
        XCTAssertEqual(checked, 6, "one sha256-named blob per weight file")
    }

    func testABlobAnotherProcessFinishedIsReusedNotFetchedAgain() throws {
        let repo = "org/reuse"
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0, size: 1_500_000, seed: 3)   // slow: fetched first by the long process
        try hub.addCheckpoint(repo, step: 1, size: 50_000, seed: 4)      // quick: finished by the short process meanwhile
        try hub.start()
        try hub.server.setFaults(#"[{"kind":"throttle","listener":"cdn","bytes_per_sec":500000,"count":-1}]"#)
        let long = try start(["sync", "--model", repo, "--steps", "0,1", "--endpoint", hub.server.endpoint,
                              "--cache", hub.cache.path, "--db", hub.dir.appendingPathComponent("long.sqlite").path, "--jobs", "1"])
        // Once the long process is downloading step 0 (so it has planned step 1 as missing), the short one runs.
        let blobs = hub.cache.appendingPathComponent("models--org--reuse/blobs")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? []
            if names.contains(where: { $0.hasSuffix(".incomplete") }) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let short = try start(["sync", "--model", repo, "--steps", "1", "--endpoint", hub.server.endpoint,
                               "--cache", hub.cache.path, "--db", hub.dir.appendingPathComponent("short.sqlite").path, "--jobs", "1"])
        short.waitUntilExit()
        XCTAssertTrue(long.isRunning, "the long process was still on step 0 when the short one finished step 1")
        long.waitUntilExit()
        XCTAssertEqual([long.terminationStatus, short.terminationStatus], [0, 0])
        let gets = try hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }
        XCTAssertEqual(gets.filter { $0.path.hasSuffix("step1/model.safetensors") }.count, 1, "step 1 weights fetched once: \(gets.map(\.path))")
        XCTAssertEqual(gets.filter { $0.path.hasSuffix("step0/model.safetensors") }.count, 1)
        XCTAssertEqual(try hub.snapshotData(repo, revision: "step1", path: "model.safetensors"), hub.source(repo, "step1", "model.safetensors"))
        XCTAssertEqual(hub.incompleteFiles(), [])
    }
}
