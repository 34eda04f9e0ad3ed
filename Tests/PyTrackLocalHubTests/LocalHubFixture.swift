import Foundation
import XCTest
import PyTrackTestSupport
@testable import PyTrackLocalHub

/// A temporary hub tree (`<root>/<org>/<name>/<revision>/<files>`) with seeded pseudo-random files,
/// served by `LocalHub`, and the independent references the tests compare against (coreutils
/// `sha256sum`, `git hash-object`).
final class LocalHubFixture {
    let dir: URL
    let root: URL
    private(set) var hub: LocalHub!

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-localhub-\(UUID().uuidString)")
        root = dir.appendingPathComponent("hub")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        hub?.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    func start(pageSize: Int = 1000) throws {
        hub = try LocalHub(root: root, pageSize: pageSize)
    }

    /// Writes `<repo>/<revision>/<path>` with `size` seeded bytes, or `text`.
    @discardableResult
    func add(_ repo: String, _ revision: String, _ path: String, size: Int = 0, seed: UInt64 = 1, text: String? = nil) throws -> URL {
        let url = root.appendingPathComponent("\(repo)/\(revision)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (text.map { Data($0.utf8) } ?? LocalHubFixture.bytes(size, seed: seed)).write(to: url)
        return url
    }

    func source(_ repo: String, _ revision: String, _ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("\(repo)/\(revision)/\(path)"))
    }

    static func bytes(_ size: Int, seed: UInt64) -> Data {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes[i] = UInt8(truncatingIfNeeded: state)
        }
        return Data(bytes)
    }

    /// Output of a command (found on PATH), trimmed; fails the test when it exits non-zero.
    static func tool(_ args: [String]) throws -> String {
        try Subprocess.output(args).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// sha256 of a file by coreutils.
    static func sha256(_ url: URL) throws -> String {
        String(try tool(["sha256sum", url.path]).prefix(64))
    }

    /// The git blob id of a file by git.
    static func gitOID(_ url: URL) throws -> String {
        try tool(["git", "hash-object", url.path])
    }
}
