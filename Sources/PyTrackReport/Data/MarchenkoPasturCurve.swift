import Foundation

/// The Marchenko-Pastur law for the singular values of an m x n matrix with i.i.d. entries of standard
/// deviation `sigma`: with M = max(m, n), N = min(m, n), q = N/M and lambda = s^2 / M, lambda follows MP
/// with edges sigma^2 (1 +- sqrt q)^2, so the singular values s lie in sigma (sqrt M +- sqrt N).
/// (Kept here until PyTrackStats provides the same density; the report only needs this curve.)
public struct MarchenkoPasturCurve: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public let sigma: Double

    public init(rows: Int, cols: Int, sigma: Double) {
        self.rows = rows
        self.cols = cols
        self.sigma = sigma
    }

    var big: Double { Double(max(rows, cols)) }
    var small: Double { Double(min(rows, cols)) }

    /// Number of singular values, min(m, n).
    public var count: Int { min(rows, cols) }
    /// sigma (sqrt M - sqrt N).
    public var lowerEdge: Double { sigma * (big.squareRoot() - small.squareRoot()) }
    /// sigma (sqrt M + sqrt N), the bulk edge.
    public var upperEdge: Double { sigma * (big.squareRoot() + small.squareRoot()) }

    /// Probability density of one singular value at `s` (integrates to 1 over [lowerEdge, upperEdge]).
    public func density(_ s: Double) -> Double {
        guard sigma > 0, big > 0, small > 0, s > 0, s.isFinite else { return 0 }
        let q = small / big
        let v = sigma * sigma
        let lambda = s * s / big
        let lp = v * (1 + q.squareRoot()) * (1 + q.squareRoot())
        let lm = v * (1 - q.squareRoot()) * (1 - q.squareRoot())
        guard lambda > lm, lambda < lp else { return 0 }
        let pLambda = ((lp - lambda) * (lambda - lm)).squareRoot() / (2 * Double.pi * v * q * lambda)
        return pLambda * 2 * s / big
    }

    /// Expected number of singular values (of `count`) in each of `bins` equal-width bins over [lo, hi],
    /// by midpoint integration with `subdivisions` points per bin.
    public func expectedCounts(lo: Double, hi: Double, bins: Int, subdivisions: Int = 24) -> [Double] {
        guard bins > 0, hi > lo else { return [] }
        let w = (hi - lo) / Double(bins)
        let h = w / Double(subdivisions)
        return (0..<bins).map { b in
            var sum = 0.0
            for j in 0..<subdivisions { sum += density(lo + Double(b) * w + (Double(j) + 0.5) * h) }
            return sum * h * Double(count)
        }
    }
}
