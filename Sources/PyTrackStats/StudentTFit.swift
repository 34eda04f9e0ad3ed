/// Maximum-likelihood Student-t fit: location mu, scale s and degrees of freedom df, jointly, by
/// Newton's method on the full log-likelihood in (mu, s, log df) with the analytic gradient and Hessian,
/// a Levenberg shift where the Hessian is not negative definite, step halving so the log-likelihood
/// never decreases, and df kept in [`minimumDF`, `maximumDF`].
///
/// df is capped at `maximumDF` = 1000: a Gaussian (or lighter-tailed) sample has its likelihood still
/// rising as df -> infinity, so its fit stops at the cap (mu, s are then the MLE at df = 1000, where t is
/// within ~1e-3 of the normal). `df == maximumDF` therefore reads "no heavier tails than a Gaussian".
///
/// Like `LogisticFit`, a large sample (> 2^19 elements) is first fitted on ~128K evenly spaced order
/// statistics, then polished on all data by plain Newton passes (2-3); every pass evaluates once per
/// distinct value (one log each). The KS distance uses the exact CDF per distinct value for up to
/// 2^16 elements, else a cubic Hermite table of the CDF on an asinh grid (error < 1e-12).
public struct StudentTFit: Sendable {
    /// Lower bound of df.
    public static let minimumDF = 0.1
    /// Upper bound (cap) of df: a Gaussian sample's MLE df is infinite.
    public static let maximumDF = 1000.0

    public let mu: Double
    public let s: Double
    public let df: Double
    /// Mean log-likelihood per element at (mu, s, df).
    public let meanLogLikelihood: Double
    /// KS distance to the fitted t (`scipy.stats.kstest(x, 't', args=(df, mu, s)).statistic`).
    public let ks: Double
    /// Full-data passes used (Newton passes plus the final KS/log-likelihood pass).
    public let passes: Int

    /// The fitted distribution.
    public var distribution: StudentTDistribution { StudentTDistribution(df: df, mu: mu, s: s) }

    /// Fits the sorted finite sample, starting from its median and moments.
    public init(sorted: SortedSample, moments: ElementMoments) {
        self.init(sorted: sorted, moments: moments, exactKSLimit: 1 << 16)
    }

    /// As `init(sorted:moments:)`; samples larger than `exactKSLimit` use the interpolated CDF for KS.
    init(sorted: SortedSample, moments: ElementMoments, exactKSLimit: Int) {
        let n = sorted.count
        let start = StudentTFit.startingPoint(sorted: sorted, moments: moments)
        guard n > 0, let start else {
            mu = moments.mean; s = .nan; df = .nan; meanLogLikelihood = .nan; ks = .nan; passes = 0
            return
        }
        var p = start
        var fullPasses = 0
        let target = 1 << 17
        if n > 4 * target {
            // Stage 1: converge on ~128K evenly spaced order statistics.
            let stride = n / target
            let sub = SortedSample(presorted: Swift.stride(from: stride / 2, to: n, by: stride).map { sorted.values[$0] })
            p = StudentTFit.newton(sub, start: p, tolerance: 1e-9).point
            // Stage 2: plain Newton on all data from that close start. Each pass also gives the
            // log-likelihood at its point, so a step that lowered it is undone and the loop stops.
            var best = p, bestLL = -Double.infinity
            var cur = p
            for _ in 0..<6 {
                let e = StudentTFit.evaluate(sorted, at: cur)
                fullPasses += 1
                guard e.ll.isFinite, e.ll >= bestLL - 1e-13 * abs(bestLL) else { break }
                best = cur; bestLL = e.ll
                guard let d = StudentTFit.direction(e, at: cur) else { break }
                let next = cur.moved(by: d, fraction: 1)
                // Nothing left to gain at the resolution of the mean log-likelihood (flat in df near the cap).
                let decrement = e.g.0 * d.0 + e.g.1 * d.1 + e.g.2 * (next.eta - cur.eta)
                if decrement <= 1e-14 * max(1, abs(e.ll)) { break }
                guard next.s > 0, next.mu.isFinite else { break }
                let small = abs(d.0) <= 1e-7 * cur.s && abs(d.1) <= 1e-7 * cur.s && abs(next.eta - cur.eta) <= 1e-7
                cur = next
                if small { best = cur; break } // quadratic convergence: what is left after it is ~1e-14
            }
            p = best
        } else {
            let r = StudentTFit.newton(sorted, start: p, tolerance: 1e-10)
            p = r.point; fullPasses = r.passes
        }
        mu = p.mu; s = p.s; df = p.df
        // Final pass: mean log-likelihood and KS distance together.
        let count = Double(n), inv = 1 / p.s, nu = p.df, m = p.mu
        var logSum = 0.0
        var d = 0.0
        let table: StudentTDistribution.InterpolatedCDF? = n > exactKSLimit
            ? StudentTDistribution.InterpolatedCDF(df: nu, zLow: (Double(sorted.values[0]) - m) * inv,
                                                   zHigh: (Double(sorted.values[n - 1]) - m) * inv)
            : nil
        var k = 0
        sorted.forEachRun { x, first, len in
            let z = (x - m) * inv
            logSum += Double(len) * _log1p(z * z / nu)
            let f: Double
            if let table {
                while k + 2 < table.nodes.count && table.nodes[k + 1] < z { k += 1 }
                f = table.value(z, interval: k)
            } else {
                f = StudentTDistribution.standardCDF(z, df: nu)
            }
            d = max(d, Double(first + len) / count - f, f - Double(first) / count)
        }
        ks = d
        meanLogLikelihood = StudentTDistribution.logNormalizer(df: nu) - _log(p.s) - 0.5 * (nu + 1) * logSum / count
        passes = fullPasses + 1
    }

