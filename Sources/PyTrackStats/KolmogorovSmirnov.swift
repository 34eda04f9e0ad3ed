/// One-sample Kolmogorov-Smirnov distance between sorted data and a continuous CDF, as
/// `scipy.stats.kstest(x, cdf).statistic`: D = max_i max(i/n - F(x_i), F(x_i) - (i-1)/n).
///
/// Ties are handled run by run (F is evaluated once per distinct value), which gives the same value.
public enum KolmogorovSmirnov {
    /// KS distance of the sorted sample against `cdf`.
    public static func statistic(_ sample: SortedSample, cdf: (Double) -> Double) -> Double {
        let n = Double(sample.count)
        guard sample.count > 0 else { return .nan }
        var d = 0.0
        sample.forEachRun { x, first, len in
            let f = cdf(x)
            d = max(d, Double(first + len) / n - f, f - Double(first) / n)
        }
        return d
    }

    /// KS distance of ascending `sorted` against `cdf`.
    public static func statistic(sorted: [Double], cdf: (Double) -> Double) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        var d = 0.0
        var i = 0
        while i < n {
            let x = sorted[i]
            var j = i + 1
            while j < n && sorted[j] == x { j += 1 }
            let f = cdf(x)
            d = max(d, Double(j) / Double(n) - f, f - Double(i) / Double(n))
            i = j
        }
        return d
    }
}
