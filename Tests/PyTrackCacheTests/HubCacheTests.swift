import Foundation
import XCTest
@testable import PyTrackCache

final class HubCacheTests: XCTestCase {
    func testLayoutPaths() throws {
        let cache = HubCache(root: URL(fileURLWithPath: "/c"))
        let commit = String(repeating: "ab", count: 20)
        XCTAssertEqual(try cache.repositoryFolder("EleutherAI/pythia-160m").path, "/c/models--EleutherAI--pythia-160m")
        XCTAssertEqual(try cache.blob(repo: "a/b", etag: "deadbeef").path, "/c/models--a--b/blobs/deadbeef")
        XCTAssertEqual(try cache.incomplete(repo: "a/b", etag: "deadbeef").path, "/c/models--a--b/blobs/deadbeef.incomplete")
        XCTAssertEqual(try cache.snapshotFile(repo: "a/b", commit: commit, path: "sub/x.json").path, "/c/models--a--b/snapshots/\(commit)/sub/x.json")
    }

    func testUntrustedNamesCannotEscape() {
        let cache = HubCache(root: URL(fileURLWithPath: "/c"))
        let commit = String(repeating: "0", count: 40)
        for bad in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "./x", "a/..", "x\\..\\y", "a\u{0}b", "new\nline"] {
            XCTAssertThrowsError(try cache.snapshotFile(repo: "a/b", commit: commit, path: bad), "path \(bad.debugDescription)")
        }
        for bad in ["../b", "a/..", "a", "a/b/c", "/a", "a/"] {
            XCTAssertThrowsError(try cache.repositoryFolder(bad), "repo \(bad)")
        }
        for bad in ["../x", "ab/cd", "", "a.b", String(repeating: "a", count: 129)] {
            XCTAssertThrowsError(try cache.blob(repo: "a/b", etag: bad), "etag \(bad)")
        }
        XCTAssertThrowsError(try cache.snapshotFile(repo: "a/b", commit: "../../x", path: "f"))
        XCTAssertThrowsError(try cache.setRef(repo: "a/b", revision: "../../../x", commit: commit))
    }

    func testRefsAndRelativeSymlinksLikeHuggingFaceHub() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = HubCache(root: dir)
        let commit = String(repeating: "c", count: 40)
        try cache.prepare(repo: "o/n")
        try Data("hello".utf8).write(to: try cache.blob(repo: "o/n", etag: "e1"))
        try cache.linkSnapshot(repo: "o/n", commit: commit, path: "a/b/f.txt", etag: "e1")
        let link = try cache.snapshotFile(repo: "o/n", commit: commit, path: "a/b/f.txt")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "../../../../blobs/e1")
        XCTAssertEqual(FileManager.default.contents(atPath: link.path), Data("hello".utf8))
        XCTAssertTrue(cache.hasSnapshotFile(repo: "o/n", commit: commit, path: "a/b/f.txt", size: 5))
        XCTAssertFalse(cache.hasSnapshotFile(repo: "o/n", commit: commit, path: "a/b/f.txt", size: 6))
        try cache.setRef(repo: "o/n", revision: "refs/pr/1", commit: commit)
        XCTAssertEqual(try cache.ref(repo: "o/n", revision: "refs/pr/1"), commit)
        XCTAssertNil(try cache.ref(repo: "o/n", revision: "main"))
        XCTAssertEqual(HubCache.normalizeEtag("W/\"abc\""), "abc")
    }
}
