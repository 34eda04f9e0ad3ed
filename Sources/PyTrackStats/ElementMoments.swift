/// Mean, central moments and extrema of Float elements, accumulated in Double (vectorised corrected
/// two-pass algorithm: the second pass also refines the mean).
///
/// Conventions match numpy/scipy: `std` has ddof = 0, `skewness` is `scipy.stats.skew` (biased),
/// `excessKurtosis` is `scipy.stats.kurtosis` (Fisher, biased).
public struct ElementMoments: Sendable {
    public let count: Int
    public let mean: Double
    /// Population variance (ddof = 0).
    public let variance: Double
    public let skewness: Double
    public let excessKurtosis: Double
    /// Sum of squares of the elements (for the Frobenius norm).
    public let sumOfSquares: Double
    public let minimum: Double
    public let maximum: Double

    /// Standard deviation, ddof = 0.
    public var std: Double { variance.squareRoot() }

    /// Computes the moments of `x`; every element must be finite (see `nonfiniteCount`).
    public init(_ x: UnsafeBufferPointer<Float>) {
        let n = x.count
        count = n
        guard n > 0, let base = x.baseAddress else {
            mean = .nan; variance = .nan; skewness = .nan; excessKurtosis = .nan
            sumOfSquares = 0; minimum = .nan; maximum = .nan
            return
        }
        let raw = UnsafeRawPointer(base)
        let n8 = n / 8
        // Pass 1: sum, sum of squares, min, max.
        var s1 = 0.0, s2 = 0.0
        var vmin = SIMD8<Float>(repeating: .infinity), vmax = SIMD8<Float>(repeating: -.infinity)
        var blk = 0
        while blk < n8 {
            let end = min(n8, blk + 512)
            var a = SIMD8<Double>(), b = SIMD8<Double>()
            for i in blk..<end {
                let v = raw.loadUnaligned(fromByteOffset: i &* 32, as: SIMD8<Float>.self)
                vmin = pointwiseMin(vmin, v); vmax = pointwiseMax(vmax, v)
                let d = SIMD8<Double>(v)
                a += d; b += d * d
            }
            s1 += a.sum(); s2 += b.sum()
            blk = end
        }
        var lo = vmin.min(), hi = vmax.max()
        for i in (n8 * 8)..<n {
            let v = base[i]; let d = Double(v)
            s1 += d; s2 += d * d
            lo = min(lo, v); hi = max(hi, v)
        }
        let m0 = s1 / Double(n)
        // Pass 2: centred sums.
        var c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0
        let mv = SIMD8<Double>(repeating: m0)
        blk = 0
        while blk < n8 {
            let end = min(n8, blk + 512)
            var a = SIMD8<Double>(), b = SIMD8<Double>(), c = SIMD8<Double>(), e = SIMD8<Double>()
            for i in blk..<end {
                let v = raw.loadUnaligned(fromByteOffset: i &* 32, as: SIMD8<Float>.self)
                let d = SIMD8<Double>(v) - mv
                let d2 = d * d
                a += d; b += d2; c += d2 * d; e += d2 * d2
            }
            c1 += a.sum(); c2 += b.sum(); c3 += c.sum(); c4 += e.sum()
            blk = end
        }
        for i in (n8 * 8)..<n {
            let d = Double(base[i]) - m0
            let d2 = d * d
            c1 += d; c2 += d2; c3 += d2 * d; c4 += d2 * d2
        }
        let nd = Double(n)
        let shift = c1 / nd
        mean = m0 + shift
        // Moments about the refined mean (binomial shift of the raw central sums).
        let m2 = max(c2 / nd - shift * shift, 0)
        let m3 = c3 / nd - 3 * shift * c2 / nd + 2 * shift * shift * shift
        let m4 = c4 / nd - 4 * shift * c3 / nd + 6 * shift * shift * c2 / nd - 3 * shift * shift * shift * shift
        variance = m2
        skewness = m2 > 0 ? m3 / (m2 * m2.squareRoot()) : .nan
        excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : .nan
        sumOfSquares = s2
        minimum = Double(lo); maximum = Double(hi)
    }

    /// Number of NaN or infinite elements in `x`.
    public static func nonfiniteCount(_ x: UnsafeBufferPointer<Float>) -> Int {
        var c = 0
        for v in x where !v.isFinite { c += 1 }
        return c
    }
}
