import PyTrackDomain
import PyTrackStats
import PyTrackStore

/// The step-level rows compute adds after each checkpoint (DESIGN "Across depth" and "Deduped vs standard"):
/// - `depth_growth_rate` per model, step and role: least-squares slope of ln(frobenius) on layer index
///   (layer nil, matrix = role);
/// - for each run group holding the model (`RunGroup`: from the manifest, recorded in the store; else
///   inferred from names) and each step:
///   - `dedup` comparison, when its standard and deduped runs have both computed the step, per layer and
///     matrix: `dedup_norm_ratio` (deduped frobenius / standard frobenius), `dedup_w1_spectrum`
///     (Wasserstein-1 between the sigma_i / sigma_max distributions) and `dedup_alpha_diff` (deduped
///     alpha - standard alpha); model = deduped repo, otherModel = standard repo;
///   - `seed_spread`, when at least two runs of the same data have computed the step, per layer, matrix
///     and stored metric M: `seed_min_M`, `seed_max_M` and `seed_std_M` (sample standard deviation, ddof 1)
///     over those runs' finite values; model = the group's name (`RunGroup.spreadName`).
/// Everything is read back from the store, so rows are right whichever matrices this run computed.
public enum StepDerivedMetrics {
    /// Roles whose depth growth is reported: reading (q, k, mlp_in) and writing (attn_out, mlp_out) weights,
    /// plus v and the fused qkv.
    public static let depthRoles = Role.depthRoles.map(\.rawValue)

    /// The groups `model` belongs to: recorded ones, else the one inferred from its name and `others`.
    public static func groups(of model: String, recorded: [RunGroup], others: [String] = []) -> [RunGroup] {
        let holding = recorded.filter { $0.repositories.contains(model) }
        if !holding.isEmpty { return holding }
        return RunGroup.inferred(from: Array(Set(others + [model]))).filter { $0.repositories.contains(model) }
    }

    /// Computes and stores the derived rows of (model, step); returns them. `warn` gets one line per
    /// row left NULL for a reason the user should know (non-finite weights).
    @discardableResult
    public static func update(model: String, step: Int, groups: [RunGroup], database: PyTrackDatabase,
                              warn: (String) -> Void = { _ in }) throws -> [DerivedMetric] {
        var rows = try depthGrowth(model: model, step: step, database: database, warn: warn)
        for group in groups where group.repositories.contains(model) {
            if group.comparisons.contains(.dedup), let deduped = group.deduped, let standard = group.standard,
               try isComputed(model: deduped, step: step, database: database),
               try isComputed(model: standard, step: step, database: database) {
                rows += try dedupComparison(deduped: deduped, standard: standard, step: step, database: database)
            }
            if group.comparisons.contains(.seedSpread) {
                for (data, repos) in group.seedSets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where repos.contains(model) {
                    let ready = try repos.filter { try isComputed(model: $0, step: step, database: database) }
                    if ready.count >= 2 {
                        rows += try seedSpread(name: group.spreadName(for: data), runs: ready, step: step, database: database)
                    }
                }
            }
        }
        try database.saveDerived(rows)
        return rows
    }

    /// `seed_min_*`, `seed_max_*`, `seed_std_*` rows of one step over `runs` (at least two), for every
    /// matrix all of them store and every metric any of them stores; a statistic over fewer than two
    /// finite values is NULL.
    public static func seedSpread(name: String, runs: [String], step: Int, database: PyTrackDatabase) throws -> [DerivedMetric] {
        let perRun = try runs.map { try database.allStepMetrics(model: $0, step: step) }
        guard let first = perRun.first else { return [] }
        let keys = perRun.dropFirst().reduce(Set(first.keys)) { $0.intersection($1.keys) }
        var rows: [DerivedMetric] = []
        for key in keys.sorted() {
            let metrics = Set(perRun.flatMap { $0[key]?.keys.map { $0 } ?? [] })
            for metric in metrics.sorted() {
                let values = perRun.compactMap { $0[key]?[metric] ?? nil }.filter(\.isFinite)
                let spread = SeedSpread(values)
                for (prefix, value) in [("seed_min_", spread?.min), ("seed_max_", spread?.max), ("seed_std_", spread?.std)] {
                    rows.append(DerivedMetric(model: name, step: step, layer: key.layer, matrix: key.matrix,
                                              metric: prefix + metric, value: value, version: MetricGroups.derived))
                }
            }
        }
        return rows
    }

