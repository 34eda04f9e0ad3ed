import Foundation
import PyTrackDomain
import PyTrackReport
import PyTrackStats
import PyTrackStore

/// Fills a database through the public store API with synthetic rows shaped like a Pythia pair
/// (standard + deduped): every contract metric, all singular values (drawn from Marchenko-Pastur
/// quantiles plus a heavy tail that grows with training), Gaussian/logistic sample spectra, LayerNorm
/// vectors with persistent outlier dimensions, and the derived depth and dedup rows. Models are flagged
/// is_demo, as synthetic data must be.
struct SyntheticStore {
    var base = "EleutherAI/pythia-synthetic"
    var layers = 4
    var dModel = 32
    var heads = 4
    var vocab = 200
    var steps = [0, 1, 2, 4, 512, 1000, 2000]
    /// Steps the deduped twin does not have (a gap to draw).
    var dedupedMissing: Set<Int> = [2]
    /// (step, layer, role) whose frobenius is stored as NaN (NULL).
    var nanAt: (Int, Int, String)? = (1000, 1, "mlp_in")
    var extraModels: [String] = []

    /// The 154 Pythia steps (0, 1, 2, 4, ..., 512, then every 1000 up to 143000).
    static let pythiaSteps: [Int] = [0] + (0...9).map { 1 << $0 } + Array(stride(from: 1000, through: 143_000, by: 1000))

    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-300), v = uniform()
            return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
        }
    }

    /// n quantiles of the MP singular-value law for a rows x cols matrix with element std sigma, descending.
    static func mpQuantiles(rows: Int, cols: Int, sigma: Double, n: Int) -> [Double] {
        let curve = MarchenkoPastur(rows: rows, cols: cols, sigma: sigma)
        let grid = 2000
        let a = curve.lowerEdge, b = curve.upperEdge
        let h = (b - a) / Double(grid)
        var cdf = [Double](repeating: 0, count: grid + 1)
        for i in 1...grid { cdf[i] = cdf[i - 1] + curve.density(singularValue: a + (Double(i) - 0.5) * h) * h }
        let total = cdf[grid] > 0 ? cdf[grid] : 1
        var out: [Double] = []
        var j = 0
        for k in 0..<n {
            let p = (Double(k) + 0.5) / Double(n) * total
            while j < grid && cdf[j + 1] < p { j += 1 }
            out.append(a + Double(j) * h + h / 2)
        }
        return out.sorted(by: >)
    }

    func write(to db: PyTrackDatabase) throws {
        let standard = base, deduped = base + "-deduped"
        for (mi, model) in [standard, deduped].enumerated() {
            for step in steps where !(model == deduped && dedupedMissing.contains(step)) {
                try db.saveResults(results(model: model, modelIndex: mi, step: step))
            }
            var derived: [DerivedMetric] = []
            for step in steps {
                for role in ["q", "k", "v", "attn_out", "mlp_in", "mlp_out", "qkv"] {
                    derived.append(DerivedMetric(model: model, step: step, layer: nil, matrix: role, metric: "depth_growth_rate",
                                                 value: growth(role, step: step), version: 1))
                }
            }
            try db.saveDerived(derived)
        }
        var comparisons: [DerivedMetric] = []
        for step in steps where !dedupedMissing.contains(step) {
            let t = progress(step)
            for l in 0..<layers {
                for role in MatrixNames.layerRoles {
                    let c = Double(l + role.count)
                    comparisons.append(DerivedMetric(model: deduped, otherModel: standard, step: step, layer: l, matrix: role,
                                                     metric: "dedup_norm_ratio", value: 1 + 0.03 * t * Foundation.sin(c), version: 1))
                    comparisons.append(DerivedMetric(model: deduped, otherModel: standard, step: step, layer: l, matrix: role,
                                                     metric: "dedup_w1_spectrum", value: 0.01 + 0.02 * t * Double(l + 1) / Double(layers), version: 1))
                    comparisons.append(DerivedMetric(model: deduped, otherModel: standard, step: step, layer: l, matrix: role,
                                                     metric: "dedup_alpha_diff", value: 0.2 * t * Foundation.cos(3 * c), version: 1))
                }
            }
        }
        try db.saveDerived(comparisons)
        for (i, name) in extraModels.enumerated() {
            try db.saveResults(results(model: name, modelIndex: 2 + i, step: steps.last ?? 0))
        }
    }

    func progress(_ step: Int) -> Double { Foundation.log1p(Double(step)) / Foundation.log1p(143_000) }

    func growth(_ role: String, step: Int) -> Double {
        MatrixNames.writing.contains(role) ? 0.08 * progress(step) : 0.01 * progress(step)
    }

    func shape(_ role: String) -> (Int, Int) {
        switch role {
        case "qkv": return (3 * dModel, dModel)
        case "mlp_in": return (4 * dModel, dModel)
        case "mlp_out": return (dModel, 4 * dModel)
        case "embed_in", "embed_out": return (vocab, dModel)
        default: return (dModel, dModel)
        }
    }

    func matrix(_ layer: Int?, _ role: String, modelIndex: Int, step: Int, rng: inout RNG) -> MatrixResult {
        let t = progress(step)
        let (rows, cols) = shape(role)
        let depth = Double(layer ?? 0)
        let std = 0.02 * (1 + 1.5 * t) * Foundation.exp(growth(role, step: step) * depth) * (1 + 0.02 * Double(modelIndex))
        let n = min(rows, cols)
        let big = Double(max(rows, cols)).squareRoot(), small = Double(n).squareRoot()
        var sv = Self.mpQuantiles(rows: rows, cols: cols, sigma: std, n: n)
        // A heavy tail of a few large singular values that forms as training goes on.
        for i in 0..<max(1, n / 40) { sv[i] *= 1 + 3 * t * Foundation.exp(-Double(i) / 3) }
        var gauss: [Float] = []
        for v in sv { gauss.append(Float(v * (1 + 0.02 * rng.normal()))) }
        var logistic: [Float] = []
        for v in Self.mpQuantiles(rows: rows, cols: cols, sigma: std, n: n) { logistic.append(Float(v * (1 + 0.03 * rng.normal()))) }
        let frob = sv.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let sum = sv.reduce(0, +)
        let entropy = sv.reduce(0.0) { acc, s in let p = s / sum; return p > 0 ? acc - p * Foundation.log(p) : acc }
        let edge = std * (big + small)
        var metrics: [String: Double?] = [
            "frobenius": frob, "spectral_norm": sv[0], "nuclear_norm": sum, "stable_rank": frob * frob / (sv[0] * sv[0]),
            "effective_rank": Foundation.exp(entropy), "mean": 0.0001 * rng.normal(), "std": std, "skewness": 0.05 * rng.normal(),
            "excess_kurtosis": 3 * t + 0.1 * depth * t, "max_abs_z": 5 + 10 * t, "tail_frac_6sigma": 1e-5 + 1e-3 * t,
            "gauss_mu": 0, "gauss_sigma": std, "gauss_loglik": 2.5, "gauss_ks": 0.005 + 0.05 * t, "logistic_mu": 0,
            "logistic_s": std * 0.55, "logistic_loglik": 2.6, "logistic_ks": 0.006 + 0.02 * t, "mp_edge": edge,
            "mp_edge_lower": std * (big - small), "mp_ks": 0.02 + 0.2 * t, "mp_spikes": Double(sv.filter { $0 > edge }.count),
            "alpha": 6 - 3 * t + 0.1 * depth, "alpha_xmin": sv[n / 2] * sv[n / 2], "alpha_ks": 0.05, "nonfinite_count": 0,
            "student_t_df": 30 - 25 * t,
        ]
        for q in ["0.001", "0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99", "0.999"] {
            metrics["quantile_" + q] = std * ((Double(q) ?? 0.5) - 0.5) * 4
        }
        if let nan = nanAt, nan.0 == step, nan.1 == layer, nan.2 == role { metrics["frobenius"] = Double.nan }
        let cells = Double(rows * cols) / 60
        let histogram = (0..<60).map { i -> Float in Float(cells * Foundation.exp(-Foundation.pow((Double(i) - 30) / 10, 2))) }
        return MatrixResult(key: MatrixKey(layer: layer, matrix: role), tensor: "synthetic.\(role)", rows: rows, cols: cols, dtype: "F16",
                            metrics: metrics,
                            blobs: [StoredBlob(kind: "singular_values", payload: .float32(sv.map { Float($0) })),
                                    StoredBlob(kind: "gauss_sample_sv", payload: .float32(gauss)),
                                    StoredBlob(kind: "logistic_sample_sv", payload: .float32(logistic)),
                                    StoredBlob(kind: "histogram", payload: .float32(histogram), meta: ["lo": -6 * std, "hi": 6 * std])],
                            groupVersions: ["moments": 1, "spectrum": 1, "fits": 1, "mp": 1, "powerlaw": 1])
    }

    func vector(_ layer: Int?, _ name: String, gain: Bool, step: Int, rng: inout RNG) -> MatrixResult {
        let t = progress(step)
        var v: [Double] = []
        for _ in 0..<dModel { v.append(gain ? 0.45 + 0.5 * (1 - t) + 0.05 * rng.normal() : 0.02 * rng.normal()) }
        // Persistent outlier dimensions (left-tailed for gains), present once training starts.
        // (One dimension in small models: with few elements, several outliers would not reach |z| > 5.)
        let dims = dModel >= 256 ? [3, dModel / 3, dModel - 5] : [dModel / 3]
        if step > 0 { for d in dims where d >= 0 && d < dModel { v[d] = gain ? -2.5 - Double(layer ?? 0) * 0.1 : 0.6 } }
        let mean = v.reduce(0, +) / Double(v.count)
        let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
        let outliers = v.indices.filter { sd > 0 && abs((v[$0] - mean) / sd) > 5 }.map { Int32($0) }
        return MatrixResult(key: MatrixKey(layer: layer, matrix: name), tensor: "synthetic.\(name)", rows: dModel, cols: 1, dtype: "F16",
                            metrics: ["mean": mean, "std": sd, "outlier_count": Double(outliers.count)],
                            blobs: [StoredBlob(kind: "values", payload: .float32(v.map { Float($0) })),
                                    StoredBlob(kind: "outliers", payload: .int32(outliers))],
                            groupVersions: ["moments": 1])
    }

    func results(model: String, modelIndex: Int, step: Int) -> CheckpointResults {
        var rng = RNG(state: UInt64(step &* 7919 &+ modelIndex &* 104_729 &+ 17))
        let t = progress(step)
        var matrices: [MatrixResult] = []
        for l in 0..<layers {
            for role in MatrixNames.layerRoles { matrices.append(matrix(l, role, modelIndex: modelIndex, step: step, rng: &rng)) }
            for h in 0..<heads {
                matrices.append(MatrixResult(key: MatrixKey(layer: l, matrix: "ov_head\(h)"), tensor: "synthetic.ov", rows: dModel, cols: dModel,
                                             dtype: "F16", metrics: ["frobenius": 0.5 + t + 0.01 * Double(h)], groupVersions: ["heads": 1]))
            }
            matrices.append(vector(l, "ln1_gain", gain: true, step: step, rng: &rng))
            matrices.append(vector(l, "ln1_bias", gain: false, step: step, rng: &rng))
            matrices.append(vector(l, "ln2_gain", gain: true, step: step, rng: &rng))
            matrices.append(vector(l, "ln2_bias", gain: false, step: step, rng: &rng))
        }
        matrices.append(matrix(nil, "embed_in", modelIndex: modelIndex, step: step, rng: &rng))
        matrices.append(matrix(nil, "embed_out", modelIndex: modelIndex, step: step, rng: &rng))
        matrices.append(vector(nil, "final_ln_gain", gain: true, step: step, rng: &rng))
        matrices.append(vector(nil, "final_ln_bias", gain: false, step: step, rng: &rng))
        let checkpoint = ComputedCheckpoint(model: model, step: step, revision: "step\(step)", files: ["model.safetensors"],
                                            source: "synthetic", expectedMatrices: matrices.count)
        return CheckpointResults(checkpoint: checkpoint, isDemo: true, configJSON: "{\"num_hidden_layers\": \(layers)}", matrices: matrices)
    }
}
