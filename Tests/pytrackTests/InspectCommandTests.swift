import Foundation
import PyTrackTestSupport
import XCTest

/// Runs the built `pytrack` binary (`inspect`) on committed fixtures.
final class InspectCommandTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/checkpoints")

    private func run(_ args: [String]) throws -> PytrackCommand.Result {
        try PytrackCommand.run(args)
    }

    private func inspectJSON(_ relative: String) throws -> [String: Any] {
        let r = try run(["inspect", Self.fixtures.appendingPathComponent(relative).path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Tensors from `references.json` (written by numpy/torch) for a fixture checkpoint.
    private func referenceTensors(_ checkpoint: String) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("references.json"))
        let refs = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ck = try XCTUnwrap((refs["checkpoints"] as? [String: Any])?[checkpoint] as? [String: Any])
        return try XCTUnwrap(ck["tensors"] as? [String: [String: Any]])
    }

    private func check(_ relative: String, reference: String, format: String, dtype: String) throws {
        let j = try inspectJSON(relative)
        XCTAssertEqual(j["format"] as? String, format)
        let tensors = try XCTUnwrap(j["tensors"] as? [[String: Any]])
        let refs = try referenceTensors(reference)
        XCTAssertEqual(Set(tensors.compactMap { $0["name"] as? String }), Set(refs.keys))
        for t in tensors {
            let name = try XCTUnwrap(t["name"] as? String)
            XCTAssertEqual(t["shape"] as? [Int], refs[name]?["shape"] as? [Int], name)
            if name.hasSuffix("attention.bias") { XCTAssertEqual(t["dtype"] as? String, "U8") } else {
                XCTAssertEqual(t["dtype"] as? String, dtype, name)
            }
        }
        let arch = try XCTUnwrap(j["architecture"] as? [String: Any])
        XCTAssertEqual(arch["layers"] as? Int, 2)
        XCTAssertEqual(arch["d_model"] as? Int, 16)
        XCTAssertEqual(arch["heads"] as? Int, 4)
        XCTAssertEqual(arch["d_mlp"] as? Int, 64)
        XCTAssertEqual(arch["vocab"] as? Int, 50)
        let catalog = try XCTUnwrap(j["catalog"] as? [[String: Any]])
        XCTAssertEqual(catalog.count, 28)
        let qkv = try XCTUnwrap(catalog.first { $0["tensor"] as? String == "gpt_neox.layers.1.attention.query_key_value.weight" })
        XCTAssertEqual(qkv["layer"] as? Int, 1)
        XCTAssertEqual(qkv["matrix"] as? String, "qkv")
        let embed = try XCTUnwrap(catalog.first { $0["matrix"] as? String == "embed_in" })
        XCTAssertTrue(embed["layer"] is NSNull)
    }

    func testInspectSafetensorsFile() throws {
        try check("sf_bf16/model.safetensors", reference: "sf_bf16", format: "safetensors", dtype: "BF16")
    }

    func testInspectBinDirectory() throws {
        try check("bin_f16", reference: "bin_f16", format: "pytorch", dtype: "F16")
        let j = try inspectJSON("bin_f16")
        XCTAssertEqual((j["skipped"] as? [String])?.count, 6)
    }

    func testInspectTextOutput() throws {
        let r = try run(["inspect", Self.fixtures.appendingPathComponent("sf_sharded").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("format: safetensors-sharded"), r.stdout)
        XCTAssertTrue(r.stdout.contains("layers 2, d_model 16, heads 4, d_mlp 64, vocab 50"), r.stdout)
        XCTAssertTrue(r.stdout.contains("layer 1 mlp_out"), r.stdout)
    }

    func testInspectMalformedFileFailsWithOneLineNamingIt() throws {
        for file in ["malformed/overlap.safetensors", "malformed/pickle_os_system.bin"] {
            let path = Self.fixtures.appendingPathComponent(file).path
            let r = try run(["inspect", path])
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.stdout, "")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("pytrack: error: "), r.stderr)
            XCTAssertTrue(r.stderr.contains(path), r.stderr)
        }
    }

    func testInspectUsageErrorExitsTwo() throws {
        XCTAssertEqual(try run(["inspect"]).status, 2)
        let help = try run(["inspect", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Example:"), help.stdout)
    }
}
