import PyTrackDomain
import Foundation
import XCTest
import PyTrackFormats
@testable import PyTrackModel

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/checkpoints")

private func references() throws -> [String: Any] {
    let data = try Data(contentsOf: fixtures.appendingPathComponent("references.json"))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

final class GPTNeoXConfigTests: XCTestCase {
    func testConfigJSONAndInferenceAgree() throws {
        let model = try XCTUnwrap(try references()["model"] as? [String: Int])
        let dir = fixtures.appendingPathComponent("bin_f16").path
        let ckpt = try Checkpoint.open(dir)
        let catalog = ModelCatalog(tensors: ckpt.tensors)
        let fromJSON = try GPTNeoXConfig.forCheckpoint(at: dir, catalog: catalog)
        XCTAssertEqual(fromJSON.source, .configJSON)
        XCTAssertEqual([fromJSON.layers, fromJSON.dModel, fromJSON.heads, fromJSON.dMLP, fromJSON.vocab],
                       [model["layers"], model["d_model"], model["heads"], model["d_mlp"], model["vocab"]])
        XCTAssertEqual(fromJSON.useParallelResidual, true)
        XCTAssertEqual(fromJSON.rotaryPct, 0.25)
        XCTAssertEqual(fromJSON.headDim, 4)

        let inferred = try GPTNeoXConfig.infer(from: catalog, path: dir)
        XCTAssertEqual(inferred.source, .inferred)
        XCTAssertEqual([inferred.layers, inferred.dModel, inferred.dMLP, inferred.vocab],
                       [model["layers"], model["d_model"], model["d_mlp"], model["vocab"]])
        XCTAssertNil(inferred.heads)
        XCTAssertNotNil(inferred.headsUnknownReason)
    }

    func testBadConfigsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-config-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, ModelError)] = [
            (#"{"hidden_size": 16, "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 50}"#,
             .configField(path: "", field: "intermediate_size", problem: "is missing")),
            (#"{"hidden_size": 16, "num_attention_heads": 5, "num_hidden_layers": 2, "intermediate_size": 64, "vocab_size": 50}"#,
             .configField(path: "", field: "num_attention_heads", problem: "(5) does not divide hidden_size (16)")),
            ("[1]", .configUnreadable(path: "", reason: "not a JSON object")),
        ]
        for (k, (text, expected)) in cases.enumerated() {
            let p = dir.appendingPathComponent("c\(k).json").path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try GPTNeoXConfig.load(configPath: p)) { e in
                let err = e as? ModelError
                XCTAssertTrue(err?.description.contains(p) ?? false, "\(e)")
                switch (err, expected) {
                case let (.configField(_, f, pr)?, .configField(_, ef, epr)): XCTAssertEqual([f, pr], [ef, epr])
                case (.configUnreadable?, .configUnreadable): break
                default: XCTFail("unexpected \(e)")
                }
            }
        }
    }
}

final class GPTNeoXConfigFieldTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-config-fields-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func load(_ fields: String) throws -> GPTNeoXConfig {
        let p = dir.appendingPathComponent("config.json").path
        try "{\(fields)}".write(toFile: p, atomically: true, encoding: .utf8)
        return try GPTNeoXConfig.load(configPath: p)
    }

    static let base = #""hidden_size": 16, "intermediate_size": 64, "vocab_size": 50"#

    /// JSON 1 and 0 are numbers, true and false are not (Foundation's NSNumber casts both ways on Linux).
    func testOneIsANumberAndBooleansAreNot() throws {
        let one = try load(Self.base + #", "num_hidden_layers": 1, "num_attention_heads": 1"#)
        XCTAssertEqual(one.layers, 1)
        XCTAssertEqual(one.heads, 1)
        XCTAssertEqual(one.headDim, 16)
        for bad in ["0", "true", "false", "-2", "2.5", "\"2\"", "null"] {
            XCTAssertThrowsError(try load(Self.base + #", "num_attention_heads": 4, "num_hidden_layers": "# + bad), bad) { e in
                XCTAssertEqual(e as? ModelError, .configField(path: dir.appendingPathComponent("config.json").path,
                                                              field: "num_hidden_layers", problem: "is not a positive integer"), bad)
            }
        }
        let flags = try load(Self.base + #", "num_hidden_layers": 2, "num_attention_heads": 4, "use_parallel_residual": false"#)
        XCTAssertEqual(flags.useParallelResidual, false)
        let numeric = try load(Self.base + #", "num_hidden_layers": 2, "num_attention_heads": 4, "use_parallel_residual": 1"#)
        XCTAssertNil(numeric.useParallelResidual, "1 is not a JSON boolean")
    }

    func testRotaryFractionFromEveryTransformersVersion() throws {
        let common = Self.base + #", "num_hidden_layers": 2, "num_attention_heads": 4"#
        XCTAssertEqual(try load(common + #", "rotary_pct": 0.25"#).rotaryPct, 0.25)
        XCTAssertEqual(try load(common + #", "rope_parameters": {"rope_type": "default", "rope_theta": 10000, "partial_rotary_factor": 0.5}"#).rotaryPct, 0.5)
        XCTAssertEqual(try load(common + #", "partial_rotary_factor": 1"#).rotaryPct, 1)
        XCTAssertEqual(try load(common + #", "rotary_pct": 0.25, "rope_parameters": {"partial_rotary_factor": 0.5}"#).rotaryPct, 0.25)
        XCTAssertNil(try load(common).rotaryPct)
    }

    func testMalformedJSONIsOneLineNamingTheFile() throws {
        for text in [#""hidden_size": 16, "hidden_size": 32"#, #""a": [1,"#] {
            XCTAssertThrowsError(try load(text)) { e in
                XCTAssertTrue("\(e)".contains("config.json: cannot read config"), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
    }
}

final class ModelCatalogTests: XCTestCase {
    func testNamesEveryTensorAndSkipsBuffers() throws {
        let ckpt = try Checkpoint.open(fixtures.appendingPathComponent("bin_f16").path)
        let c = ModelCatalog(tensors: ckpt.tensors)
        XCTAssertEqual(c.entries.count, 4 + 2 * 12)
        XCTAssertEqual(c.skipped.count, 2 * 3)
        XCTAssertTrue(c.skipped.contains("gpt_neox.layers.1.attention.rotary_emb.inv_freq"))
        XCTAssertEqual(c.unknown, [])
        XCTAssertEqual(c.layerCount, 2)
        XCTAssertEqual(c.entries.first?.matrix, .embedIn)
        XCTAssertEqual(c.entries.last?.matrix, .embedOut)
        let expected: [(String, Int?, Role)] = [
            ("gpt_neox.layers.1.attention.query_key_value.weight", 1, .qkv),
            ("gpt_neox.layers.0.attention.query_key_value.bias", 0, .qkvBias),
            ("gpt_neox.layers.0.attention.dense.weight", 0, .attnOut),
            ("gpt_neox.layers.1.mlp.dense_h_to_4h.weight", 1, .mlpIn),
            ("gpt_neox.layers.1.mlp.dense_4h_to_h.weight", 1, .mlpOut),
            ("gpt_neox.layers.0.input_layernorm.weight", 0, .ln1Gain),
            ("gpt_neox.layers.0.post_attention_layernorm.bias", 0, .ln2Bias),
            ("gpt_neox.final_layer_norm.weight", nil, .finalLNGain),
            ("embed_out.weight", nil, .embedOut),
        ]
        for (name, layer, role) in expected {
            let e = try XCTUnwrap(c.entries.first { $0.tensor == name }, name)
            XCTAssertEqual(e.layer, layer, name)
            XCTAssertEqual(e.matrix, role, name)
            XCTAssertEqual(c.entry(layer: layer, matrix: role)?.tensor, name)
        }
        // Contract names (DESIGN "Contracts") are the raw values.
        XCTAssertEqual(Role.allCases.prefix(15).map(\.rawValue),
                       ["qkv", "q", "k", "v", "attn_out", "mlp_in", "mlp_out", "ln1_gain", "ln1_bias",
                        "ln2_gain", "ln2_bias", "final_ln_gain", "final_ln_bias", "embed_in", "embed_out"])
    }

    func testUnknownTensorsAreListedNotFatal() {
        let t = { (n: String) in TensorInfo(name: n, dtype: .f32, shape: [2], byteCount: 8, sourceFile: "x") }
        let c = ModelCatalog(tensors: [t("gpt_neox.layers.0.attention.dense.weight"), t("lm_head.weight"),
                                       t("gpt_neox.layers.x.mlp.dense_h_to_4h.weight"), t("gpt_neox.layers.3.adapter.weight")])
        XCTAssertEqual(c.entries.map(\.tensor), ["gpt_neox.layers.0.attention.dense.weight"])
        XCTAssertEqual(c.unknown, ["lm_head.weight", "gpt_neox.layers.x.mlp.dense_h_to_4h.weight", "gpt_neox.layers.3.adapter.weight"])
    }
}

final class QKVSplitTests: XCTestCase {
    func testMatchesNumpySlicing() throws {
        let ref = try XCTUnwrap(try references()["qkv_split"] as? [String: Any])
        let ckpt = try Checkpoint.open(fixtures.appendingPathComponent(try XCTUnwrap(ref["checkpoint"] as? String)).path)
        let fused = try ckpt.floats(try XCTUnwrap(ref["tensor"] as? String))
        let split = try QKVSplit(heads: try XCTUnwrap(ref["heads"] as? Int), dModel: 16)
        for part in QKVPart.allCases {
            let expected = try XCTUnwrap(ref[part.role.rawValue] as? [Double]).map(Float.init)
            XCTAssertEqual(try split.extract(part, from: fused), expected, "\(part)")
        }
        // Splitting by thirds gives something else (the layout is per head).
        XCTAssertNotEqual(Array(fused[0..<256]), try split.extract(.q, from: fused))
    }

    func testRowRangesAndBias() throws {
        let s = try QKVSplit(heads: 4, dModel: 16)
        XCTAssertEqual(s.rows(head: 0, part: .q), 0..<4)
        XCTAssertEqual(s.rows(head: 0, part: .v), 8..<12)
        XCTAssertEqual(s.rows(head: 3, part: .k), 40..<44)
        for r in 0..<48 {
            let (h, p) = s.location(ofRow: r)
            XCTAssertTrue(s.rows(head: h, part: p).contains(r))
        }
        let bias = (0..<48).map(Float.init)
        XCTAssertEqual(try s.extract(.k, from: bias), [4, 5, 6, 7, 16, 17, 18, 19, 28, 29, 30, 31, 40, 41, 42, 43])
        XCTAssertThrowsError(try QKVSplit(heads: 5, dModel: 16))
        XCTAssertThrowsError(try s.extract(.q, from: [Float](repeating: 0, count: 47)))
    }
}
