/// Frobenius norms of the per-head OV circuits W_O^h W_V^h (d x d, rank <= head_dim), where
/// W_V^h [hd x d] are head h's V rows of the fused QKV matrix and W_O^h = attn_out[:, h*hd..<(h+1)*hd]
/// [d x hd]. (DESIGN writes ||W_V^h W_O^h||_F in the row-vector convention; in PyTorch's out x in
/// layout the same circuit is W_O^h W_V^h.)
///
/// Computed without forming the d x d product: ||W_O W_V||_F^2 = trace(W_V^T W_O^T W_O W_V)
/// = sum_ij (W_O^T W_O)_ij (W_V W_V^T)_ij, two hd x hd Gram matrices accumulated in Double.
public enum OVCircuitNorms {
    /// - Parameters:
    ///   - qkv: the fused QKV matrix, row-major `3d x d`.
    ///   - dense: attention output matrix, row-major `d x d`.
    ///   - d: model width.
    ///   - vRows: the rows of head h's V part in `qkv` (head_dim rows).
    /// - Returns: one norm per head; NaN for a head whose inputs hold a non-finite value.
    public static func frobenius(qkv: UnsafeBufferPointer<Float>, dense: UnsafeBufferPointer<Float>, d: Int,
                                 heads: Int, vRows: (Int) -> Range<Int>) -> [Double] {
        guard heads > 0, d % heads == 0, qkv.count == 3 * d * d, dense.count == d * d else { return [] }
        let hd = d / heads
        var out: [Double] = []
        out.reserveCapacity(heads)
        // Columns h*hd..<(h+1)*hd of dense, transposed to hd contiguous rows of length d.
        var ot = [Double](repeating: 0, count: hd * d)
        var vt = [Double](repeating: 0, count: hd * d)
        for h in 0..<heads {
            let rows = vRows(h)
            guard rows.count == hd, rows.lowerBound >= 0, rows.upperBound <= 3 * d else { out.append(.nan); continue }
            for r in 0..<d {
                for i in 0..<hd { ot[i * d + r] = Double(dense[r * d + h * hd + i]) }
            }
            for (i, row) in rows.enumerated() {
                for c in 0..<d { vt[i * d + c] = Double(qkv[row * d + c]) }
            }
            var total = 0.0
            ot.withUnsafeBufferPointer { o in
                vt.withUnsafeBufferPointer { v in
                    for i in 0..<hd {
                        for j in i..<hd {
                            let go = dot(o, i * d, j * d, d), gv = dot(v, i * d, j * d, d)
                            total += (i == j ? 1 : 2) * go * gv
                        }
                    }
                }
            }
            out.append(total.isFinite ? max(total, 0).squareRoot() : .nan)
        }
        return out
    }

    @inline(__always)
    private static func dot(_ x: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= n {
            s0 += x[a + k] * x[b + k]; s1 += x[a + k + 1] * x[b + k + 1]
            s2 += x[a + k + 2] * x[b + k + 2]; s3 += x[a + k + 3] * x[b + k + 3]
            k += 4
        }
        while k < n { s0 += x[a + k] * x[b + k]; k += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
