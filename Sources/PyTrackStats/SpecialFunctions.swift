/// The special functions the Student-t fit needs, in Double: digamma, trigamma and the regularized
/// incomplete beta function (continued fraction, modified Lentz). Accurate to ~1e-14 in the ranges the
/// fit uses (arguments 0.05 ... 1e4).
enum SpecialFunctions {
    /// psi(x) for x > 0: recurrence up to x >= 15, then the asymptotic series.
    static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return .nan }
        var v = x, acc = 0.0
        while v < 15 { acc -= 1 / v; v += 1 }
        let i2 = 1 / (v * v)
        let series = i2 * (1.0 / 12 - i2 * (1.0 / 120 - i2 * (1.0 / 252 - i2 * (1.0 / 240 - i2 * (1.0 / 132)))))
        return acc + _log(v) - 0.5 / v - series
    }

    /// psi'(x) for x > 0: recurrence up to x >= 15, then the asymptotic series.
    static func trigamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return .nan }
        var v = x, acc = 0.0
        while v < 15 { acc += 1 / (v * v); v += 1 }
        let i = 1 / v, i2 = i * i
        let series = i + 0.5 * i2 + i * i2 * (1.0 / 6 - i2 * (1.0 / 30 - i2 * (1.0 / 42 - i2 * (1.0 / 30 - i2 * (5.0 / 66)))))
        return acc + series
    }

    /// I_x(a, b) with `y` = 1 - x passed separately (so callers keep its precision near x = 1).
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, y: Double) -> Double {
        guard a > 0, b > 0, x >= 0, y >= 0 else { return .nan }
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(a: b, b: a, x: y, y: x) }
        let logFront = a * _log(x) + b * _log(y) - (_lgamma(a) + _lgamma(b) - _lgamma(a + b))
        return _exp(logFront) * continuedFraction(a: a, b: b, x: x) / a
    }

    /// The continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) of I_x(a, b), by modified Lentz.
    static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...10_000 {
            let md = Double(m)
            // Even term d_{2m}, then odd term d_{2m+1}.
            let even = md * (b - md) * x / ((a + 2 * md - 1) * (a + 2 * md))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; f *= d * c
            let odd = -(a + md) * (a + b + md) * x / ((a + 2 * md) * (a + 2 * md + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return f
    }
}
