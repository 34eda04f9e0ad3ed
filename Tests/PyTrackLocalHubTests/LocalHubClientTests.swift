import Foundation
import PyTrackHub
import PyTrackTestSupport
import XCTest
@testable import PyTrackLocalHub

/// The Swift local hub against pytrack's own hub client (libcurl): paginated trees through
/// `HubClient`, and `pytrack sync` (a separate process) downloading, verifying and resuming.
final class LocalHubClientTests: XCTestCase {
    func environment(_ f: LocalHubFixture, cache: URL) -> HubEnvironment {
        HubEnvironment(endpoint: f.hub.endpoint, cache: cache.path, environment: ["HF_HOME": f.dir.appendingPathComponent("hf-home").path])
    }

    func testHubClientFollowsTreePagesAndReadsRefs() throws {
        let f = try LocalHubFixture()
        for i in 0..<5 { try f.add("org/paged", "step0", "shard-\(i).bin", size: 1000 + i, seed: UInt64(i + 1)) }
        try f.add("org/paged", "step0", "config.json", text: "{}\n")
        try f.start(pageSize: 2)
        let client = try HubClient(environment: environment(f, cache: f.dir.appendingPathComponent("cache")))
        let tree = try client.tree(repo: "org/paged", revision: "step0")
        XCTAssertEqual(tree.map(\.path), ["config.json"] + (0..<5).map { "shard-\($0).bin" })
        XCTAssertEqual(tree.map(\.size), [3] + (0..<5).map { Int64(1000 + $0) })
        for file in tree where file.path.hasSuffix(".bin") {
            XCTAssertEqual(file.lfsSHA256, try LocalHubFixture.sha256(f.root.appendingPathComponent("org/paged/step0/\(file.path)")))
        }
        let pages = f.hub.requests().filter { $0.target.contains("/tree/") }
        XCTAssertEqual(pages.count, 3, "6 entries in pages of 2")
        let refs = try client.refs(repo: "org/paged")
        XCTAssertEqual(Set(refs.map(\.name)), ["step0", "main"])
        XCTAssertEqual(try client.revision(repo: "org/paged", revision: "main").sha, refs.first { $0.name == "step0" }?.commit)
    }

    func testPytrackSyncDownloadsThroughTheRedirectAndResumesWithRange() throws {
        let f = try LocalHubFixture()
        let repo = "org/tiny"
        for step in [0, 1, 2] {
            try f.add(repo, "step\(step)", "model.safetensors", size: 400_000 + step, seed: UInt64(step + 10))
            try f.add(repo, "step\(step)", "config.json", text: "{\"model_type\": \"gpt_neox\", \"step\": \(step)}\n")
        }
        try f.start()
        let cache = f.dir.appendingPathComponent("cache")
        let db = f.dir.appendingPathComponent("db.sqlite").path
        let env = PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil, "HF_HOME": f.dir.appendingPathComponent("hf-home").path])

        // Half of step2's weights are already on disk, as a killed download leaves them.
        let weights2 = f.root.appendingPathComponent("\(repo)/step2/model.safetensors")
        let sha2 = try LocalHubFixture.sha256(weights2)
        let blobs = cache.appendingPathComponent("models--org--tiny/blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try Data(contentsOf: weights2).prefix(150_000).write(to: blobs.appendingPathComponent("\(sha2).incomplete"))

        let r = try PytrackCommand.run(["sync", "--model", repo, "--steps", "0,1,2", "--endpoint", f.hub.endpoint,
                                        "--cache", cache.path, "--db", db, "--jobs", "3"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        for step in [0, 1, 2] {
            let snapshot = try snapshotFile(cache: cache, repo: repo, revision: "step\(step)", path: "model.safetensors")
            XCTAssertEqual(try Data(contentsOf: snapshot), try f.source(repo, "step\(step)", "model.safetensors"), "step\(step)")
            let config = try snapshotFile(cache: cache, repo: repo, revision: "step\(step)", path: "config.json")
            XCTAssertEqual(try Data(contentsOf: config), try f.source(repo, "step\(step)", "config.json"))
        }
        let log = f.hub.requests()
        XCTAssertEqual(log.filter { $0.listener == "api" && $0.status == 302 }.count, 3, "each weights file resolved through a 302")
        let cdnGets = log.filter { $0.listener == "cdn" && $0.method == "GET" }
        XCTAssertEqual(cdnGets.count, 3)
        let resumed = try XCTUnwrap(cdnGets.first { $0.target.contains("step2") })
        XCTAssertEqual(resumed.range, "bytes=150000-")
        XCTAssertEqual(resumed.status, 206)
        XCTAssertFalse(log.contains { $0.status >= 400 }, "no failed request: \(log.filter { $0.status >= 400 })")

        // A second sync finds everything in the cache and downloads nothing.
        f.hub.clearLog()
        let again = try PytrackCommand.run(["sync", "--model", repo, "--steps", "0,1,2", "--endpoint", f.hub.endpoint,
                                            "--cache", cache.path, "--db", db], environment: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(f.hub.requests().contains { $0.listener == "cdn" })
    }

    /// `snapshots/<commit>/<path>` for the commit `refs/<revision>` names (huggingface_hub layout).
    func snapshotFile(cache: URL, repo: String, revision: String, path: String) throws -> URL {
        let dir = cache.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
        let commit = try String(contentsOf: dir.appendingPathComponent("refs/\(revision)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return dir.appendingPathComponent("snapshots/\(commit)/\(path)")
    }
}
