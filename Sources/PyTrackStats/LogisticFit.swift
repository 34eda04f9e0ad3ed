/// Maximum-likelihood logistic fit (location mu, scale s) by Newton's method on the score equations
/// sum tanh(z/2) = 0 and sum z tanh(z/2) = n (z = (x - mu)/s), with step halving so the
/// log-likelihood never decreases. Starts at the moment estimates (mean, std sqrt(3)/pi); for large
/// samples it first converges on a systematic subsample of ~1M order statistics, then polishes on all
/// data (quadratic convergence: 2-3 full passes). Each pass evaluates once per distinct value.
public struct LogisticFit: Sendable {
    public let mu: Double
    public let s: Double
    /// Mean log-likelihood per element at (mu, s).
    public let meanLogLikelihood: Double
    /// KS distance to the fitted logistic.
    public let ks: Double
    /// Full-data Newton passes used.
    public let passes: Int

    /// Fits the sorted finite sample, starting from its moments.
    public init(sorted: SortedSample, moments: ElementMoments) {
        var mu0 = moments.mean
        var s0 = moments.std * 3.0.squareRoot() / Double.pi
        guard s0 > 0, s0.isFinite else {
            mu = moments.mean; s = .nan; meanLogLikelihood = .nan; ks = .nan; passes = 0
            return
        }
        let n = sorted.count
        let target = 1 << 20
        if n > 4 * target {
            let stride = n / target
            let sub = SortedSample(presorted: Swift.stride(from: stride / 2, to: n, by: stride).map { sorted.values[$0] })
            let r = LogisticFit.newton(sub, mu: mu0, s: s0, tolerance: 1e-9)
            mu0 = r.mu; s0 = r.s
        }
        let r = LogisticFit.newton(sorted, mu: mu0, s: s0, tolerance: 1e-13)
        mu = r.mu; s = r.s; meanLogLikelihood = r.ll; passes = r.passes
        let m = mu, sc = s
        ks = KolmogorovSmirnov.statistic(sorted) { x in
            let z = (x - m) / sc
            return z >= 0 ? 1 / (1 + _exp(-z)) : _exp(z) / (1 + _exp(z))
        }
    }

    /// Logistic CDF at x.
    public func cdf(_ x: Double) -> Double { 1 / (1 + _exp(-(x - mu) / s)) }

    /// Mean logistic log-likelihood of a sample at (mu, s).
    public static func meanLogLikelihood(_ sample: SortedSample, mu: Double, s: Double) -> Double {
        pass(sample, mu: mu, s: s).ll
    }

    struct PassResult { var e1 = 0.0, e2 = 0.0, j11 = 0.0, j12 = 0.0, j21 = 0.0, j22 = 0.0, ll = 0.0 }

    static func pass(_ sample: SortedSample, mu: Double, s: Double) -> PassResult {
        var r = PassResult()
        let inv = 1 / s
        var llSum = 0.0
        sample.forEachRun { x, _, len in
            let c = Double(len)
            let z = (x - mu) * inv
            let az = abs(z)
            let e = _exp(-az)
            var t = (1 - e) / (1 + e)
            if z < 0 { t = -t }
            let dt = 0.5 * (1 - t * t)
            r.e1 += c * t
            r.e2 += c * z * t
            r.j11 += c * dt
            r.j12 += c * dt * z
            let g = t + z * dt
            r.j21 += c * g
            r.j22 += c * g * z
            llSum += c * (-az - 2 * _log1p(e))
        }
        let n = Double(sample.count)
        r.e2 -= n
        // d/dmu and d/ds of (E1, E2): each carries a factor -1/s.
        r.j11 *= -inv; r.j12 *= -inv; r.j21 *= -inv; r.j22 *= -inv
        r.ll = llSum / n - _log(s)
        return r
    }

    static func newton(_ sample: SortedSample, mu startMu: Double, s startS: Double,
                       tolerance: Double) -> (mu: Double, s: Double, ll: Double, passes: Int) {
        var mu = startMu, s = startS
        var cur = pass(sample, mu: mu, s: s)
        var passes = 1
        for _ in 0..<100 {
            let det = cur.j11 * cur.j22 - cur.j12 * cur.j21
            guard det != 0, det.isFinite else { break }
            let dmu = -(cur.e1 * cur.j22 - cur.j12 * cur.e2) / det
            let ds = -(cur.j11 * cur.e2 - cur.j21 * cur.e1) / det
            var lam = 1.0
            var accepted = false
            while lam > 1e-10 {
                let nmu = mu + lam * dmu, ns = s + lam * ds
                if ns > 0 {
                    let next = pass(sample, mu: nmu, s: ns)
                    passes += 1
                    if next.ll >= cur.ll - 1e-15 * abs(cur.ll) {
                        mu = nmu; s = ns; cur = next; accepted = true
                        break
                    }
                }
                lam *= 0.5
            }
            if !accepted || (abs(lam * dmu) <= tolerance * s && abs(lam * ds) <= tolerance * s) { break }
        }
        return (mu, s, cur.ll, passes)
    }
}
