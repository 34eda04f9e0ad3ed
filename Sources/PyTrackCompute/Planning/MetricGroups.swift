/// The metric groups compute stores per matrix, each with the version of its definition. A stored
/// (model, step, matrix) whose groups are all at least as new as these is never computed again; bumping a
/// version here makes the next `pytrack compute` recompute exactly the matrices that carry that group.
public enum MetricGroups {
    /// Weight matrices (qkv, q, k, v, attn_out, mlp_in, mlp_out, embed_in, embed_out).
    public static let matrix: [String: Int] = [
        // mean, std, skewness, excess_kurtosis, max_abs_z, max_robust_z, tail_frac_6sigma, quantiles,
        // nonfinite_count (v2: max_abs_z centred, max_robust_z added)
        "moments": 2,
        // gauss_*, logistic_*, student_t_*, student_t_inv_df, ks_floor (v2: Student-t fit; v3: 1/df, ks_floor)
        "fits": 3,
        "spectrum": 1,   // frobenius, spectral/nuclear norm, stable/effective rank, singular_values blob
        // mp_sigma_bulk, mp_edge, mp_edge_lower, mp_ks, mp_spikes, mp_edge_elementstd, numerical_rank
        // (v2: the law is fitted to the bulk, not to the element std; NULL without full numerical rank)
        "mp": 2,
        // alpha, alpha_xmin, alpha_ks, alpha_tail_count, alpha_lo, alpha_hi, alpha_ww, alpha_ww_xmin
        // (v2: bootstrap interval, weightwatcher's convention, NULL with under 10 non-zero eigenvalues)
        "powerlaw": 2,
        "samples": 1,    // gauss_sample_sv, logistic_sample_sv blobs
        "histogram": 1,  // histogram blob
    ]
    /// Per-head OV circuits (`ov_head<h>`): frobenius only.
    public static let ov: [String: Int] = ["ov": 1]
    /// LayerNorm gains/biases and other 1-D tensors: moments, quantiles, histogram, values, outliers.
    /// (v2: max_abs_z centred, max_robust_z added.)
    public static let vector: [String: Int] = ["vector": 2]
    /// Version of the derived rows (dedup comparisons, depth growth; v2: no depth growth through
    /// non-finite weights).
    public static let derived = 2

    /// True when `stored` holds every group of `required` at the same or a newer version.
    public static func isCurrent(stored: [String: Int]?, required: [String: Int]) -> Bool {
        guard let stored else { return false }
        return required.allSatisfy { group, version in (stored[group] ?? Int.min) >= version }
    }
}
