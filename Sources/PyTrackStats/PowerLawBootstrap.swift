/// Percentile bootstrap interval of the Clauset power-law exponent (`PowerLawFit`): the positive
/// eigenvalues are resampled with replacement `replicates` times, each resample is fitted by the whole
/// procedure (xmin chosen again by KS), and the interval is the (1 - level)/2 and (1 + level)/2
/// quantiles (numpy's linear method) of the replicate exponents that are defined.
///
/// Draws are reproducible: xoshiro256** seeded through SplitMix64 with `seed`; index i of a resample is
/// ((next() >> 32) * n) >> 32 (tools/reference/pytrack_reference.py replays the same stream).
public struct PowerLawBootstrap: Sendable {
    /// Default number of resamples stored by `pytrack compute`.
    public static let defaultReplicates = 100
    /// Default central coverage of the interval.
    public static let defaultLevel = 0.90

    /// Lower end of the interval (`alpha_lo`).
    public let lower: Double
    /// Upper end of the interval (`alpha_hi`).
    public let upper: Double
    /// Replicates whose fit was defined.
    public let defined: Int

    /// The interval for `eigenvalues` (any order; non-positive and non-finite values are dropped).
    public init(eigenvalues: [Double], minTail: Int = PowerLawFit.defaultMinTail,
                replicates: Int = PowerLawBootstrap.defaultReplicates, level: Double = PowerLawBootstrap.defaultLevel,
                seed: UInt64) {
        let x = eigenvalues.filter { $0 > 0 && $0.isFinite }
        let n = x.count
        guard n >= 2, replicates > 0 else { lower = .nan; upper = .nan; defined = 0; return }
        var rng = Xoshiro256StarStar(seed: seed)
        var alphas: [Double] = []
        alphas.reserveCapacity(replicates)
        var sample = [Double](repeating: 0, count: n)
        for _ in 0..<replicates {
            for i in 0..<n { sample[i] = x[Int(((rng.next() >> 32) &* UInt64(n)) >> 32)] }
            sample.sort()
            let a = PowerLawFit(sortedPositive: sample, minTail: minTail).alpha
            if a.isFinite { alphas.append(a) }
        }
        alphas.sort()
        defined = alphas.count
        guard !alphas.isEmpty else { lower = .nan; upper = .nan; return }
        func quantile(_ q: Double) -> Double {
            let h = Double(alphas.count - 1) * q
            let i = Int(h.rounded(.down)), t = h - Double(i)
            return i + 1 < alphas.count ? alphas[i] + (alphas[i + 1] - alphas[i]) * t : alphas[i]
        }
        lower = quantile((1 - level) / 2)
        upper = quantile((1 + level) / 2)
    }
}
