/// Every metric pytrack stores and exports, and every metric group with its definition version: the one
/// table MetricGroups (recomputation), the report's figure list, export validation and docs/metrics.md
/// derive from. To add a metric: add its definition here (in its group), compute it in PyTrackStats /
/// the compute worker, and bump its group's version with a line of history; the registry tests fail
/// when the engine produces a name this table lacks, lists one nothing produces, or a group's metrics
/// changed while its version did not.
public enum MetricRegistry {
    /// The groups, with their current versions.
    public static let groups: [MetricGroup] = [
        MetricGroup("moments", version: 2, scope: .matrix, history: [
            "v1: moments, tails, quantiles, non-finite count", "v2: max_abs_z centred, max_robust_z added"]),
        MetricGroup("fits", version: 3, scope: .matrix, history: [
            "v1: Gaussian and logistic MLE", "v2: Student-t MLE added", "v3: student_t_inv_df and ks_floor added"]),
        MetricGroup("spectrum", version: 1, scope: .matrix, history: ["v1: norms and ranks from all singular values"]),
        MetricGroup("mp", version: 2, scope: .matrix, history: [
            "v1: Marchenko-Pastur edges from the element std",
            "v2: the law fitted to the bulk (mp_sigma_bulk), element-std edge kept, numerical rank, NULL without full rank"]),
        MetricGroup("powerlaw", version: 2, scope: .matrix, history: [
            "v1: Clauset-Shalizi-Newman alpha on eigenvalues",
            "v2: bootstrap interval, weightwatcher's convention, NULL under 10 non-zero eigenvalues"]),
        MetricGroup("samples", version: 1, scope: .matrix, history: ["v1: singular values of seeded Gaussian/logistic samples (blobs)"]),
        MetricGroup("histogram", version: 1, scope: .matrix, history: ["v1: element histogram (blob)"]),
        MetricGroup("vector", version: 2, scope: .vector, history: [
            "v1: moments, quantiles, outliers of 1-D tensors", "v2: max_abs_z centred, max_robust_z added"]),
        MetricGroup("ov", version: 1, scope: .head, history: ["v1: Frobenius norm of each head's OV circuit"]),
        MetricGroup("derived", version: 2, scope: .step, history: [
            "v1: depth growth, dedup comparisons",
            "v2: no depth growth through non-finite weights; seed spread across runs of the same data"]),
    ]

    /// Quantile levels of the element distribution (numpy's linear interpolation).
    public static let quantileLevels = ["0.001", "0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99", "0.999"]

    /// The element-distribution metrics shared by matrices (`moments`) and vectors (`vector`).
    static func elementMetrics(group: String, scope: MetricDefinition.Scope) -> [MetricDefinition] {
        [
            MetricDefinition("mean", group: group, scope: scope, unit: "weight", "mean of the finite elements"),
            MetricDefinition("std", group: group, scope: scope, unit: "weight", "standard deviation of the finite elements (ddof 0)"),
            MetricDefinition("skewness", group: group, scope: scope, unit: "1", "skewness, scipy's biased estimator"),
            MetricDefinition("excess_kurtosis", group: group, scope: scope, unit: "1", "excess kurtosis (Fisher), scipy's biased estimator"),
            MetricDefinition("max_abs_z", group: group, scope: scope, unit: "1", "max |w - mean| / std (centred)"),
            MetricDefinition("max_robust_z", group: group, scope: scope, unit: "1", "max |w - median| / (1.4826 MAD), NULL when MAD = 0"),
            MetricDefinition("tail_frac_6sigma", group: group, scope: scope, unit: "1", "fraction of elements with |w - mean| > 6 std"),
            MetricDefinition("nonfinite_count", group: group, scope: scope, unit: "count", "NaN and infinite elements (left out of every statistic)"),
        ] + quantileLevels.map {
            MetricDefinition("quantile_\($0)", group: group, scope: scope, unit: "weight", "the \($0) quantile of the elements (numpy linear)")
        }
    }

