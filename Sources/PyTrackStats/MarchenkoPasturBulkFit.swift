/// The Marchenko-Pastur law fitted to the bulk of a spectrum: the element scale sigma is estimated from
/// the singular values inside the edge only, so the energy of the spikes (the learned structure) does not
/// inflate the edge.
///
/// Iteration (m >= n the long and short side, s_1 >= ... >= s_n the singular values):
/// k = 0; repeat { sigma^2 = sum_{i > k} s_i^2 / ((m - k)(n - k)); edge = sigma (sqrt m + sqrt n);
/// k' = #{s_i > edge} } until k' == k. The denominator is the degrees-of-freedom correction: removing the
/// top k singular triplets removes the noise energy of a k-dimensional row and column subspace,
/// mn - (m - k)(n - k) = k(m + n - k) degrees of freedom; without it sigma is ~k(m+n)/(2mn) low. k only
/// grows (sigma falls as k grows), so the loop ends after at most n + 1 rounds.
/// From the fit: `mp_edge` = sigma_bulk (sqrt m + sqrt n), `mp_edge_lower` = sigma_bulk (sqrt m - sqrt n),
/// `mp_spikes` = k, `mp_ks` = KS distance of the n - k bulk singular values to the MP law of ratio n/m and
/// scale sigma_bulk.
public struct MarchenkoPasturBulkFit: Sendable {
    /// The fitted law (its `sigma` is sigma_bulk).
    public let law: MarchenkoPastur
    /// Number of singular values above the fitted upper edge.
    public let spikes: Int
    /// KS distance of the bulk (the values at or below the edge) to `law`.
    public let ks: Double
    /// Rounds of the iteration.
    public let iterations: Int

    /// Fitted bulk scale sigma_bulk.
    public var sigmaBulk: Double { law.sigma }

    /// Fits the singular values (any order) of a `rows x cols` matrix; nil when there are none or all are 0.
    public init?(singularValues: [Double], rows: Int, cols: Int) {
        let m = max(rows, cols), n = min(rows, cols)
        let s = singularValues.sorted(by: >)
        guard !s.isEmpty, s.count <= n, let top = s.first, top > 0, top.isFinite else { return nil }
        // suffix[i] = sum_{j >= i} s_j^2 (missing values, if fewer than n were given, count as 0)
        var suffix = [Double](repeating: 0, count: s.count + 1)
        for i in stride(from: s.count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + s[i] * s[i] }
        let root = Double(m).squareRoot() + Double(n).squareRoot()
        var k = 0, rounds = 0, sigma = 0.0
        while true {
            rounds += 1
            let dof = Double(m - k) * Double(n - k)
            sigma = (suffix[k] / dof).squareRoot()
            let edge = sigma * root
            var next = 0
            while next < s.count && s[next] > edge { next += 1 }
            if next == k || next >= s.count || rounds > n + 1 { k = min(next, s.count); break }
            k = next
        }
        guard sigma > 0, sigma.isFinite else { return nil }
        let fitted = MarchenkoPastur(rows: rows, cols: cols, sigma: sigma)
        law = fitted
        spikes = k
        let bulk = Array(s[k...].reversed())
        ks = bulk.isEmpty ? .nan : KolmogorovSmirnov.statistic(sorted: bulk) { fitted.cdf(singularValue: $0) }
        iterations = rounds
    }
}
