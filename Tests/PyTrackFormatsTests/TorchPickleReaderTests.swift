import Foundation
import XCTest
@testable import PyTrackFormats

/// The pickle reader's bounds on hostile nesting (issue 14, item 1).
final class TorchPickleReaderTests: XCTestCase {
    func read(_ bytes: [UInt8]) throws -> [TorchPickleReader.TensorRef] {
        try bytes.withUnsafeBytes { try TorchPickleReader.read($0, path: "data.pkl") }
    }

    func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try read(bytes)
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    /// PROTO 2, EMPTY_TUPLE, TUPLE1 x n, STOP: a tuple nested n + 1 deep.
    func nestedTuples(_ n: Int) -> [UInt8] { [0x80, 2, 0x29] + Array(repeating: 0x85, count: n) + [0x2E] }

    func testNestingIsBoundedAt64() {
        // 63 wraps make depth 64: accepted, then refused only because the top level is not a dict.
        XCTAssertEqual(message(nestedTuples(63)), "data.pkl: malformed pickle: top-level object is not a dict")
        XCTAssertEqual(message(nestedTuples(64)), "data.pkl: malformed pickle: nesting deeper than 64 at byte 66")
    }

    func testFiftyThousandNestedTuplesAreAnErrorNotACrash() {
        let start = Date()
        XCTAssertTrue(message(nestedTuples(50_000)).contains("nesting deeper than 64"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testAMillionNestedDictsAreAnErrorNotACrash() {
        let n = 1_000_000
        var bytes: [UInt8] = [0x80, 2]
        bytes.reserveCapacity(4 * n + 8)
        for _ in 0..<n { bytes += [0x7D, 0x8C, 1, 0x61] }      // EMPTY_DICT, SHORT_BINUNICODE 'a'
        bytes.append(0x7D)
        bytes += Array(repeating: 0x73, count: n)              // SETITEM x n
        bytes.append(0x2E)
        XCTAssertTrue(message(bytes).contains("nesting deeper than 64"), message(bytes))
    }

    func testADictCannotBeChangedAfterItWasNestedSoDepthStaysTrue() {
        // d = {} (memo 0); t = (d,); then d['a'] = 1 through the memo: refused.
        let bytes: [UInt8] = [0x80, 2, 0x7D, 0x71, 0, 0x85, 0x68, 0, 0x8C, 1, 0x61, 0x4B, 1, 0x73, 0x2E]
        XCTAssertEqual(message(bytes), "data.pkl: malformed pickle: dict modified after it was used at byte 13")
        // A dict holding itself (a cycle) is refused the same way.
        let cycle: [UInt8] = [0x80, 2, 0x7D, 0x71, 0, 0x8C, 1, 0x61, 0x68, 0, 0x73, 0x2E]
        XCTAssertEqual(message(cycle), "data.pkl: malformed pickle: dict modified after it was used at byte 10")
    }

    func testTheTorchStateDictOfTheFuzzCorpusStillReads() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/pickle/state_dict.pkl")
        let refs = try [UInt8](Data(contentsOf: url)).withUnsafeBytes { try TorchPickleReader.read($0, path: url.path) }
        XCTAssertEqual(refs.map(\.name), ["w"])
        XCTAssertEqual(refs.first?.shape, [2, 2])
        XCTAssertEqual(refs.first?.storage.dtype, .f32)
    }
}
