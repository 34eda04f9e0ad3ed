/// Maximum-likelihood normal fit: mu = mean, sigma = std (ddof 0), the mean per-element
/// log-likelihood at the MLE, and the KS distance to N(mu, sigma^2).
public struct GaussianFit: Sendable {
    public let mu: Double
    public let sigma: Double
    /// Mean log-likelihood per element: -(log(2 pi sigma^2) + 1) / 2 (exact at the MLE).
    public let meanLogLikelihood: Double
    /// `scipy.stats.kstest(x, 'norm', args=(mu, sigma)).statistic`.
    public let ks: Double

    /// Fits from the moments and the sorted sample of the same finite elements.
    public init(moments: ElementMoments, sorted: SortedSample) {
        mu = moments.mean
        sigma = moments.std
        guard sigma > 0, sigma.isFinite else {
            meanLogLikelihood = .nan; ks = .nan
            return
        }
        meanLogLikelihood = -0.5 * (_log(2 * Double.pi * sigma * sigma) + 1)
        let m = mu, scale = 1 / (sigma * 2.0.squareRoot())
        ks = KolmogorovSmirnov.statistic(sorted) { 0.5 * _erfc(-(($0 - m) * scale)) }
    }

    /// Normal CDF at x.
    public func cdf(_ x: Double) -> Double { 0.5 * _erfc(-(x - mu) / (sigma * 2.0.squareRoot())) }
}
