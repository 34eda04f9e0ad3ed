import Foundation
import PyTrackHub
import XCTest
@testable import PyTrackLocalHub

/// The Swift local hub answers like tools/testhub/hub_server.py (an independent implementation, in
/// Python) on the same folder: the same refs, revisions, trees (commit ids, git oids, LFS sha256s,
/// pagination) and resolve metadata headers. Skipped where python3 is missing.
final class LocalHubPythonParityTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/testhub/hub_server.py")

    func testSameAnswersAsThePythonTestHub() throws {
        let f = try LocalHubFixture()
        try f.add("org/a", "step0", "model.safetensors", size: 70_000, seed: 3)
        try f.add("org/a", "step0", "config.json", text: "{\"a\": 1}\n")
        try f.add("org/a", "step512", "pytorch_model.bin", size: 50_000, seed: 4)
        try f.add("org/a", "step512", "deep/er/tokenizer.json", text: "{}\n")
        try f.add("org/a", "step64", "model.safetensors", size: 10, seed: 5)
        try f.add("org/b-deduped", "step1", "model.safetensors", size: 0)
        try f.start(pageSize: 2)
        let python: LocalHubServer
        do {
            python = try LocalHubServer(root: f.root, script: LocalHubPythonParityTests.script, extraArguments: ["--page-size", "2"])
        } catch {
            throw XCTSkip("python3 test hub unavailable: \(error)")
        }
        defer { python.stop() }
        let swiftAPI = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        let pythonAPI = try RawHTTP(port: RawHTTP.port(of: python.endpoint))

        func canonical(_ data: Data) throws -> String {
            let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        for repo in ["org/a", "org/b-deduped", "org/none"] {
            let targets = ["/api/models/\(repo)/refs"]
                + ["step0", "step512", "step64", "step1", "main", "step9"].flatMap { rev in
                    ["/api/models/\(repo)/revision/\(rev)", "/api/models/\(repo)/tree/\(rev)?recursive=1",
                     "/api/models/\(repo)/tree/\(rev)", "/api/models/\(repo)/tree/\(rev)?recursive=1&cursor=2"]
                }
            for target in targets {
                let s = try swiftAPI.request("GET", target), p = try pythonAPI.request("GET", target)
                XCTAssertEqual(s.status, p.status, target)
                XCTAssertEqual(s.headers["x-error-code"], p.headers["x-error-code"], target)
                if s.status == 200 { XCTAssertEqual(try canonical(s.body), try canonical(p.body), target) }
                // Next-page links differ only in the port.
                XCTAssertEqual(s.headers["link"]?.replacingOccurrences(of: f.hub.endpoint, with: "E"),
                               p.headers["link"]?.replacingOccurrences(of: python.endpoint, with: "E"), target)
            }
        }
        for target in ["/org/a/resolve/step0/model.safetensors", "/org/a/resolve/step0/config.json",
                       "/org/a/resolve/main/pytorch_model.bin", "/org/a/resolve/step512/deep/er/tokenizer.json",
                       "/org/b-deduped/resolve/step1/model.safetensors", "/org/a/resolve/step0/nothing"] {
            let s = try swiftAPI.request("HEAD", target), p = try pythonAPI.request("HEAD", target)
            XCTAssertEqual(s.status, p.status, target)
            for header in ["x-repo-commit", "x-linked-etag", "x-linked-size", "etag", "x-error-code", "content-length"] where s.status != 404 || header == "x-error-code" {
                XCTAssertEqual(s.headers[header], p.headers[header], "\(target): \(header)")
            }
            if let sl = s.headers["location"], let pl = p.headers["location"] {
                XCTAssertEqual(sl.replacingOccurrences(of: f.hub.cdnBase, with: "C"), pl.replacingOccurrences(of: RawHTTP.cdnBase(pl), with: "C"), target)
            }
        }
    }
}

extension RawHTTP {
    /// `http://host:port` of an absolute URL.
    static func cdnBase(_ url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        return parts.prefix(3).joined(separator: "/")
    }
}
