import Foundation
import XCTest
@testable import PyTrackFormats

final class CheckpointTests: XCTestCase {
    func testDirectoriesAndShardedCheckpoints() throws {
        let expected: [(String, CheckpointFormat)] = [
            ("sf_f32", .safetensors), ("sf_sharded", .safetensorsSharded),
            ("bin_f16", .pytorch), ("bin_sharded", .pytorchSharded),
        ]
        for (dir, format) in expected {
            let ckpt = try Checkpoint.open(Fixtures.path(dir))
            XCTAssertEqual(ckpt.format, format, dir)
            try Fixtures.assertMatchesReferences(ckpt, dir)
        }
        let sharded = try Checkpoint.open(Fixtures.path("sf_sharded"))
        XCTAssertEqual(Set(sharded.tensors.map { URL(fileURLWithPath: $0.sourceFile).lastPathComponent }),
                       ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
    }

    func testSafetensorsPreferredOverBin() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("both"))
        XCTAssertEqual(ckpt.format, .safetensors)
        XCTAssertEqual(ckpt.tensors.first?.dtype, .f16)
    }

    func testShardEscapeAndEmptyDirectoryRefused() throws {
        let index = Fixtures.path("malformed/shard_escape/model.safetensors.index.json")
        Fixtures.assertFormatError(try Checkpoint.open(Fixtures.path("malformed/shard_escape")), naming: index) {
            if case .unsafeShardPath(_, "../small.safetensors") = $0 { return true }; return false
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-empty-\(getpid())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        Fixtures.assertFormatError(try Checkpoint.open(empty.path), naming: empty.path) {
            if case .noCheckpoint = $0 { return true }; return false
        }
        XCTAssertFalse(ShardIndex.isSafe("/etc/passwd"))
        XCTAssertFalse(ShardIndex.isSafe("a/../../b"))
        XCTAssertTrue(ShardIndex.isSafe("model-00001-of-00002.safetensors"))
    }

    func testBufferAPIsAgreeAndCheckSizes() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("sf_bf16"))
        let name = "gpt_neox.layers.1.mlp.dense_4h_to_h.weight"
        let a = try ckpt.floats(name)
        let b = try ckpt.withFloats(name) { Array($0) }
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        let f32 = try Checkpoint.open(Fixtures.path("sf_f32"))
        try f32.withFloats(name) { buf in XCTAssertEqual(buf.count, 16 * 64) }
        var small = [Float](repeating: 0, count: 3)
        let path = ckpt.tensors[0].sourceFile
        try small.withUnsafeMutableBufferPointer { buf in
            Fixtures.assertFormatError(try ckpt.readFloats(name, into: buf), naming: path) {
                if case .bufferSize(_, _, 1024, 3) = $0 { return true }; return false
            }
        }
        Fixtures.assertFormatError(try ckpt.floats("nope"), naming: Fixtures.path("sf_bf16")) {
            if case .unknownTensor(_, "nope") = $0 { return true }; return false
        }
    }

    func testConcurrentReadsGiveTheSameValues() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("bin_sharded"))
        let names = ckpt.tensors.map(\.name)
        let serial = try names.map { try ckpt.floats($0).map(\.bitPattern) }
        let results = Results(count: names.count * 8)
        DispatchQueue.concurrentPerform(iterations: names.count * 8) { i in
            results.set(i, try? ckpt.floats(names[i % names.count]).map(\.bitPattern))
        }
        for i in 0..<(names.count * 8) { XCTAssertEqual(results.get(i), serial[i % names.count]) }
    }
}

/// One slot per concurrent read, written under a lock (NSLock: ThreadSanitizer does not see
/// Synchronization.Mutex's futex and reports its accesses as races).
private final class Results: @unchecked Sendable {  // `slots` is guarded by `lock`
    private let lock = NSLock()
    private var slots: [[UInt32]?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: [UInt32]?) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> [UInt32]? { lock.withLock { slots[i] } }
}
