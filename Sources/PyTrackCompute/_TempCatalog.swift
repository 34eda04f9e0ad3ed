// TEMPORARY (not committed): stand-in until PyTrackModel's catalog lands.
import Foundation
import PyTrackFormats

struct QKVSplit {
    enum Part: Int { case q = 0, k = 1, v = 2
        init(index: Int) { self = Part(rawValue: index)! } }
    let rows: Int, cols: Int, heads: Int
    init(rows: Int, cols: Int, heads: Int) throws { self.rows = rows; self.cols = cols; self.heads = heads }
    func rows(head: Int, part: Part) -> Range<Int> { let hd = cols / heads; let s = head * 3 * hd + part.rawValue * hd; return s..<(s + hd) }
    func extract(_ part: Part, from fused: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) throws {
        let hd = cols / heads
        for h in 0..<heads { for (i, r) in rows(head: h, part: part).enumerated() { for c in 0..<cols { out[(h * hd + i) * cols + c] = fused[r * cols + c] } } }
    }
}

extension MatrixJobPlanner {
    static func jobs(checkpoint: Checkpoint, configURL: URL?) throws -> Planned {
        var heads: Int?
        if let configURL, let d = try? Data(contentsOf: configURL), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] { heads = o["num_attention_heads"] as? Int }
        let map = ["attention.query_key_value.weight": "qkv", "attention.dense.weight": "attn_out", "mlp.dense_h_to_4h.weight": "mlp_in", "mlp.dense_4h_to_h.weight": "mlp_out",
                   "input_layernorm.weight": "ln1_gain", "input_layernorm.bias": "ln1_bias", "post_attention_layernorm.weight": "ln2_gain", "post_attention_layernorm.bias": "ln2_bias",
                   "attention.query_key_value.bias": "qkv_bias", "attention.dense.bias": "attn_out_bias", "mlp.dense_h_to_4h.bias": "mlp_in_bias", "mlp.dense_4h_to_h.bias": "mlp_out_bias"]
        var entries: [Entry] = []
        for t in checkpoint.tensors {
            switch t.name {
            case "gpt_neox.embed_in.weight": entries.append(Entry(info: t, layer: nil, matrix: "embed_in"))
            case "embed_out.weight": entries.append(Entry(info: t, layer: nil, matrix: "embed_out"))
            case "gpt_neox.final_layer_norm.weight": entries.append(Entry(info: t, layer: nil, matrix: "final_ln_gain"))
            case "gpt_neox.final_layer_norm.bias": entries.append(Entry(info: t, layer: nil, matrix: "final_ln_bias"))
            default:
                let parts = t.name.split(separator: ".", maxSplits: 3)
                if parts.count == 4, parts[0] == "gpt_neox", parts[1] == "layers", let l = Int(parts[2]), let m = map[String(parts[3])] { entries.append(Entry(info: t, layer: l, matrix: m)) }
            }
        }
        return try jobs(entries: entries, heads: heads)
    }
}
