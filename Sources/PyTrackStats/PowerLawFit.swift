/// Continuous power-law fit of the tail of the eigenvalues lambda = sigma^2 (Clauset, Shalizi & Newman 2009).
///
/// For each candidate lambda_min (every distinct eigenvalue leaving at least `minTail` values in the
/// tail), alpha = 1 + k / sum_{lambda_i >= lambda_min} ln(lambda_i / lambda_min) and the KS distance
/// (two-sided, as `scipy.stats.kstest`) between the tail and P(x) = 1 - (x/lambda_min)^(1-alpha); the
/// candidate with the smallest KS wins (ties: the smallest lambda_min). No cap on alpha. Zero
/// eigenvalues are excluded. `minTail` defaults to 10 (clamped to the number of positive eigenvalues)
/// so the KS minimum is not chased into a handful of top eigenvalues.
public struct PowerLawFit: Sendable {
    public let alpha: Double
    public let xmin: Double
    public let ks: Double
    /// Number of eigenvalues in the fitted tail.
    public let tailCount: Int

    /// The default minimum tail size.
    public static let defaultMinTail = 10

    /// Fits the eigenvalues (any order).
    public init(eigenvalues: [Double], minTail: Int = PowerLawFit.defaultMinTail) {
        self.init(sortedPositive: eigenvalues.filter { $0 > 0 && $0.isFinite }.sorted(), minTail: minTail)
    }

    /// Fits ascending, positive, finite values.
    init(sortedPositive x: [Double], minTail: Int) {
        let n = x.count
        let kmin = max(2, min(minTail, n))
        var best = (alpha: Double.nan, xmin: Double.nan, ks: Double.infinity, k: 0)
        guard n >= 2 else {
            alpha = .nan; xmin = .nan; ks = .nan; tailCount = 0
            return
        }
        let logs = x.map { _log($0) }
        var suffix = [Double](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + logs[i] }
        // runEnd[i]: one past the last index holding x[i] (runs of equal values are one step of the ECDF)
        var runEnd = [Int](repeating: n, count: n)
        for i in stride(from: n - 2, through: 0, by: -1) { runEnd[i] = x[i + 1] == x[i] ? runEnd[i + 1] : i + 1 }
        // A candidate only wins with a strictly smaller KS, so a scan stops once d reaches the best; it first
        // looks where the previous candidate deviated most (run start `hint`), which usually settles it at once.
        var hint = -1
        var j = 0
        while j <= n - kmin {
            if j > 0 && x[j] == x[j - 1] { j += 1; continue }
            let k = n - j
            let denom = suffix[j] - Double(k) * logs[j]
            if denom > 0 {
                let a = 1 + Double(k) / denom
                func deviation(_ i: Int) -> Double {
                    let f = 1 - _exp((1 - a) * (logs[i] - logs[j]))
                    return max(Double(runEnd[i] - j) / Double(k) - f, f - Double(i - j) / Double(k))
                }
                var d = hint >= j ? deviation(hint) : 0
                var at = hint
                var i = j
                while i < n && d < best.ks {
                    let v = deviation(i)
                    if v > d { d = v; at = i }
                    i = runEnd[i]
                }
                hint = at
                if d < best.ks { best = (a, x[j], d, k) }
            }
            j += 1
        }
        if best.k == 0 {
            alpha = .nan; xmin = .nan; ks = .nan; tailCount = 0
        } else {
            alpha = best.alpha; xmin = best.xmin; ks = best.ks; tailCount = best.k
        }
    }

    /// The Clauset MLE of alpha for the tail above a given xmin (no KS search).
    public static func alphaMLE(eigenvalues: [Double], xmin: Double) -> Double {
        var k = 0, s = 0.0
        for v in eigenvalues where v >= xmin && v > 0 { k += 1; s += _log(v / xmin) }
        return s > 0 ? 1 + Double(k) / s : .nan
    }
}
