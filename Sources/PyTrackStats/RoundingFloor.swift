/// The floor that the storage grid puts under a Gaussian KS distance (`ks_floor`): `gauss_ks` of a seeded
/// sample of the same size, drawn from N(mean, std) of the matrix, rounded to Float and then to the
/// source dtype (round to nearest even, as torch's casts), and fitted like the data (its own mean and
/// std). A KS difference below it is sampling and rounding noise, not a change of shape.
///
/// fp16 and bf16 samples are counted per 16-bit pattern (O(n) time, 64 Ki counters, exact for any n);
/// fp32/fp64 samples (whose grid is far finer than 1/n) are sorted, at most 2^24 of them: above that the
/// sampled value is scaled by sqrt(2^24 / n), the 1/sqrt(n) law of the KS distance of a continuous sample.
public enum RoundingFloor {
    /// The storage grids of the dtypes pytrack reads.
    public enum Grid: Sendable, Equatable {
        case float16, bfloat16, float32

        /// The grid of a safetensors/torch dtype name (`F16`, `BF16`, `F32`, `F64`); nil for others.
        public init?(dtype: String) {
            switch dtype.uppercased() {
            case "F16", "FLOAT16", "HALF": self = .float16
            case "BF16", "BFLOAT16": self = .bfloat16
            case "F32", "FLOAT32", "FLOAT", "F64", "FLOAT64", "DOUBLE": self = .float32 // analysed as Float
            default: return nil
            }
        }
    }

    /// Largest fp32 sample sorted.
    public static let maxSortedSample = 1 << 24

    /// `gauss_ks` of a seeded N(mean, std) sample of `count` values on `grid`; NaN when std is not positive.
    public static func gaussKS(count: Int, grid: Grid, mean: Double, std: Double, seed: UInt64) -> Double {
        guard count > 0, std > 0, std.isFinite, mean.isFinite else { return .nan }
        var rng = Xoshiro256StarStar(seed: seed)
        switch grid {
        case .float32:
            let size = min(count, maxSortedSample)
            var sample = [Float](repeating: 0, count: size)
            var chunk = [Double](repeating: 0, count: 1 << 16)
            var at = 0
            while at < size {
                let c = min(chunk.count, size - at)
                chunk.withUnsafeMutableBufferPointer { rng.fillNormal(UnsafeMutableBufferPointer(rebasing: $0[0..<c]), mu: mean, sigma: std) }
                for i in 0..<c { sample[at + i] = Float(chunk[i]) }
                at += c
            }
            let ks = sample.withUnsafeBufferPointer { b in
                GaussianFit(moments: ElementMoments(b), sorted: SortedSample(finite: b)).ks
            }
            return size == count ? ks : ks * (Double(size) / Double(count)).squareRoot()
        case .float16, .bfloat16:
            var counts = [Int](repeating: 0, count: 1 << 16)
            var chunk = [Double](repeating: 0, count: 1 << 16)
            var done = 0
            while done < count {
                let c = min(chunk.count, count - done)
                chunk.withUnsafeMutableBufferPointer { rng.fillNormal(UnsafeMutableBufferPointer(rebasing: $0[0..<c]), mu: mean, sigma: std) }
                for i in 0..<c {
                    let f = Float(chunk[i])
                    counts[Int(grid == .float16 ? halfBits(f) : bfloat16Bits(f))] += 1
                }
                done += c
            }
            var runs: [(value: Double, count: Int)] = []
            for (bits, c) in counts.enumerated() where c > 0 {
                let v = grid == .float16 ? halfValue(UInt16(bits)) : Double(Float(bitPattern: UInt32(bits) << 16))
                if v.isFinite { runs.append((v, c)) }
            }
            runs.sort { $0.value < $1.value }
            // -0 and +0 are one value.
            var merged: [(value: Double, count: Int)] = []
            for r in runs {
                if let last = merged.last, last.value == r.value { merged[merged.count - 1].count += r.count } else { merged.append(r) }
            }
            let n = Double(merged.reduce(0) { $0 + $1.count })
            guard n > 0 else { return .nan }
            let m = merged.reduce(0.0) { $0 + $1.value * Double($1.count) } / n
            let v = merged.reduce(0.0) { $0 + (($1.value - m) * ($1.value - m)) * Double($1.count) } / n
            let sd = v.squareRoot()
            guard sd > 0 else { return .nan }
            let scale = 1 / (sd * 2.0.squareRoot())
            var d = 0.0, first = 0
            for r in merged {
                let f = 0.5 * _erfc(-((r.value - m) * scale))
                d = max(d, Double(first + r.count) / n - f, f - Double(first) / n)
                first += r.count
            }
            return d
        }
    }

    /// IEEE half bits of a finite Float, rounded to nearest even (overflow to infinity).
    static func halfBits(_ x: Float) -> UInt16 {
        let b = x.bitPattern
        let sign = UInt16((b >> 16) & 0x8000)
        let a = b & 0x7FFF_FFFF
        if a >= 0x477F_F000 { return sign | 0x7C00 }             // |x| >= 65520 rounds to infinity
        if a >= 0x3880_0000 {                                      // normal half: rebias, round 13 bits away
            let m = a &- 0x3800_0000
            return sign | UInt16((m &+ 0x0FFF &+ ((m >> 13) & 1)) >> 13)
        }
        // subnormal half: multiples of 2^-24, exact in Double; 1024 * 2^-24 is the smallest normal (0x0400)
        let q = (Double(Float(bitPattern: a)) * 0x1p24).rounded(.toNearestOrEven)
        return sign | UInt16(q)
    }

    /// The value of IEEE half bits.
    static func halfValue(_ h: UInt16) -> Double {
        let e = Int((h >> 10) & 0x1F), f = Double(h & 0x3FF)
        let mag: Double
        if e == 0 { mag = f * 0x1p-24 } else if e == 31 { mag = f == 0 ? .infinity : .nan } else {
            mag = (1024 + f) * Double(sign: .plus, exponent: e - 25, significand: 1)
        }
        return h & 0x8000 != 0 ? -mag : mag
    }

    /// bfloat16 bits of a finite Float, rounded to nearest even.
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        return UInt16((u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
    }
}
