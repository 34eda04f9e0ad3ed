/// What a GPT-NeoX tensor is. Raw values are the contract matrix names (DESIGN "Contracts");
/// `q`, `k`, `v` are slices of `qkv` (see `QKVSplit`), not tensors of their own.
public enum Role: String, Sendable, CaseIterable, Codable {
    case qkv, q, k, v
    case attnOut = "attn_out", mlpIn = "mlp_in", mlpOut = "mlp_out"
    case ln1Gain = "ln1_gain", ln1Bias = "ln1_bias", ln2Gain = "ln2_gain", ln2Bias = "ln2_bias"
    case finalLNGain = "final_ln_gain", finalLNBias = "final_ln_bias"
    case embedIn = "embed_in", embedOut = "embed_out"
    case qkvBias = "qkv_bias", attnOutBias = "attn_out_bias", mlpInBias = "mlp_in_bias", mlpOutBias = "mlp_out_bias"

    /// Whether the role is a 2-D weight matrix (as opposed to a gain or bias vector).
    public var isMatrix: Bool {
        switch self {
        case .qkv, .q, .k, .v, .attnOut, .mlpIn, .mlpOut, .embedIn, .embedOut: return true
        default: return false
        }
    }

    /// The weight matrices every layer has, in reading order (the fused qkv first).
    public static let layerMatrices: [Role] = [.qkv, .q, .k, .v, .attnOut, .mlpIn, .mlpOut]
    /// "Reading" weights project from the residual stream; "writing" ones project into it.
    public static let reading: [Role] = [.q, .k, .mlpIn]
    public static let writing: [Role] = [.attnOut, .mlpOut]
    /// Roles whose growth with depth is reported (`depth_growth_rate`), in the order the rows are made.
    public static let depthRoles: [Role] = [.q, .k, .v, .attnOut, .mlpIn, .mlpOut, .qkv]
}
