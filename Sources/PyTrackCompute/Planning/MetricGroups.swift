import PyTrackStore

/// The metric groups compute stores per matrix, each with the version of its definition. A stored
/// (model, step, matrix) whose groups are all at least as new as these is never computed again; bumping a
/// version here makes the next `pytrack compute` recompute exactly the matrices that carry that group.
public enum MetricGroups {
    /// Weight matrices (qkv, q, k, v, attn_out, mlp_in, mlp_out, embed_in, embed_out).
    public static let matrix: [String: Int] = [
        "moments": 1,    // mean, std, skewness, excess_kurtosis, max_abs_z, tail_frac_6sigma, quantiles, nonfinite_count
        "fits": 2,       // gauss_*, logistic_*, student_t_* (v2: Student-t fit added)
        "spectrum": 1,   // frobenius, spectral/nuclear norm, stable/effective rank, singular_values blob
        "mp": 1,         // mp_edge, mp_edge_lower, mp_ks, mp_spikes
        "powerlaw": 1,   // alpha, alpha_xmin, alpha_ks
        "samples": 1,    // gauss_sample_sv, logistic_sample_sv blobs
        "histogram": 1,  // histogram blob
    ]
    /// Per-head OV circuits (`ov_head<h>`): frobenius only.
    public static let ov: [String: Int] = ["ov": 1]
    /// LayerNorm gains/biases and other 1-D tensors: moments, quantiles, histogram, values, outliers.
    public static let vector: [String: Int] = ["vector": 1]
    /// Version of the derived rows (dedup comparisons, depth growth).
    public static let derived = 1

    /// Every kind's groups, as the store's status query takes them.
    public static var required: RequiredGroups { ["matrix": matrix, "ov": ov, "vector": vector] }

    /// True when `stored` holds every group of `required` at the same or a newer version.
    public static func isCurrent(stored: [String: Int]?, required: [String: Int]) -> Bool {
        guard let stored else { return false }
        return required.allSatisfy { group, version in (stored[group] ?? Int.min) >= version }
    }
}
