import CLapack

/// Singular values of a seeded random matrix of a given shape, drawn i.i.d. from a fitted distribution:
/// the "sampled reference" spectra. Rows are generated block by block straight into the Double Gram
/// accumulation (the matrix is never materialised) unless the Gram bound of `SingularValues` fails, in
/// which case the same stream is regenerated in full and `dgesdd` is used. Deterministic per seed.
public enum SampledSpectrum {
    /// The element distribution.
    public enum Distribution: Sendable {
        case gaussian(mu: Double, sigma: Double)
        case logistic(mu: Double, s: Double)
    }

    /// Singular values (descending) of a `rows x cols` matrix drawn from `distribution` with `seed`.
    public static func singularValues(rows: Int, cols: Int, distribution: Distribution, seed: UInt64) throws -> [Double] {
        let m = max(rows, cols), n = min(rows, cols)
        let (count, overflow) = m.multipliedReportingOverflow(by: n)
        guard n > 0, !overflow, Int32(exactly: m) != nil else {
            throw StatsError.shapeMismatch(rows: rows, cols: cols, count: overflow ? -1 : count)
        }
        func fill(_ rng: inout Xoshiro256StarStar, _ buf: UnsafeMutableBufferPointer<Double>) {
            switch distribution {
            case let .gaussian(mu, sigma): rng.fillNormal(buf, mu: mu, sigma: sigma)
            case let .logistic(mu, s): rng.fillLogistic(buf, mu: mu, s: s)
            }
        }
        let br = SingularValues.blockRows(cols: n)
        var block = [Double](repeating: 0, count: min(br, m) * n)
        var rng = Xoshiro256StarStar(seed: seed)
        let eig = try SingularValues.gramEigen(order: n) { gram in
            var r0 = 0
            block.withUnsafeMutableBufferPointer { bp in
                while r0 < m {
                    let r = min(br, m - r0)
                    fill(&rng, UnsafeMutableBufferPointer(rebasing: bp[0..<(r * n)]))
                    cblas_dsyrk_shim(n: n, k: r, a: bp.baseAddress!, beta: r0 == 0 ? 0 : 1, c: gram)
                    r0 += r
                }
            }
        }
        if SingularValues.gramIsAccurate(eig) { return SingularValues.singularFromEigen(eig) }
        var full = [Double](repeating: 0, count: count)
        var rng2 = Xoshiro256StarStar(seed: seed)
        full.withUnsafeMutableBufferPointer { fill(&rng2, $0) }
        return try SingularValues.gesddInPlace(&full, rows: m, cols: n)
    }
}
