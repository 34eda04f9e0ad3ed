import PyTrackCache
import Foundation
import PyTrackModel
import PyTrackTestSupport
import XCTest
@testable import PyTrackHub

/// The cache is shared with Python's huggingface_hub: what `hf_hub_download` fetched from our test hub
/// is reused by `pytrack sync` without a request, and the layouts agree.
final class HuggingFaceCompatTests: XCTestCase {
    func testSyncReusesFilesDownloadedByHuggingFaceHub() throws {
        guard Python.canImport("huggingface_hub") else {
            throw XCTSkip("huggingface_hub is not importable by python3 (pip install -r tools/requirements-test.txt)")
        }
        let repo = "org/compat"
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0, size: 250_000)
        try hub.addCheckpoint(repo, step: 1, size: 250_000)
        try hub.start()

        // Python's real client downloads step0's weights and config into our cache folder.
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-c", """
            import sys
            from huggingface_hub import hf_hub_download
            for f in ("model.safetensors", "config.json"):
                print(hf_hub_download(sys.argv[1], f, revision="step0", cache_dir=sys.argv[2]))
            """, repo, hub.cache.path]
        var env = ProcessInfo.processInfo.environment
        env["HF_ENDPOINT"] = hub.server.endpoint
        env["HF_HUB_DISABLE_TELEMETRY"] = "1"
        env["HF_HOME"] = hub.dir.appendingPathComponent("hf-home").path
        env.removeValue(forKey: "HF_TOKEN")
        env.removeValue(forKey: "HF_HUB_OFFLINE")
        py.environment = env
        let out = Pipe()
        py.standardOutput = out
        try py.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        py.waitUntilExit()
        XCTAssertEqual(py.terminationStatus, 0, printed)
        let pyGets = try hub.server.requestLog().filter { $0.method == "GET" && $0.path.contains("step0") }
        XCTAssertFalse(pyGets.isEmpty, "huggingface_hub fetched through our hub")

        try hub.server.clearLog()
        let summary = try hub.sync(SyncRequest(repositories: [repo], steps: try StepSpec(parsing: "all"), schedule: .hub))
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced, .synced], "\(summary.problems)")
        XCTAssertEqual(summary.filesReused, 2, "step0's files came from huggingface_hub")
        let log = try hub.server.requestLog()
        let fileRequests = log.filter { $0.path.contains("/resolve/") || $0.listener == "cdn" }
        let step0Commit = try XCTUnwrap(summary.outcomes.first?.commit)
        XCTAssertFalse(fileRequests.contains { $0.path.contains(step0Commit) || $0.path.contains("/step0/") },
                       "no request for step0's files: \(fileRequests.map(\.path))")
        XCTAssertTrue(fileRequests.contains { $0.listener == "cdn" && $0.path.contains("/step1/") }, "step1 was fetched")
        // Both tools agree on where the file lives.
        let pyPath = printed.split(separator: "\n").first.map(String.init) ?? ""
        let ours = try HubCache(root: hub.cache).snapshotFile(repo: repo, commit: step0Commit, path: "model.safetensors")
        XCTAssertEqual(URL(fileURLWithPath: pyPath).standardizedFileURL.path, ours.standardizedFileURL.path)
        XCTAssertEqual(FileManager.default.contents(atPath: ours.path), hub.source(repo, "step0", "model.safetensors"))
    }
}