    /// Every metric definition.
    public static let metrics: [MetricDefinition] = elementMetrics(group: "moments", scope: .matrix) + [
        MetricDefinition("gauss_mu", group: "fits", scope: .matrix, unit: "weight", "Gaussian MLE mean"),
        MetricDefinition("gauss_sigma", group: "fits", scope: .matrix, unit: "weight", "Gaussian MLE standard deviation"),
        MetricDefinition("gauss_loglik", group: "fits", scope: .matrix, unit: "nats", "mean per-element log-likelihood of the Gaussian fit"),
        MetricDefinition("gauss_ks", group: "fits", scope: .matrix, unit: "1", "Kolmogorov-Smirnov distance of the elements to the Gaussian fit"),
        MetricDefinition("logistic_mu", group: "fits", scope: .matrix, unit: "weight", "logistic MLE location (Newton on mu, s)"),
        MetricDefinition("logistic_s", group: "fits", scope: .matrix, unit: "weight", "logistic MLE scale"),
        MetricDefinition("logistic_loglik", group: "fits", scope: .matrix, unit: "nats", "mean per-element log-likelihood of the logistic fit"),
        MetricDefinition("logistic_ks", group: "fits", scope: .matrix, unit: "1", "KS distance to the logistic fit"),
        MetricDefinition("student_t_df", group: "fits", scope: .matrix, unit: "1", "Student-t MLE degrees of freedom (capped at 1000)"),
        MetricDefinition("student_t_mu", group: "fits", scope: .matrix, unit: "weight", "Student-t MLE location"),
        MetricDefinition("student_t_s", group: "fits", scope: .matrix, unit: "weight", "Student-t MLE scale"),
        MetricDefinition("student_t_loglik", group: "fits", scope: .matrix, unit: "nats", "mean per-element log-likelihood of the Student-t fit"),
        MetricDefinition("student_t_ks", group: "fits", scope: .matrix, unit: "1", "KS distance to the Student-t fit"),
        MetricDefinition("student_t_inv_df", group: "fits", scope: .matrix, unit: "1", "1 / student_t_df, 0 at the cap (the Gaussian limit)"),
        MetricDefinition("ks_floor", group: "fits", scope: .matrix, unit: "1", "Gaussian KS of a seeded same-size sample rounded to the source dtype: the storage-grid floor"),
        MetricDefinition("frobenius", group: "spectrum", scope: .matrix, unit: "weight", "Frobenius norm ||W||_F"),
        MetricDefinition("spectral_norm", group: "spectrum", scope: .matrix, unit: "weight", "largest singular value sigma_max (weightwatcher's is sigma_max^2)"),
        MetricDefinition("nuclear_norm", group: "spectrum", scope: .matrix, unit: "weight", "sum of the singular values"),
        MetricDefinition("stable_rank", group: "spectrum", scope: .matrix, unit: "1", "||W||_F^2 / sigma_max^2"),
        MetricDefinition("effective_rank", group: "spectrum", scope: .matrix, unit: "1", "exp(H(p)), p_i = sigma_i / sum(sigma) (Roy & Vetterli)"),
        MetricDefinition("mp_sigma_bulk", group: "mp", scope: .matrix, unit: "weight", "element scale of the MP law fitted to the bulk (spikes excluded, dof-corrected)"),
        MetricDefinition("mp_edge", group: "mp", scope: .matrix, unit: "weight", "MP bulk upper edge mp_sigma_bulk (sqrt(m) + sqrt(n))"),
        MetricDefinition("mp_edge_lower", group: "mp", scope: .matrix, unit: "weight", "MP bulk lower edge mp_sigma_bulk |sqrt(m) - sqrt(n)|"),
        MetricDefinition("mp_ks", group: "mp", scope: .matrix, unit: "1", "KS distance of the bulk singular values to the fitted MP law"),
        MetricDefinition("mp_spikes", group: "mp", scope: .matrix, unit: "count", "singular values above mp_edge"),
        MetricDefinition("mp_edge_elementstd", group: "mp", scope: .matrix, unit: "weight", "the version-1 edge: element std (sqrt(m) + sqrt(n))"),
        MetricDefinition("numerical_rank", group: "mp", scope: .matrix, unit: "count", "singular values above sqrt(max(m, n) eps) sigma_max"),
        MetricDefinition("alpha", group: "powerlaw", scope: .matrix, unit: "1", "power-law exponent of the eigenvalue tail (continuous MLE, Clauset xmin)"),
        MetricDefinition("alpha_xmin", group: "powerlaw", scope: .matrix, unit: "weight^2", "eigenvalue where the fitted tail starts (minimises alpha_ks)"),
        MetricDefinition("alpha_ks", group: "powerlaw", scope: .matrix, unit: "1", "KS distance of the tail to the fitted power law"),
        MetricDefinition("alpha_tail_count", group: "powerlaw", scope: .matrix, unit: "count", "eigenvalues in the fitted tail"),
        MetricDefinition("alpha_lo", group: "powerlaw", scope: .matrix, unit: "1", "5% quantile of alpha over 100 seeded bootstrap resamples (xmin chosen again)"),
        MetricDefinition("alpha_hi", group: "powerlaw", scope: .matrix, unit: "1", "95% quantile of that bootstrap"),
        MetricDefinition("alpha_ww", group: "powerlaw", scope: .matrix, unit: "1", "alpha under weightwatcher 0.7's conventions (one-sided KS xmin, tail >= 2)"),
        MetricDefinition("alpha_ww_xmin", group: "powerlaw", scope: .matrix, unit: "weight^2", "xmin of alpha_ww"),
    ] + elementMetrics(group: "vector", scope: .vector) + [
        MetricDefinition("frobenius", group: "vector", scope: .vector, unit: "weight", "Euclidean norm of the vector"),
        MetricDefinition("outlier_count", group: "vector", scope: .vector, unit: "count", "dimensions with |z| > 5 (indices in the outliers blob)"),
        MetricDefinition("frobenius", group: "ov", scope: .head, unit: "weight^2", "||W_O^h W_V^h||_F, the d x d OV circuit of head h"),
        MetricDefinition("depth_growth_rate", group: "derived", scope: .step, unit: "1/layer", "slope of ln ||W||_F on layer index, per role (matrix = role)"),
        MetricDefinition("dedup_norm_ratio", group: "derived", scope: .runComparison, unit: "1", "deduped frobenius / standard frobenius"),
        MetricDefinition("dedup_w1_spectrum", group: "derived", scope: .runComparison, unit: "1", "Wasserstein-1 between the sigma_i / sigma_max distributions"),
        MetricDefinition("dedup_alpha_diff", group: "derived", scope: .runComparison, unit: "1", "deduped alpha - standard alpha"),
        MetricDefinition("seed_min_", group: "derived", scope: .runSpread, unit: "as M", "seed_min_M: minimum of metric M over the runs of the same data"),
        MetricDefinition("seed_max_", group: "derived", scope: .runSpread, unit: "as M", "seed_max_M: maximum of M over those runs"),
        MetricDefinition("seed_std_", group: "derived", scope: .runSpread, unit: "as M", "seed_std_M: sample standard deviation (ddof 1) of M over those runs"),
    ]

    /// The group named `name`.
    public static func group(_ name: String) -> MetricGroup? { groups.first { $0.name == name } }

    /// The current versions of the groups of one scope, as MetricGroups hands them to the store.
    public static func versions(scope: MetricDefinition.Scope) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: groups.filter { $0.scope == scope }.map { ($0.name, $0.version) })
    }

    /// The definitions of one scope.
    public static func metrics(scope: MetricDefinition.Scope) -> [MetricDefinition] { metrics.filter { $0.scope == scope } }

    /// True when `name` is an exported metric name of any scope (a `seed_*_M` row counts when M does).
    public static func isKnown(_ name: String) -> Bool {
        for spread in metrics(scope: .runSpread) where name.hasPrefix(spread.name) {
            return isKnown(String(name.dropFirst(spread.name.count)))
        }
        return metrics.contains { $0.name == name && $0.scope != .runSpread }
    }
}
