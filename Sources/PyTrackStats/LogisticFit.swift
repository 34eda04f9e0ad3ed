/// Maximum-likelihood logistic fit (location mu, scale s) by Newton's method on the score equations
/// sum tanh(z/2) = 0 and sum z tanh(z/2) = n (z = (x - mu)/s), with step halving so the
/// log-likelihood never decreases. Starts at the moment estimates (mean, std sqrt(3)/pi); for large
/// samples it first converges on a systematic subsample of ~128K order statistics, then polishes on all
/// data (quadratic convergence: 2-3 full passes, then one pass for KS + log-likelihood). Each pass
/// evaluates once per distinct value.
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
        let target = 1 << 17
        var fullPasses = 0
        if n > 4 * target {
            // Stage 1: converge (with log-likelihood line search) on ~128K evenly spaced order statistics.
            let stride = n / target
            let sub = SortedSample(presorted: Swift.stride(from: stride / 2, to: n, by: stride).map { sorted.values[$0] })
            let r = LogisticFit.newton(sub, mu: mu0, s: s0, tolerance: 1e-9)
            mu0 = r.mu; s0 = r.s
            // Stage 2: plain Newton on all data from that close start (score-only passes); a step below
            // 1e-7 s leaves ~1e-14 after it (quadratic convergence), so it is applied and the loop stops.
            var pm = mu0, ps = s0
            for _ in 0..<6 {
                let p = LogisticFit.pass(sorted, mu: pm, s: ps, logLikelihood: false)
                fullPasses += 1
                let det = p.j11 * p.j22 - p.j12 * p.j21
                guard det != 0, det.isFinite else { break }
                let dmu = -(p.e1 * p.j22 - p.j12 * p.e2) / det
                let ds = -(p.j11 * p.e2 - p.j21 * p.e1) / det
                guard ps + ds > 0 else { break }
                pm += dmu; ps += ds
                if abs(dmu) <= 1e-7 * ps && abs(ds) <= 1e-7 * ps { break }
            }
            if pm.isFinite && ps.isFinite && ps > 0 { mu0 = pm; s0 = ps }
        } else {
            let r = LogisticFit.newton(sorted, mu: mu0, s: s0, tolerance: 1e-10)
            mu0 = r.mu; s0 = r.s; fullPasses = r.passes
        }
        mu = mu0; s = s0; passes = fullPasses + 1
        // Final pass: KS distance and mean log-likelihood together (one exp per distinct value).
        let m = mu0, inv = 1 / s0, count = Double(n)
        var d = 0.0, ll = 0.0
        sorted.forEachRun { x, first, len in
            let z = (x - m) * inv
            let e = _exp(-abs(z))
            let f = z >= 0 ? 1 / (1 + e) : e / (1 + e)
            d = max(d, Double(first + len) / count - f, f - Double(first) / count)
            ll += Double(len) * (-abs(z) - 2 * _log1p(e))
        }
        ks = d
        meanLogLikelihood = ll / count - _log(s0)
    }

    /// Logistic CDF at x.
    public func cdf(_ x: Double) -> Double { 1 / (1 + _exp(-(x - mu) / s)) }

    /// Mean logistic log-likelihood of a sample at (mu, s).
    public static func meanLogLikelihood(_ sample: SortedSample, mu: Double, s: Double) -> Double {
        pass(sample, mu: mu, s: s).ll
    }

    struct PassResult { var e1 = 0.0, e2 = 0.0, j11 = 0.0, j12 = 0.0, j21 = 0.0, j22 = 0.0, ll = 0.0 }

    static func pass(_ sample: SortedSample, mu: Double, s: Double, logLikelihood: Bool = true) -> PassResult {
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
            if logLikelihood { llSum += c * (-az - 2 * _log1p(e)) }
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
            if abs(dmu) <= tolerance * s && abs(ds) <= tolerance * s { break } // converged at `cur`
            var lam = 1.0
            var accepted = false
            while lam > 1e-10 {
                let nmu = mu + lam * dmu, ns = s + lam * ds
                if ns > 0 {
                    let next = pass(sample, mu: nmu, s: ns)
                    passes += 1
                    if next.ll >= cur.ll - 1e-12 * abs(cur.ll) {
                        mu = nmu; s = ns; cur = next; accepted = true
                        break
                    }
                }
                lam *= 0.5
            }
            if !accepted { break }
        }
        return (mu, s, cur.ll, passes)
    }
}