    /// True when every matrix of (model, step) is stored with current metric versions.
    static func isComputed(model: String, step: Int, database: PyTrackDatabase) throws -> Bool {
        try database.checkpointStatus(model: model, step: step, required: MetricGroups.required).first?.computeState == .computed
    }

    /// `depth_growth_rate` rows of one model and step (roles with fewer than two layers are left out). A role
    /// with a layer holding non-finite weights (its stored norm covers the finite values only, or is NULL)
    /// gets a NULL rate and a warning instead of a slope through a partial norm.
    public static func depthGrowth(model: String, step: Int, database: PyTrackDatabase,
                                   warn: (String) -> Void = { _ in }) throws -> [DerivedMetric] {
        let norms = try database.stepMetrics(model: model, step: step, metrics: ["frobenius", "nonfinite_count"])
        var rows: [DerivedMetric] = []
        for role in depthRoles {
            let partial = norms.compactMap { key, metrics -> Int? in
                guard key.matrix == role, let layer = key.layer else { return nil }
                let nonfinite = (metrics["nonfinite_count"] ?? nil) ?? 0
                return nonfinite > 0 || (metrics["frobenius"] ?? nil) == nil ? layer : nil
            }.sorted()
            if !partial.isEmpty, norms.keys.filter({ $0.matrix == role && $0.layer != nil }).count >= 2 {
                warn("\(model) step \(step): depth_growth_rate of \(role) left NULL: layer \(partial.map(String.init).joined(separator: ", ")) has non-finite weights")
                rows.append(DerivedMetric(model: model, step: step, layer: nil, matrix: role, metric: "depth_growth_rate",
                                          value: nil, version: MetricGroups.derived))
                continue
            }
            let points = norms.compactMap { key, metrics -> (Int, Double)? in
                guard key.matrix == role, let layer = key.layer, let value = metrics["frobenius"] ?? nil else { return nil }
                return (layer, value)
            }.sorted { $0.0 < $1.0 }
            guard points.count >= 2 else { continue }
            let rate = DepthGrowth.rate(layers: points.map(\.0), norms: points.map(\.1))
            rows.append(DerivedMetric(model: model, step: step, layer: nil, matrix: role, metric: "depth_growth_rate",
                                      value: rate.isFinite ? rate : nil, version: MetricGroups.derived))
        }
        return rows
    }

    /// The deduped-vs-standard rows at one step, for every matrix both runs have.
    public static func dedupComparison(deduped: String, standard: String, step: Int, database: PyTrackDatabase) throws -> [DerivedMetric] {
        let a = try database.stepMetrics(model: deduped, step: step, metrics: ["frobenius", "alpha"])
        let b = try database.stepMetrics(model: standard, step: step, metrics: ["frobenius", "alpha"])
        let sa = try database.stepBlobs(model: deduped, step: step, kind: "singular_values")
        let sb = try database.stepBlobs(model: standard, step: step, kind: "singular_values")
        var rows: [DerivedMetric] = []
        func row(_ key: MatrixKey, _ metric: String, _ value: Double?) {
            rows.append(DerivedMetric(model: deduped, otherModel: standard, step: step, layer: key.layer, matrix: key.matrix,
                                      metric: metric, value: value.flatMap { $0.isFinite ? $0 : nil }, version: MetricGroups.derived))
        }
        for key in Set(a.keys).intersection(b.keys).sorted() {
            let ma = a[key] ?? [:], mb = b[key] ?? [:]
            if let fa = ma["frobenius"], let fb = mb["frobenius"] {
                row(key, "dedup_norm_ratio", { guard let fa, let fb, fb > 0 else { return nil }; return fa / fb }())
            }
            if let xa = ma["alpha"], let xb = mb["alpha"] {
                row(key, "dedup_alpha_diff", { guard let xa, let xb else { return nil }; return xa - xb }())
            }
            if case let .float32(va)? = sa[key]?.payload, case let .float32(vb)? = sb[key]?.payload, !va.isEmpty, !vb.isEmpty {
                row(key, "dedup_w1_spectrum", SpectrumDistance.wasserstein1Normalised(va.map(Double.init), vb.map(Double.init)))
            }
        }
        return rows
    }
}
