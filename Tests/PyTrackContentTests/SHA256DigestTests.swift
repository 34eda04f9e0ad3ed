import Foundation
import PyTrackContent
import XCTest

/// SHA-256 and the weight content key against Python's hashlib (an independent implementation).
final class SHA256DigestTests: XCTestCase {
    /// `python3 -c CODE ARGS...` -> stdout, trimmed.
    private func python(_ code: String, _ args: [String] = []) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", code] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testKnownVectors() {
        XCTAssertEqual(SHA256Digest.hex(of: ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex(of: "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testSHA1ForGitObjectIDs() {
        let sha1 = ContentDigest(.sha1)
        sha1.update("abc")
        let abc = sha1.finalize()
        XCTAssertEqual(abc, "a9993e364706816aba3e25717850c26c9cd0d89d")
        let blob = ContentDigest(.sha1)  // `git hash-object` of an empty file
        blob.update("blob 0\u{0}")
        let empty = blob.finalize()
        XCTAssertEqual(empty, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
    }

    func testFileDigestMatchesHashlibAcrossChunkBoundaries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 9 MiB + 7 bytes: more than two 4 MiB read chunks and a ragged tail.
        var bytes = [UInt8](repeating: 0, count: (9 << 20) + 7)
        var x: UInt32 = 12345
        for i in bytes.indices { x = x &* 1664525 &+ 1013904223; bytes[i] = UInt8(truncatingIfNeeded: x >> 24) }
        let file = dir.appendingPathComponent("blob.bin")
        try Data(bytes).write(to: file)
        let expected = try python("import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", [file.path])
        XCTAssertEqual(try SHA256Digest.file(at: file.path), expected)
    }

    func testMissingFileIsOneLineError() {
        XCTAssertThrowsError(try SHA256Digest.file(at: "/nonexistent/x.safetensors")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("/nonexistent/x.safetensors: cannot read"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testWeightContentKey() throws {
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        XCTAssertEqual(WeightContentKey.make([("model.safetensors", a)]), a)
        // Sharded: sha256 of the sorted `path:sha256\n` lines, whatever order the shards come in.
        let expected = try python("import hashlib; print(hashlib.sha256(b'm-00001.bin:' + b'b'*64 + b'\\nm-00002.bin:' + b'a'*64 + b'\\n').hexdigest())")
        XCTAssertEqual(WeightContentKey.make([("m-00002.bin", a), ("m-00001.bin", b)]), expected)
        XCTAssertNotEqual(WeightContentKey.make([("m-00001.bin", a), ("m-00002.bin", b)]), expected)
    }
}
