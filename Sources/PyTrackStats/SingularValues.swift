import CLapack

/// All singular values of a real m x n matrix, in descending order.
///
/// The default path (`.automatic`) forms the Gram matrix of the short side in Double, block by block
/// with `dsyrk` (memory O(block + n^2), never a full Double copy), and takes its eigenvalues with
/// `dsyevd`. Squaring the matrix squares its condition number, so the result is checked against an
/// a-priori bound: the Gram eigenvalues carry an absolute error ~ c(n) eps lambda_max, so sigma_i has a
/// relative error ~ c(n) eps lambda_max / lambda_i / 2. With c(n) = sqrt(n), when that bound exceeds 1e-6
/// for the smallest value the singular values are recomputed with `dgesdd` on a Double copy; the 100x margin
/// to the 1e-4 requirement covers c(n) = n for n <= 10^4 (measured: c < 1 on Gaussian matrices).
/// Every path treats the row-major buffer as its column-major transpose, which has the same singular
/// values, so LAPACKE never copies it.
public struct SingularValues: Sendable {
    /// How the singular values are obtained.
    public enum Method: String, Sendable, CaseIterable {
        /// Gram in Double + `dsyevd`, falling back to `dgesdd` when the bound above is not met.
        case automatic
        /// Gram in Double + `dsyevd`, never falling back (for measurements).
        case gramDouble
        /// `dgesdd` (divide and conquer, values only) on a Double copy.
        case gesddDouble
        /// `sgesdd` on a Float copy (fast, but relative error ~ 6e-8 * sigma_max / sigma_i).
        case gesddFloat
        /// `sgesvd` (bidiagonal QR) on a Float copy.
        case gesvdFloat
    }

    /// Singular values, descending.
    public let values: [Double]
    /// The method that produced `values` (`.gramDouble` or `.gesddDouble` for `.automatic`).
    public let method: Method

    /// Relative-error bound above which `.automatic` abandons the Gram eigenvalues.
    public static let gramRelativeErrorLimit = 1e-6

    /// Rows of a Gram block: about 2 M doubles (16 MB) per block.
    static func blockRows(cols: Int) -> Int { max(1, min(1 << 21 / max(cols, 1), 1 << 16)) }

