import Foundation
import PyTrackDomain

/// Human-readable names for contract matrix names, as used in chart titles.
public enum MatrixNames {
    /// Weight matrices that have one instance per layer, in reading order.
    public static let layerRoles = Role.layerMatrices.map(\.rawValue)
    /// "Reading" weights (project from the residual stream) and "writing" ones (project into it).
    public static let reading = Role.reading.map(\.rawValue)
    public static let writing = Role.writing.map(\.rawValue)

    /// What a matrix name means, e.g. "attention QKV (fused query_key_value, rows [heads, 3, head_dim])".
    public static func describe(_ matrix: String) -> String {
        switch matrix {
        case "qkv": return "attention QKV (fused query_key_value, rows [heads, 3, head_dim])"
        case "q": return "attention Q (part 0 of the fused [heads, 3, head_dim] rows)"
        case "k": return "attention K (part 1 of the fused [heads, 3, head_dim] rows)"
        case "v": return "attention V (part 2 of the fused [heads, 3, head_dim] rows)"
        case "attn_out": return "attention output O (attention.dense)"
        case "mlp_in": return "MLP in (dense_h_to_4h)"
        case "mlp_out": return "MLP out (dense_4h_to_h)"
        case "embed_in": return "input embedding (embed_in)"
        case "embed_out": return "unembedding (embed_out)"
        case "ln1_gain": return "LayerNorm 1 gain (input_layernorm.weight)"
        case "ln1_bias": return "LayerNorm 1 bias (input_layernorm.bias)"
        case "ln2_gain": return "LayerNorm 2 gain (post_attention_layernorm.weight)"
        case "ln2_bias": return "LayerNorm 2 bias (post_attention_layernorm.bias)"
        case "final_ln_gain": return "final LayerNorm gain"
        case "final_ln_bias": return "final LayerNorm bias"
        default: return matrix
        }
    }

    /// Short label for legends: "Q", "K", "MLP in", ...
    public static func short(_ matrix: String) -> String {
        switch matrix {
        case "qkv": return "QKV"
        case "q": return "Q"
        case "k": return "K"
        case "v": return "V"
        case "attn_out": return "O (attn out)"
        case "mlp_in": return "MLP in"
        case "mlp_out": return "MLP out"
        default: return matrix
        }
    }
}