    /// Mean t log-likelihood of a sample at (mu, s, df).
    public static func meanLogLikelihood(_ sample: SortedSample, mu: Double, s: Double, df: Double) -> Double {
        evaluate(sample, at: Point(mu: mu, s: s, eta: _log(df))).ll
    }

    // MARK: - Newton machinery

    /// A parameter point; eta = log df.
    struct Point {
        var mu: Double, s: Double, eta: Double
        var df: Double { eta >= Point.etaHigh ? StudentTFit.maximumDF : (eta <= Point.etaLow ? StudentTFit.minimumDF : _exp(eta)) }
        static let etaLow = _log(StudentTFit.minimumDF), etaHigh = _log(StudentTFit.maximumDF)

        func moved(by d: (Double, Double, Double), fraction: Double) -> Point {
            Point(mu: mu + fraction * d.0, s: s + fraction * d.1,
                  eta: min(max(eta + fraction * d.2, Point.etaLow), Point.etaHigh))
        }
    }

    /// Mean log-likelihood, gradient and Hessian (per element) in (mu, s, eta) at one point.
    struct Evaluation {
        var ll = 0.0
        var g = (0.0, 0.0, 0.0)
        var h = [[Double]](repeating: [0, 0, 0], count: 3)
    }

    /// Start: the median, df from the excess kurtosis (6 / (df - 4)) clamped to [4, 1000] (never below 4
    /// so the moment scale exists), s from the std of a t with that df.
    static func startingPoint(sorted: SortedSample, moments: ElementMoments) -> Point? {
        let sd = moments.std
        guard sorted.count > 0, sd > 0, sd.isFinite else { return nil }
        let k = moments.excessKurtosis
        let df0 = k.isFinite && k > 6.0 / (maximumDF - 4) ? min(max(4 + 6 / k, 4), maximumDF) : maximumDF
        let s0 = sd * ((df0 - 2) / df0).squareRoot()
        let mu0 = sorted.quantile(0.5)
        guard s0 > 0, s0.isFinite, mu0.isFinite else { return nil }
        return Point(mu: mu0, s: s0, eta: _log(df0))
    }

    /// One pass over the distinct values: log-likelihood, gradient and Hessian at `p`.
    static func evaluate(_ sample: SortedSample, at p: Point) -> Evaluation {
        let nu = p.df, s = p.s, mu = p.mu
        let s2 = s * s, nus2 = nu * s2
        var sL = 0.0, s1 = 0.0, s2A = 0.0, t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0, t4 = 0.0
        sample.forEachRun { x, _, len in
            let c = Double(len)
            let r = x - mu, r2 = r * r
            let invA = 1 / (nus2 + r2)
            let invA2 = invA * invA
            sL += c * _log1p(r2 / nus2)
            s1 += c * r * invA
            s2A += c * r2 * invA
            t0 += c * invA2
            t1 += c * r * invA2
            t2 += c * r2 * invA2
            t3 += c * r * r2 * invA2
            t4 += c * r2 * r2 * invA2
        }
        let n = Double(sample.count)
        let cp = 0.5 * SpecialFunctions.digamma(0.5 * (nu + 1)) - 0.5 * SpecialFunctions.digamma(0.5 * nu) - 0.5 / nu
        let cpp = 0.25 * SpecialFunctions.trigamma(0.5 * (nu + 1)) - 0.25 * SpecialFunctions.trigamma(0.5 * nu) + 0.5 / (nu * nu)
        var e = Evaluation()
        e.ll = StudentTDistribution.logNormalizer(df: nu) - _log(s) - 0.5 * (nu + 1) * sL / n
        // Derivatives of the summed log-likelihood in (mu, s, nu), with r = x - mu, A = nu s^2 + r^2:
        // l = c(nu) - log s - (nu+1)/2 log(A / (nu s^2)); dl/dmu = (nu+1) r / A,
        // dl/ds = -1/s + (nu+1) r^2 / (s A), dl/dnu = c'(nu) - log(A/(nu s^2))/2 + (nu+1) r^2 / (2 nu A).
        let gMu = (nu + 1) * s1
        let gS = -n / s + (nu + 1) * s2A / s
        let gNu = n * cp - 0.5 * sL + (nu + 1) / (2 * nu) * s2A
        let hMuMu = (nu + 1) * (t2 - nus2 * t0)
        let hMuS = -2 * (nu + 1) * nu * s * t1
        let hMuNu = t3 - s2 * t1
        let hSS = n / s2 - (nu + 1) / s2 * (s2A + 2 * nus2 * t2)
        let hSNu = (t4 - s2 * t2) / s
        let hNuNu = n * cpp + (nu - 1) / (2 * nu * nu) * s2A - (nu + 1) * s2 / (2 * nu) * t2
        // Chain rule to eta = log nu, then per element.
        e.g = (gMu / n, gS / n, nu * gNu / n)
        e.h = [[hMuMu / n, hMuS / n, nu * hMuNu / n],
               [hMuS / n, hSS / n, nu * hSNu / n],
               [nu * hMuNu / n, nu * hSNu / n, (nu * nu * hNuNu + nu * gNu) / n]]
        return e
    }