    /// Computes the singular values of the row-major `rows x cols` matrix `a`.
    public static func compute(_ a: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                               method: Method = .automatic) throws -> SingularValues {
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard rows > 0, cols > 0, !overflow, count == a.count else {
            throw StatsError.shapeMismatch(rows: rows, cols: cols, count: a.count)
        }
        guard Int32(exactly: rows) != nil, Int32(exactly: cols) != nil else {
            throw StatsError.invalidArgument(step: "svd", detail: "dimension \(rows)x\(cols) exceeds LAPACK's 32-bit limit")
        }
        switch method {
        case .automatic, .gramDouble:
            let eig = try gramEigenvalues(a, rows: rows, cols: cols)
            if method == .gramDouble || gramIsAccurate(eig) {
                return SingularValues(values: singularFromEigen(eig), method: .gramDouble)
            }
            return SingularValues(values: try gesddDouble(a, rows: rows, cols: cols), method: .gesddDouble)
        case .gesddDouble:
            return SingularValues(values: try gesddDouble(a, rows: rows, cols: cols), method: .gesddDouble)
        case .gesddFloat, .gesvdFloat:
            var copy = [Float](a)
            let k = min(rows, cols)
            var s = [Float](repeating: 0, count: k)
            let info: Int32 = copy.withUnsafeMutableBufferPointer { cp in
                s.withUnsafeMutableBufferPointer { sp in
                    if method == .gesddFloat {
                        return LAPACKE_sgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(cols), Int32(rows),
                                              cp.baseAddress, Int32(cols), sp.baseAddress, nil, 1, nil, 1)
                    }
                    var superb = [Float](repeating: 0, count: max(k - 1, 1))
                    return LAPACKE_sgesvd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "N")),
                                          Int32(cols), Int32(rows), cp.baseAddress, Int32(cols), sp.baseAddress,
                                          nil, 1, nil, 1, &superb)
                }
            }
            guard info == 0 else {
                throw StatsError.lapackFailed(routine: method == .gesddFloat ? "sgesdd" : "sgesvd", info: info)
            }
            return SingularValues(values: s.map(Double.init), method: method)
        }
    }

    /// Whether Gram eigenvalues (ascending) give every singular value to `gramRelativeErrorLimit`.
    static func gramIsAccurate(_ eig: [Double]) -> Bool {
        guard let lo = eig.first, let hi = eig.last else { return true }
        if hi <= 0 { return true } // the zero matrix: all singular values are exactly 0
        guard lo > 0 else { return false }
        let bound = Double(eig.count).squareRoot() * Double.ulpOfOne * hi / lo / 2
        return bound <= gramRelativeErrorLimit
    }

    /// sqrt of ascending eigenvalues, clamped at 0, returned descending.
    static func singularFromEigen(_ eig: [Double]) -> [Double] {
        eig.reversed().map { $0 > 0 ? $0.squareRoot() : 0 }
    }

    /// Eigenvalues (ascending) of the Gram matrix of the short side, accumulated in Double.
    static func gramEigenvalues(_ a: UnsafeBufferPointer<Float>, rows: Int, cols: Int) throws -> [Double] {
        guard let base = a.baseAddress else { throw StatsError.empty(step: "svd") }
        if rows >= cols {
            let n = cols
            let br = blockRows(cols: n)
            var block = [Double](repeating: 0, count: min(br, rows) * n)
            return try gramEigen(order: n) { gram in
                var r0 = 0
                block.withUnsafeMutableBufferPointer { bp in
                    while r0 < rows {
                        let r = min(br, rows - r0)
                        let src = base + r0 * n
                        for i in 0..<(r * n) { bp[i] = Double(src[i]) }
                        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(r), 1.0,
                                    bp.baseAddress, Int32(n), r0 == 0 ? 0.0 : 1.0, gram, Int32(n))
                        r0 += r
                    }
                }
            }
        } else {
            let m = rows
            let bc = blockRows(cols: m)
            var block = [Double](repeating: 0, count: m * min(bc, cols))
            return try gramEigen(order: m) { gram in
                var c0 = 0
                block.withUnsafeMutableBufferPointer { bp in
                    while c0 < cols {
                        let c = min(bc, cols - c0)
                        for i in 0..<m {
                            let src = base + i * cols + c0
                            let dst = bp.baseAddress! + i * c
                            for j in 0..<c { dst[j] = Double(src[j]) }
                        }
                        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(m), Int32(c), 1.0,
                                    bp.baseAddress, Int32(c), c0 == 0 ? 0.0 : 1.0, gram, Int32(m))
                        c0 += c
                    }
                }
            }
        }
    }

    /// Allocates an order x order Gram matrix, lets `accumulate` fill its upper triangle (row-major),
    /// and returns its eigenvalues ascending.
    static func gramEigen(order n: Int, accumulate: (UnsafeMutablePointer<Double>) -> Void) throws -> [Double] {
        var gram = [Double](repeating: 0, count: n * n)
        var w = [Double](repeating: 0, count: n)
        let info: Int32 = gram.withUnsafeMutableBufferPointer { gp in
            accumulate(gp.baseAddress!)
            // Row-major upper == column-major lower: no transpose copy inside LAPACKE.
            return w.withUnsafeMutableBufferPointer { wp in
                LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "L")),
                               Int32(n), gp.baseAddress, Int32(n), wp.baseAddress)
            }
        }
        guard info == 0 else { throw StatsError.lapackFailed(routine: "dsyevd", info: info) }
        return w
    }

    /// `dgesdd` (values only) on a Double copy of `a`; descending.
    static func gesddDouble(_ a: UnsafeBufferPointer<Float>, rows: Int, cols: Int) throws -> [Double] {
        var copy = [Double](unsafeUninitializedCapacity: a.count) { buf, initialized in
            for i in 0..<a.count { buf[i] = Double(a[i]) }
            initialized = a.count
        }
        return try gesddInPlace(&copy, rows: rows, cols: cols)
    }

    /// `dgesdd` (values only) on a row-major Double matrix that it overwrites; descending.
    static func gesddInPlace(_ a: inout [Double], rows: Int, cols: Int) throws -> [Double] {
        var s = [Double](repeating: 0, count: min(rows, cols))
        let info: Int32 = a.withUnsafeMutableBufferPointer { ap in
            s.withUnsafeMutableBufferPointer { sp in
                LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(cols), Int32(rows),
                               ap.baseAddress, Int32(cols), sp.baseAddress, nil, 1, nil, 1)
            }
        }
        guard info == 0 else { throw StatsError.lapackFailed(routine: "dgesdd", info: info) }
        return s
    }
}

/// C += A^T A (upper triangle, row-major) for a row-major k x n block A: one Gram accumulation step.
@inline(__always)
func cblas_dsyrk_shim(n: Int, k: Int, a: UnsafePointer<Double>, beta: Double, c: UnsafeMutablePointer<Double>) {
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), 1.0, a, Int32(n), beta, c, Int32(n))
}
