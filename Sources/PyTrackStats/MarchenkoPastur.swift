/// The Marchenko-Pastur law for the singular values of an m x n matrix with i.i.d. entries of
/// standard deviation sigma (the long side is taken as m, so the ratio q = n/m <= 1).
///
/// Eigenvalues x of W^T W / (m sigma^2) have density sqrt((b-x)(x-a)) / (2 pi q x) on
/// [a, b] = [(1 - sqrt q)^2, (1 + sqrt q)^2]; a singular value s maps to x = s^2 / (m sigma^2).
/// The CDF is used in closed form: with x = (1+q) - 2 sqrt(q) cos(t), t in [0, pi],
/// F = (2/pi) [ sin t / (2 sqrt q) + (1+q) t / (4q) - (1-q)/(2q) atan( (1+sqrt q)/(1-sqrt q) tan(t/2) ) ].
public struct MarchenkoPastur: Sendable {
    /// Long side.
    public let m: Int
    /// Short side.
    public let n: Int
    /// Element standard deviation.
    public let sigma: Double

    /// The law for a `rows x cols` matrix (either orientation) with element std `sigma`.
    public init(rows: Int, cols: Int, sigma: Double) {
        m = max(rows, cols); n = min(rows, cols); self.sigma = sigma
    }

    /// Aspect ratio q = n / m in (0, 1].
    public var ratio: Double { Double(n) / Double(m) }
    /// Upper bulk edge of the singular values: sigma (sqrt m + sqrt n).
    public var upperEdge: Double { sigma * (Double(m).squareRoot() + Double(n).squareRoot()) }
    /// Lower bulk edge of the singular values: sigma (sqrt m - sqrt n).
    public var lowerEdge: Double { sigma * (Double(m).squareRoot() - Double(n).squareRoot()) }

    private var scale: Double { Double(m) * sigma * sigma }

    /// CDF of the MP eigenvalue law (ratio q) at normalised eigenvalue x.
    public static func eigenvalueCDF(_ x: Double, ratio q: Double) -> Double {
        let rq = q.squareRoot()
        let a = (1 - rq) * (1 - rq), b = (1 + rq) * (1 + rq)
        if x <= a { return 0 }
        if x >= b { return 1 }
        let c = min(max(((1 + q) - x) / (2 * rq), -1), 1)
        let t = _acos(c)
        var v = _sin(t) / (2 * rq) + (1 + q) * t / (4 * q)
        if q < 1 {
            let k = (1 + rq) / (1 - rq)
            v -= (1 - q) / (2 * q) * _atan2(k * _sin(t / 2), _cos(t / 2))
        }
        return min(max(2 / Double.pi * v, 0), 1)
    }

    /// Density of the MP eigenvalue law (ratio q) at normalised eigenvalue x.
    public static func eigenvalueDensity(_ x: Double, ratio q: Double) -> Double {
        let rq = q.squareRoot()
        let a = (1 - rq) * (1 - rq), b = (1 + rq) * (1 + rq)
        guard x > a, x < b else { return 0 }
        return ((b - x) * (x - a)).squareRoot() / (2 * Double.pi * q * x)
    }

    /// CDF of the MP law of singular values at s.
    public func cdf(singularValue s: Double) -> Double {
        guard sigma > 0 else { return .nan }
        return s <= 0 ? 0 : MarchenkoPastur.eigenvalueCDF(s * s / scale, ratio: ratio)
    }

    /// Density of the MP law of singular values at s (integrates to 1 over s; reports scale it by n).
    public func density(singularValue s: Double) -> Double {
        guard sigma > 0, s > 0 else { return 0 }
        return MarchenkoPastur.eigenvalueDensity(s * s / scale, ratio: ratio) * 2 * s / scale
    }

    /// KS distance between the empirical distribution of `singularValues` (any order) and this law.
    public func ks(singularValues: [Double]) -> Double {
        guard sigma > 0, !singularValues.isEmpty else { return .nan }
        return KolmogorovSmirnov.statistic(sorted: singularValues.sorted()) { cdf(singularValue: $0) }
    }

    /// Number of singular values above the upper bulk edge.
    public func spikes(singularValues: [Double]) -> Int {
        let e = upperEdge
        return singularValues.reduce(0) { $0 + ($1 > e ? 1 : 0) }
    }
}
