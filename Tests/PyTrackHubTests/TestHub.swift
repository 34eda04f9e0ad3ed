import PyTrackCache
import Foundation
import XCTest
@testable import PyTrackHub

/// A temporary hub tree (`<root>/<org>/<name>/<revision>/<files>`) served by the real
/// tools/testhub/hub_server.py, plus a fresh cache folder. Files hold seeded pseudo-random bytes.
final class TestHub {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repoRoot.appendingPathComponent("tools/testhub/hub_server.py")

    let dir: URL
    let root: URL
    let cache: URL
    private(set) var server: LocalHubServer!

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-hub-\(UUID().uuidString)")
        root = dir.appendingPathComponent("hub")
        cache = dir.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    /// Writes `<repo>/<revision>/<path>` with `size` seeded bytes (or `text`).
    @discardableResult
    func add(_ repo: String, _ revision: String, _ path: String, size: Int = 0, seed: UInt64 = 1, text: String? = nil) throws -> URL {
        let url = root.appendingPathComponent(repo).appendingPathComponent(revision).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let text {
            try Data(text.utf8).write(to: url)
        } else {
            var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
            var bytes = [UInt8](repeating: 0, count: size)
            for i in 0..<size {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                bytes[i] = UInt8(truncatingIfNeeded: state)
            }
            try Data(bytes).write(to: url)
        }
        return url
    }

    /// A Pythia-like checkpoint: model.safetensors (random bytes) + config.json.
    func addCheckpoint(_ repo: String, step: Int, size: Int = 200_000, seed: UInt64? = nil) throws {
        try add(repo, "step\(step)", "model.safetensors", size: size, seed: seed ?? UInt64(step + 7))
        try add(repo, "step\(step)", "config.json", text: "{\"model_type\": \"gpt_neox\", \"step\": \(step)}\n")
    }

    func start(_ args: [String] = []) throws {
        server = try LocalHubServer(root: root, script: TestHub.script, extraArguments: args)
    }

    func environment(token: String? = nil, offline: Bool = false) -> HubEnvironment {
        var env = ["HF_HOME": dir.appendingPathComponent("hf-home").path]
        if let token { env["HF_TOKEN"] = token }
        if offline { env["HF_HUB_OFFLINE"] = "1" }
        return HubEnvironment(endpoint: server.endpoint, cache: cache.path, environment: env)
    }

    /// A retry policy fast enough for tests (server Retry-After still honoured).
    static let fastRetry = RetryPolicy(maxAttempts: 6, baseDelay: 0.05, maxDelay: 0.5, maxServerDelay: 5)

    func sync(_ request: SyncRequest, token: String? = nil) throws -> SyncSummary {
        try CheckpointSync(environment: environment(token: token), retry: TestHub.fastRetry).run(request)
    }

    /// The file a snapshot entry resolves to, read whole (test files are small).
    func snapshotData(_ repo: String, revision: String, path: String) throws -> Data? {
        let c = HubCache(root: cache)
        guard let commit = try c.ref(repo: repo, revision: revision) else { return nil }
        return FileManager.default.contents(atPath: try c.snapshotFile(repo: repo, commit: commit, path: path).path)
    }

    func source(_ repo: String, _ revision: String, _ path: String) -> Data? {
        FileManager.default.contents(atPath: root.appendingPathComponent("\(repo)/\(revision)/\(path)").path)
    }

    /// Every file under the cache whose name ends in `.incomplete`.
    func incompleteFiles() -> [String] {
        let e = FileManager.default.enumerator(atPath: cache.path)
        var out: [String] = []
        while let p = e?.nextObject() as? String { if p.hasSuffix(".incomplete") { out.append(p) } }
        return out
    }

    deinit {
        server?.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}