    /// The Newton ascent direction at `p` (Levenberg-shifted if needed); eta is held fixed when it sits on
    /// a bound and the gradient points out of the box.
    static func direction(_ e: Evaluation, at p: Point) -> (Double, Double, Double)? {
        let g = [e.g.0, e.g.1, e.g.2]
        guard g.allSatisfy(\.isFinite), e.h.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return nil }
        let atHigh = p.eta >= Point.etaHigh - 1e-12 && g[2] > 0
        let atLow = p.eta <= Point.etaLow + 1e-12 && g[2] < 0
        let dim = atHigh || atLow ? 2 : 3
        // Solve (-H + lambda D) d = g with D = diag(|H_ii|), lambda = 0, 1e-6, 1e-5, ... until positive definite.
        var lambda = 0.0
        for _ in 0..<30 {
            var a = [[Double]](repeating: [Double](repeating: 0, count: dim), count: dim)
            for i in 0..<dim {
                for j in 0..<dim { a[i][j] = -e.h[i][j] }
                a[i][i] += lambda * max(abs(e.h[i][i]), 1e-300)
            }
            if let x = choleskySolve(a, Array(g[0..<dim])) {
                return (x[0], x[1], dim == 3 ? x[2] : 0)
            }
            lambda = lambda == 0 ? 1e-6 : lambda * 10
        }
        return nil
    }

    /// Solves A x = b for symmetric positive definite A (nil if it is not).
    static func choleskySolve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i][k] * y[k] }
            y[i] = sum / l[i][i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k][i] * x[k] }
            x[i] = sum / l[i][i]
        }
        return x
    }

    /// Damped Newton to convergence on `sample` (steps below `tolerance` in mu/s relative to s and in eta).
    static func newton(_ sample: SortedSample, start: Point, tolerance: Double) -> (point: Point, ll: Double, passes: Int) {
        var p = start
        var cur = evaluate(sample, at: p)
        var passes = 1
        for _ in 0..<200 {
            guard let d = direction(cur, at: p) else { break }
            // Newton decrement g.d (twice the predicted gain): below what the mean log-likelihood can
            // resolve, the point is converged; take the full step only if it does not lose anything.
            let decrement = cur.g.0 * d.0 + cur.g.1 * d.1 + cur.g.2 * (p.moved(by: d, fraction: 1).eta - p.eta)
            if decrement <= 1e-14 * max(1, abs(cur.ll)) {
                let next = p.moved(by: d, fraction: 1)
                if next.s > 0 {
                    let e = evaluate(sample, at: next)
                    passes += 1
                    if e.ll.isFinite && e.ll >= cur.ll { p = next; cur = e }
                }
                break
            }
            var lam = 1.0
            var accepted = false
            var converged = false
            while lam > 1e-12 {
                let next = p.moved(by: d, fraction: lam)
                if next.s > 0 {
                    let e = evaluate(sample, at: next)
                    passes += 1
                    if e.ll.isFinite && e.ll >= cur.ll - 1e-15 * abs(cur.ll) {
                        converged = lam == 1 && abs(d.0) <= tolerance * p.s && abs(d.1) <= tolerance * p.s
                            && abs(next.eta - p.eta) <= tolerance
                        p = next; cur = e; accepted = true
                        break
                    }
                }
                lam *= 0.5
            }
            if !accepted || converged { break }
        }
        return (p, cur.ll, passes)
    }
}
