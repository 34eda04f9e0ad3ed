/// The xoshiro256** pseudo-random generator (Blackman & Vigna), seeded through SplitMix64.
///
/// Deterministic for a given seed on every platform; used for the sampled reference matrices.
public struct Xoshiro256StarStar: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in the open interval (0, 1).
    @inline(__always)
    public mutating func nextOpenUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Fills `buffer` with draws from N(mu, sigma^2) (Box-Muller, both outputs used).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>, mu: Double, sigma: Double) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u1 = nextOpenUnit(), u2 = nextOpenUnit()
            let r = (-2.0 * _log(u1)).squareRoot()
            let th = 2.0 * Double.pi * u2
            buffer[i] = mu + sigma * r * _cos(th)
            if i + 1 < n { buffer[i + 1] = mu + sigma * r * _sin(th) }
            i += 2
        }
    }

    /// Fills `buffer` with draws from the logistic distribution (location mu, scale s), by inverse CDF.
    public mutating func fillLogistic(_ buffer: UnsafeMutableBufferPointer<Double>, mu: Double, s: Double) {
        for i in 0..<buffer.count {
            let u = nextOpenUnit()
            buffer[i] = mu + s * _log(u / (1.0 - u))
        }
    }
}
