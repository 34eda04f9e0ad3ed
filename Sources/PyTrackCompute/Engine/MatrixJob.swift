import PyTrackDomain
import PyTrackStore

/// One piece of work inside a checkpoint: a matrix, a vector, a Q/K/V slice of the fused QKV matrix,
/// or the per-head OV circuits of a layer. Each yields one or more `MatrixResult`s.
public struct MatrixJob: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A 2-D weight matrix, statistics via `MatrixStatistics`.
        case matrix(tensor: String)
        /// One part (0 = Q, 1 = K, 2 = V) of a fused `[heads, 3, head_dim] x d` QKV matrix.
        case qkvPart(tensor: String, part: Int, heads: Int)
        /// A 1-D tensor (LayerNorm gain/bias, bias), statistics via `VectorStatistics`.
        case vector(tensor: String)
        /// ||W_O^h W_V^h||_F for every head h of a layer (matrices `ov_head<h>`).
        case ovCircuits(qkv: String, dense: String, heads: Int)
    }

    /// The matrix stored (for `ovCircuits`: `ov_head0`; the job stores `ov_head0..<heads`).
    public var key: MatrixKey
    public var source: Source
    /// Shape of the statistic's input (rows x cols; cols 1 for vectors).
    public var rows: Int
    public var cols: Int
    /// Source dtype (e.g. `F16`).
    public var dtype: String
    /// Metric groups (and versions) this job stores.
    public var groups: [String: Int]

    /// Every key this job stores.
    public var keys: [MatrixKey] {
        if case let .ovCircuits(_, _, heads) = source {
            return (0..<heads).map { MatrixKey(layer: key.layer, matrix: "ov_head\($0)") }
        }
        return [key]
    }

    /// The source tensor named in results.
    public var tensor: String {
        switch source {
        case let .matrix(t), let .qkvPart(t, _, _), let .vector(t): return t
        case let .ovCircuits(qkv, dense, _): return qkv + "+" + dense
        }
    }

    /// Float elements this job holds in memory while it runs (for the memory budget).
    public var elements: Int {
        switch source {
        case .matrix, .vector: return rows * cols
        case .qkvPart: return 4 * rows * cols          // the fused matrix + the extracted part
        case .ovCircuits: return 4 * rows * cols       // fused qkv + dense
        }
    }

    /// Rough cost in flops-ish units, for largest-first scheduling and the ETA.
    public var cost: Double {
        let m = Double(max(rows, cols)), n = Double(min(rows, cols))
        switch source {
        case .vector: return m * 20
        case .ovCircuits: return m * n * 4
        default: return m * n * n * 3 + m * n * 60   // Gram + eigen (x3 with the two sampled spectra) + element passes
        }
    }

    /// Seed of the sampled reference spectra: a hash of the key and shape only, so the same matrix gets
    /// the same random reference at every step and in both twins (differences then reflect the fits).
    public var seed: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(key.layer ?? -1)/\(key.matrix)/\(rows)x\(cols)".utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
