/// The power-law exponent under weightwatcher's conventions (weightwatcher 0.7.x, `pl_package="ww"`,
/// `WW_powerlaw.WWFit`), so values can be compared with published weightwatcher alphas:
/// - eigenvalues are sigma^2 of W (float64 SVD, no normalisation), and only those > 1e-5 are fitted
///   (`EVALS_THRESH`, an absolute threshold);
/// - every sorted value but the last is an xmin candidate (duplicates included), so the tail has at
///   least 2 values; alpha = 1 + n / sum ln(x_i / xmin);
/// - the candidate minimises the one-sided distance max_j |1 - (x_j/xmin)^(1-alpha) - j/n|, j = 0..n-1
///   (the empirical CDF just below each point), first minimum wins; alpha <= 1 scores 1;
/// - with fewer than 20 values (`SMALL_N_CUTOFF`), weightwatcher's small-N rule: tails of at least 8,
///   the bias-corrected alpha = 1 + (n - 1) / sum ln(x_i / xmin), chosen by D - 0.868 / sqrt(n).
/// Note: weightwatcher's `spectral_norm` is sigma_max^2 (its largest eigenvalue); pytrack's is sigma_max.
public struct WeightWatcherPowerLaw: Sendable {
    /// weightwatcher's `EVALS_THRESH`.
    public static let eigenvalueThreshold = 1e-5
    /// weightwatcher's `SMALL_N_CUTOFF`.
    public static let smallN = 20

    public let alpha: Double
    public let xmin: Double
    /// weightwatcher's `D` at the chosen xmin.
    public let ks: Double

    /// Fits the eigenvalues (any order).
    public init(eigenvalues: [Double]) {
        let x = eigenvalues.filter { $0 > Self.eigenvalueThreshold && $0.isFinite }.sorted()
        let n = x.count
        guard n >= 2 else { alpha = .nan; xmin = .nan; ks = .nan; return }
        let logs = x.map { _log($0) }
        var suffix = [Double](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + logs[i] }
        /// One-sided D of the tail starting at i for exponent a, scanning while it stays below `bound`.
        func distance(_ i: Int, _ a: Double, bound: Double) -> Double {
            let k = Double(n - i)
            var d = 0.0, j = i
            while j < n && d < bound {
                let r = logs[j] - logs[i]
                let power = r == 0 ? 1 : _exp((1 - a) * r)   // (x_j/xmin)^(1-alpha); 1 at x_j = xmin, as numpy's 1**-inf
                d = max(d, abs(1 - power - Double(j - i) / k))
                j += 1
            }
            return d
        }
        if n >= Self.smallN {
            var best = (i: 0, a: Double.nan, d: Double.infinity)
            for i in 0..<(n - 1) {
                let k = Double(n - i)
                let a = 1 + k / (suffix[i] - k * logs[i])
                // weightwatcher scores alpha <= 1 (or an undefined alpha) as D = 1.
                let d = a > 1 ? distance(i, a, bound: best.d) : 1
                if d < best.d || (i == 0 && best.d.isInfinite) { best = (i, a, d) }
            }
            alpha = best.a; xmin = x[best.i]; ks = best.d
        } else {
            var best = (i: -1, a: Double.nan, d: Double.nan, j: Double.infinity)
            for i in 0..<(n - 1) where n - i >= 8 {
                let k = Double(n - i)
                let s = suffix[i] - k * logs[i]
                guard s > 1e-12 else { continue }
                let a = 1 + (k - 1) / s
                guard a > 1 else { continue }
                let d = distance(i, a, bound: .infinity)
                let objective = d - 0.868 / k.squareRoot()
                if objective < best.j { best = (i, a, d, objective) }
            }
            if best.i >= 0 {
                alpha = best.a; xmin = x[best.i]; ks = best.d
            } else {
                // weightwatcher's fallback: the whole sample as the tail.
                let k = Double(n), s = suffix[0] - k * logs[0]
                if s <= 1e-12 { alpha = 1; xmin = x[0]; ks = 1; return }
                let a = 1 + (k - 1) / s
                alpha = a; xmin = x[0]; ks = distance(0, a, bound: .infinity)
            }
        }
    }
}
