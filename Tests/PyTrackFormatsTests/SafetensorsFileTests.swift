import XCTest
@testable import PyTrackFormats

final class SafetensorsFileTests: XCTestCase {
    func testF32F16BF16MatchNumpyReferences() throws {
        for name in ["sf_f32", "sf_f16", "sf_bf16"] {
            let ckpt = try Checkpoint.open(Fixtures.path(name + "/model.safetensors"))
            XCTAssertEqual(ckpt.format, .safetensors)
            XCTAssertEqual(ckpt.tensors.count, 4 + 2 * 12)
            try Fixtures.assertMatchesReferences(ckpt, name)
        }
    }

    func testHeaderAndMetadata() throws {
        let f = try SafetensorsFile.open(Fixtures.path("sf_f16/model.safetensors"))
        XCTAssertEqual(f.metadata, ["format": "pt"])
        let qkv = try XCTUnwrap(f.tensors.first { $0.name == "gpt_neox.layers.0.attention.query_key_value.weight" })
        XCTAssertEqual(qkv.dtype, .f16)
        XCTAssertEqual(qkv.shape, [48, 16])
        XCTAssertEqual(qkv.byteCount, 48 * 16 * 2)
        XCTAssertEqual(f.tensors.reduce(0) { $0 + $1.byteCount } + 8 + Int(f.file.readLE(UInt64.self, at: 0)!), f.file.count)
    }

    func testSmallValidFileValues() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("small_valid.safetensors"))
        XCTAssertEqual(try ckpt.floats("a"), [0, 1, 2, 3])
        XCTAssertEqual(try ckpt.floats("b"), [4, 5, 6, 7])
    }

    func testMalformedFilesAreRefusedWithTheirCase() {
        let cases: [(String, (FormatError) -> Bool)] = [
            ("truncated.safetensors", { if case .truncated = $0 { return true }; return false }),
            ("truncated_header.safetensors", { if case .truncated = $0 { return true }; return false }),
            ("header_past_end.safetensors", { if case .truncated = $0 { return true }; return false }),
            ("header_length_2_63.safetensors", { if case .headerTooLarge(_, 1 << 63) = $0 { return true }; return false }),
            ("offsets_past_end.safetensors", { if case .offsetsOutOfRange(_, "b", 32, 48, 32) = $0 { return true }; return false }),
            ("overlap.safetensors", { if case .overlappingTensors(_, "a", "b") = $0 { return true }; return false }),
            ("gap.safetensors", { if case .gapInData(_, "a", 16, 24) = $0 { return true }; return false }),
            ("size_mismatch.safetensors", { if case .byteCountMismatch(_, "a", 16, 12) = $0 { return true }; return false }),
            ("unknown_dtype.safetensors", { if case .unknownDType(_, "b", "Q4_K") = $0 { return true }; return false }),
            ("non_utf8_header.safetensors", { if case .headerNotUTF8 = $0 { return true }; return false }),
            ("duplicate_names.safetensors", { if case .duplicateTensor(_, "a") = $0 { return true }; return false }),
            ("bad_json.safetensors", { if case .invalidJSON = $0 { return true }; return false }),
            ("huge_shape.safetensors", { if case .sizeOverflow(_, "a") = $0 { return true }; return false }),
        ]
        for (file, match) in cases {
            let path = Fixtures.path("malformed/" + file)
            Fixtures.assertFormatError(try SafetensorsFile.open(path), naming: path, match)
            Fixtures.assertFormatError(try Checkpoint.open(path), naming: path, match)
        }
    }

    func testMissingFile() {
        let path = Fixtures.path("does-not-exist.safetensors")
        Fixtures.assertFormatError(try SafetensorsFile.open(path), naming: path) { if case .cannotOpen = $0 { return true }; return false }
    }
}
