import XCTest
@testable import PyTrackFormats

final class TorchCheckpointFileTests: XCTestCase {
    func testFP16BinWithBuffersMatchesReferences() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("bin_f16/pytorch_model.bin"))
        XCTAssertEqual(ckpt.format, .pytorch)
        try Fixtures.assertMatchesReferences(ckpt, "bin_f16")
        let mask = try XCTUnwrap(ckpt.info("gpt_neox.layers.0.attention.bias"))
        XCTAssertEqual(mask.dtype, .u8)
        XCTAssertEqual(mask.shape, [1, 1, 32, 32])
        let masked = try XCTUnwrap(ckpt.info("gpt_neox.layers.1.attention.masked_bias"))
        XCTAssertEqual(masked.shape, [])
        XCTAssertEqual(masked.elementCount, 1)
        // State-dict order is kept.
        XCTAssertEqual(ckpt.tensors.first?.name, "gpt_neox.embed_in.weight")
        XCTAssertEqual(ckpt.tensors.last?.name, "embed_out.weight")
    }

    func testViewsSharingAStorageAndOtherDTypes() throws {
        let ckpt = try Checkpoint.open(Fixtures.path("views.bin"))
        XCTAssertEqual(try ckpt.floats("m"), (0..<12).map(Float.init))
        XCTAssertEqual(ckpt.info("row2")?.shape, [4])
        XCTAssertEqual(try ckpt.floats("row2"), [8, 9, 10, 11])
        XCTAssertEqual(ckpt.info("mixed_bf16")?.dtype, .bf16)
        XCTAssertEqual(try ckpt.floats("mixed_bf16"), [0, 1, 2, 3, 4])
        XCTAssertEqual(ckpt.info("flags")?.dtype, .bool)
        XCTAssertEqual(try ckpt.floats("flags"), [1, 0, 1])
        XCTAssertEqual(ckpt.info("ids")?.dtype, .i64)
        XCTAssertEqual(try ckpt.floats("ids"), [0, 1, 2])
        try ckpt.withRawBytes("row2") { raw in
            XCTAssertEqual(raw.count, 16)
            XCTAssertEqual(raw.loadUnaligned(as: Float.self), 8)
        }
    }

    /// The same archive rewritten with zip64 records (as torch writes archives over 4 GiB);
    /// make_fixtures.py checked that Python's zipfile and torch.load accept it.
    func testZip64ArchiveReadsLikeTheOriginal() throws {
        let plain = try Checkpoint.open(Fixtures.path("views.bin"))
        let z64 = try Checkpoint.open(Fixtures.path("views_zip64.bin"))
        XCTAssertEqual(z64.tensors.map(\.name), plain.tensors.map(\.name))
        for t in plain.tensors {
            XCTAssertEqual(z64.info(t.name)?.shape, t.shape)
            XCTAssertEqual(try z64.floats(t.name), try plain.floats(t.name), t.name)
        }
        let a = try ZipDirectory(file: MappedFile(path: Fixtures.path("views.bin")))
        let b = try ZipDirectory(file: MappedFile(path: Fixtures.path("views_zip64.bin")))
        XCTAssertEqual(a.entries.map(\.name), b.entries.map(\.name))
        XCTAssertEqual(a.entries.map(\.size), b.entries.map(\.size))
    }

    func testStrictPickleAndArchiveErrors() {
        let cases: [(String, (FormatError) -> Bool)] = [
            ("malformed/pickle_os_system.bin", { if case .pickleGlobal(_, "os", "system") = $0 { return true }; return false }),
            ("malformed/pickle_builtins_eval.bin", { if case .pickleGlobal(_, "builtins", "eval") = $0 { return true }; return false }),
            ("malformed/missing_data_pkl.bin", { if case .missingEntry = $0 { return true }; return false }),
            ("malformed/truncated.bin", { if case .notZip = $0 { return true }; return false }),
            ("malformed/legacy.bin", { if case .legacyTorchFormat = $0 { return true }; return false }),
            ("noncontiguous.bin", { if case .nonContiguous(_, "t") = $0 { return true }; return false }),
        ]
        for (file, match) in cases {
            let path = Fixtures.path(file)
            Fixtures.assertFormatError(try TorchCheckpointFile.open(path), naming: path, match)
            Fixtures.assertFormatError(try Checkpoint.open(path), naming: path, match)
        }
    }

    func testPickleRefusesUnknownOpcodesWithoutRunningAnything() throws {
        // PROTO 2, EMPTY_LIST (']' is not in the state-dict subset), STOP.
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]
        try bytes.withUnsafeBytes { raw in
            Fixtures.assertFormatError(try TorchPickleReader.read(raw, path: "x/data.pkl"), naming: "x/data.pkl") {
                if case .pickleOpcode(_, 0x5D, 2) = $0 { return true }; return false
            }
        }
        // Truncated mid-string.
        let cut: [UInt8] = [0x80, 0x02, 0x58, 0x10, 0x00, 0x00, 0x00, 0x61]
        try cut.withUnsafeBytes { raw in
            Fixtures.assertFormatError(try TorchPickleReader.read(raw, path: "y/data.pkl"), naming: "y/data.pkl") {
                if case .pickleMalformed = $0 { return true }; return false
            }
        }
    }

    func testZipDirectoryOffsetsPointAtStoredData() throws {
        let file = try MappedFile(path: Fixtures.path("views.bin"))
        let zip = try ZipDirectory(file: file)
        let pkl = try XCTUnwrap(zip.entries.first { $0.name.hasSuffix("/data.pkl") })
        XCTAssertEqual(pkl.method, 0)
        // A protocol-2 pickle starts with PROTO 2 and ends with STOP.
        XCTAssertEqual(file.bytes[pkl.dataOffset], 0x80)
        XCTAssertEqual(file.bytes[pkl.dataOffset + 1], 0x02)
        XCTAssertEqual(file.bytes[pkl.dataOffset + pkl.size - 1], 0x2E)
    }
}
