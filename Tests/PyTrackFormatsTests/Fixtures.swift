import Foundation
import XCTest
@testable import PyTrackFormats

/// Paths of the committed fixtures (Tests/Fixtures/checkpoints) and their numpy references.
enum Fixtures {
    static let checkpoints = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/checkpoints")

    static func path(_ relative: String) -> String { checkpoints.appendingPathComponent(relative).path }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: checkpoints.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// references.json["checkpoints"][name]["tensors"]
    static func tensorReferences(_ checkpoint: String) throws -> [String: [String: Any]] {
        let all = try XCTUnwrap(try json("references.json")["checkpoints"] as? [String: Any])
        let ck = try XCTUnwrap(all[checkpoint] as? [String: Any])
        return try XCTUnwrap(ck["tensors"] as? [String: [String: Any]])
    }

    static let torchDTypes: [String: DType] = [
        "float16": .f16, "bfloat16": .bf16, "float32": .f32, "float64": .f64, "uint8": .u8,
        "int8": .i8, "int16": .i16, "int32": .i32, "int64": .i64, "bool": .bool,
    ]

    /// Checks every tensor of `ckpt` against the numpy reference values of `checkpoint`.
    static func assertMatchesReferences(_ ckpt: Checkpoint, _ checkpoint: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let refs = try tensorReferences(checkpoint)
        XCTAssertEqual(Set(ckpt.tensors.map(\.name)), Set(refs.keys), file: file, line: line)
        for t in ckpt.tensors {
            let ref = try XCTUnwrap(refs[t.name], file: file, line: line)
            XCTAssertEqual(t.dtype, torchDTypes[ref["dtype"] as? String ?? ""], t.name, file: file, line: line)
            XCTAssertEqual(t.shape, ref["shape"] as? [Int], t.name, file: file, line: line)
            let values = try ckpt.floats(t.name)
            XCTAssertEqual(values.count, ref["numel"] as? Int, t.name, file: file, line: line)
            var sum = 0.0, squares = 0.0, nonFinite = 0
            for v in values {
                if v.isFinite { sum += Double(v); squares += Double(v) * Double(v) } else { nonFinite += 1 }
            }
            let refSum = try XCTUnwrap(ref["finite_sum"] as? Double), refSq = try XCTUnwrap(ref["finite_sum_squares"] as? Double)
            XCTAssertEqual(sum, refSum, accuracy: 1e-9 * max(1, abs(refSq)), t.name, file: file, line: line)
            XCTAssertEqual(squares, refSq, accuracy: 1e-9 * max(1, refSq), t.name, file: file, line: line)
            XCTAssertEqual(nonFinite, ref["nonfinite_count"] as? Int, t.name, file: file, line: line)
            if let first = values.first, let last = values.last {
                XCTAssertEqual(Int(first.bitPattern), ref["first_bits"] as? Int, t.name, file: file, line: line)
                XCTAssertEqual(Int(last.bitPattern), ref["last_bits"] as? Int, t.name, file: file, line: line)
            }
        }
    }

    /// Asserts that `body` throws a FormatError satisfying `match`, whose one-line description names `file`.
    static func assertFormatError<T>(_ body: @autoclosure () throws -> T, naming file: String,
                                     _ match: (FormatError) -> Bool,
                                     sourceFile: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("no error for \(file)", file: sourceFile, line: line)
        } catch let e as FormatError {
            XCTAssertTrue(match(e), "unexpected case: \(e)", file: sourceFile, line: line)
            XCTAssertTrue(e.description.contains(file), "description does not name \(file): \(e)", file: sourceFile, line: line)
            XCTAssertFalse(e.description.contains("\n"), "multi-line description: \(e)", file: sourceFile, line: line)
        } catch {
            XCTFail("not a FormatError: \(error)", file: sourceFile, line: line)
        }
    }
}
