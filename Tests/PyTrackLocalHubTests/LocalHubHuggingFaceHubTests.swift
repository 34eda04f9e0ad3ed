import Foundation
import PyTrackTestSupport
import XCTest
@testable import PyTrackLocalHub

/// The Swift local hub against the reference client, Python's huggingface_hub (`snapshot_download`):
/// it must find the revision, follow the 302, and store the files in its cache under the names the
/// metadata headers give (LFS blobs by sha256). Skipped where huggingface_hub is missing.
final class LocalHubHuggingFaceHubTests: XCTestCase {
    func testSnapshotDownloadByHuggingFaceHub() throws {
        guard Python.canImport("huggingface_hub") else { throw XCTSkip("python3 huggingface_hub not installed") }
        let f = try LocalHubFixture()
        try f.add("org/model", "step0", "model.safetensors", size: 123_457, seed: 7)
        try f.add("org/model", "step0", "config.json", text: "{\"model_type\": \"gpt_neox\"}\n")
        try f.add("org/model", "step0", "sub/extra.txt", text: "more\n")
        try f.add("org/model", "step1", "model.safetensors", size: 10, seed: 8)
        try f.start()
        let cache = f.dir.appendingPathComponent("hf-cache")
        let script = """
        import sys
        from huggingface_hub import snapshot_download
        print(snapshot_download(repo_id="org/model", revision="step0", cache_dir=sys.argv[1], endpoint=sys.argv[2]))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, cache.path, f.hub.endpoint]
        var env = ProcessInfo.processInfo.environment
        for key in ["HF_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_HUB_CACHE"] { env[key] = nil }
        env["HF_HOME"] = f.dir.appendingPathComponent("hf-home").path
        env["HF_HUB_DISABLE_TELEMETRY"] = "1"
        env["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: errData, as: UTF8.self))
        let snapshot = URL(fileURLWithPath: String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        for path in ["model.safetensors", "config.json", "sub/extra.txt"] {
            XCTAssertEqual(try Data(contentsOf: snapshot.appendingPathComponent(path)), try f.source("org/model", "step0", path), path)
        }
        let commit = try XCTUnwrap(f.hub.requests().isEmpty ? nil : snapshot.lastPathComponent)
        XCTAssertEqual(try String(contentsOf: cache.appendingPathComponent("models--org--model/refs/step0"), encoding: .utf8), commit)
        let sha = try LocalHubFixture.sha256(f.root.appendingPathComponent("org/model/step0/model.safetensors"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.appendingPathComponent("models--org--model/blobs/\(sha)").path),
                      "the LFS blob is stored under its sha256 (X-Linked-Etag)")
        XCTAssertTrue(f.hub.requests().contains { $0.listener == "cdn" && $0.status == 200 }, "the weights came through the CDN listener")
    }
}
