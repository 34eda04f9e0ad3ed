/// Distances between two singular-value spectra.
public enum SpectrumDistance {
    /// Wasserstein-1 distance between the empirical distributions of sigma_i / sigma_max of each spectrum
    /// (each normalised by its own largest value, so both live on [0, 1]; the sizes may differ):
    /// W1 = integral |F_a(x) - F_b(x)| dx, as `scipy.stats.wasserstein_distance(a / a.max(), b / b.max())`.
    /// NaN if either spectrum is empty or has no positive value.
    public static func wasserstein1Normalised(_ a: [Double], _ b: [Double]) -> Double {
        guard let ma = a.max(), let mb = b.max(), ma > 0, mb > 0 else { return .nan }
        return wasserstein1(a.map { $0 / ma }, b.map { $0 / mb })
    }

    /// Wasserstein-1 distance between two empirical distributions (unit weights).
    public static func wasserstein1(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        let x = a.sorted(), y = b.sorted()
        let na = Double(x.count), nb = Double(y.count)
        var i = 0, j = 0
        var prev = min(x[0], y[0])
        var w = 0.0
        while i < x.count || j < y.count {
            let next = j >= y.count || (i < x.count && x[i] <= y[j]) ? x[i] : y[j]
            w += abs(Double(i) / na - Double(j) / nb) * (next - prev)
            while i < x.count && x[i] == next { i += 1 }
            while j < y.count && y[j] == next { j += 1 }
            prev = next
        }
        return w
    }
}
