import Foundation
import PyTrackHub
import PyTrackTestSupport
import XCTest

/// The demo suite (Sources/PyTrackDemoSuite/demo-hub) synced once per test run by `pytrack sync` from the real
/// local hub (tools/testhub/hub_server.py) into a temporary huggingface_hub cache, for the shard,
/// merge and Slurm tests, which then read the cache only.
enum DemoCache {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let manifest = repoRoot.appendingPathComponent("manifests/demo.json").path

    private static let lock = NSLock()
    nonisolated(unsafe) private static var synced: URL?

    /// The cache folder (synced on first use).
    static func cache() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let synced { return synced }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-demo-cache-\(UUID().uuidString)")
        let server = try LocalHubServer(root: repoRoot.appendingPathComponent("Sources/PyTrackDemoSuite/demo-hub"),
                                        script: repoRoot.appendingPathComponent("tools/testhub/hub_server.py"))
        defer { server.stop() }
        let cache = dir.appendingPathComponent("hub")
        let r = try PytrackCommand.run(["sync", "--manifest", manifest, "--endpoint", server.endpoint, "--cache", cache.path,
                                        "--db", dir.appendingPathComponent("sync.sqlite").path],
                                       environment: PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil]))
        guard r.status == 0 else { throw SyncFailed(stderr: r.stderr) }
        synced = cache
        return cache
    }

    struct SyncFailed: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "pytrack sync of the demo suite failed: \(stderr)" }
    }

    /// A fresh temporary folder removed after the test.
    static func scratch(_ test: XCTestCase, _ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// `pytrack export` (metrics, then spectra) of a database, as text.
    static func export(_ db: String) throws -> String {
        var text = ""
        for extra in [[], ["--spectra"]] {
            let r = try PytrackCommand.run(["export", "--db", db, "--out", "-"] + extra)
            guard r.status == 0 else { throw SyncFailed(stderr: "export \(db): \(r.stderr)") }
            text += r.stdout
        }
        return text
    }
}
