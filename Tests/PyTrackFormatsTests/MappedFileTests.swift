import Foundation
import XCTest
@testable import PyTrackFormats

/// Files that change or are not files (issue 14, items 7 and 14).
final class MappedFileTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testFIFOAndDirectoryAreRefusedWithoutBlocking() throws {
        let dir = try temporaryDirectory()
        let fifo = dir.appendingPathComponent("model.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let start = Date()
        XCTAssertThrowsError(try MappedFile(path: fifo)) {
            XCTAssertEqual($0 as? FormatError, .cannotOpen(path: fifo, reason: "not a regular file (a FIFO)"))
        }
        XCTAssertThrowsError(try Checkpoint.open(dir.path)) {
            XCTAssertEqual($0 as? FormatError, .cannotOpen(path: fifo, reason: "not a regular file (a FIFO)"))
        }
        XCTAssertThrowsError(try BoundedFile.read(fifo, limit: 100)) {
            XCTAssertEqual($0 as? FormatError, .cannotOpen(path: fifo, reason: "not a regular file (a FIFO)"))
        }
        XCTAssertThrowsError(try MappedFile(path: dir.path)) {
            XCTAssertEqual($0 as? FormatError, .cannotOpen(path: dir.path, reason: "not a regular file (a directory)"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    /// A failed POSIX call keeps its errno (issue 9, item 7), on one line.
    func testAMissingFileKeepsItsErrno() throws {
        let missing = try temporaryDirectory().appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try MappedFile(path: missing)) {
            XCTAssertEqual($0 as? FormatError, .cannotOpen(path: missing, reason: String(cString: strerror(ENOENT)), errno: ENOENT))
            XCTAssertFalse("\($0)".contains("\n"))
        }
    }

    func testBoundedFileCapsTheSize() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("config.json").path
        try Data(repeating: 0x20, count: 1001).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try BoundedFile.read(path, limit: 1001).count, 1001)
        XCTAssertThrowsError(try BoundedFile.read(path, limit: 1000)) {
            XCTAssertEqual($0 as? FormatError, .fileTooLarge(path: path, bytes: 1001, limit: 1000))
        }
    }

    /// A checkpoint truncated after it was opened: every read of a tensor past the new end is a
    /// `truncated` error naming the file (before: SIGBUS on the mapped page), tensors before it still read.
    func testTensorsOfAFileTruncatedAfterOpeningAreErrorsNotSIGBUS() throws {
        for fixture in ["sf_f32/model.safetensors", "sf_f16/model.safetensors", "bin_f16/pytorch_model.bin"] {
            let dir = try temporaryDirectory()
            let path = dir.appendingPathComponent(URL(fileURLWithPath: fixture).lastPathComponent).path
            try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path)
            let ckpt = try Checkpoint.open(path)
            let expected = try ckpt.tensors.map { try ckpt.floats($0.name) }
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            XCTAssertEqual(truncate(path, off_t(size / 2)), 0)
            var failed = 0
            for (t, values) in zip(ckpt.tensors, expected) {
                do {
                    let got = try ckpt.floats(t.name)
                    XCTAssertEqual(got.map(\.bitPattern), values.map(\.bitPattern), "\(fixture) \(t.name)")
                    try ckpt.withRawBytes(t.name) { _ in }
                } catch let error as FormatError {
                    failed += 1
                    guard case let .truncated(p, detail) = error else { return XCTFail("\(error)") }
                    XCTAssertEqual(p, path)
                    XCTAssertTrue(detail.contains("the file shrank from \(size) to \(size / 2) bytes"), detail)
                }
            }
            XCTAssertGreaterThan(failed, 0, fixture)
        }
    }

    func testF16IsConvertedChunkByChunkExactly() throws {
        // More elements than one pread chunk, so the chunk boundary is crossed.
        let n = Checkpoint.chunkElements + 1000
        var halves = [UInt16](repeating: 0, count: n)
        for i in 0..<n { halves[i] = UInt16(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        let header = Data(#"{"w":{"dtype":"F16","shape":[\#(n)],"data_offsets":[0,\#(2 * n)]}}"#.utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        halves.withUnsafeBytes { file.append(contentsOf: $0) }
        let path = try temporaryDirectory().appendingPathComponent("w.safetensors").path
        try file.write(to: URL(fileURLWithPath: path))
        let values = try Checkpoint.open(path).floats("w")
        XCTAssertEqual(values.map(\.bitPattern), halves.map { DTypeConversion.float(fromHalfBits: $0).bitPattern })
    }
}
