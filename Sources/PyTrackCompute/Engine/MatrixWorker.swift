import Foundation
import PyTrackDomain
import PyTrackFormats
import PyTrackModel
import PyTrackStats
import PyTrackStore

/// Runs one `MatrixJob` against an open checkpoint: reads and converts the tensor(s), computes the
/// statistics and packs them as `MatrixResult`s (metrics, blobs, group versions). Stateless and safe to
/// call from several threads.
public struct MatrixWorker: Sendable {
    /// Bins of the element histogram of matrices and vectors.
    public var matrixBins = 200
    public var vectorBins = 100
    /// Compute the sampled Gaussian/logistic reference spectra (two more SVDs per matrix).
    public var sampledReferences = true

    public init() {}

    /// The results of `job` (one per key), and a warning when the input holds NaN/Inf.
    public func run(_ job: MatrixJob, in checkpoint: Checkpoint) throws -> (results: [MatrixResult], warning: String?) {
        defer { Self.releasePages(of: job, in: checkpoint) }
        do {
            switch job.source {
            case let .matrix(tensor):
                return try checkpoint.withFloats(tensor) { try matrix(job, $0) }
            case let .qkvPart(tensor, part, heads):
                return try checkpoint.withFloats(tensor) { fused in
                    let split = try QKVSplit(heads: heads, dModel: job.rows)
                    guard let which = QKVPart(rawValue: part) else {
                        throw ComputeError.badShape(path: checkpoint.path, tensor: tensor, shape: [3 * job.rows, job.cols], expected: "part 0, 1 or 2")
                    }
                    var buffer = [Float](repeating: 0, count: job.rows * job.cols)
                    try buffer.withUnsafeMutableBufferPointer { try split.extract(which, from: fused, into: $0) }
                    return try buffer.withUnsafeBufferPointer { try matrix(job, $0) }
                }
            case let .vector(tensor):
                return try checkpoint.withFloats(tensor) { try vector(job, $0) }
            case let .ovCircuits(qkv, dense, heads):
                return try checkpoint.withFloats(qkv) { q in
                    try checkpoint.withFloats(dense) { o in try ov(job, qkv: q, dense: o, heads: heads) }
                }
            }
        } catch let error as ComputeError {
            throw error
        } catch let error as FormatError {
            throw error  // already names the file and the problem
        } catch {
            throw ComputeError.statistics(path: checkpoint.path, matrix: "\(job.key) (\(job.tensor))", reason: String(describing: error),
                                          cause: error as? StatsError)
        }
    }

    private func matrix(_ job: MatrixJob, _ values: UnsafeBufferPointer<Float>) throws -> ([MatrixResult], String?) {
        if let empty = try allNonFinite(job, values, spectral: true) { return empty }
        var options = MatrixStatistics.Options()
        options.histogramBins = matrixBins
        options.sampledReferences = sampledReferences
        options.sourceDType = job.dtype
        let stats = try MatrixStatistics.compute(values: values, rows: job.rows, cols: job.cols, seed: job.seed, options: options)
        let nonfinite = Int(stats.metric("nonfinite_count") ?? 0)
        var blobs: [StoredBlob] = []
        if !stats.singularValues.isEmpty {
            blobs.append(StoredBlob(kind: "singular_values", payload: .float32(stats.singularValues)))
        }
        if !stats.gaussSampleSingularValues.isEmpty {
            blobs.append(StoredBlob(kind: "gauss_sample_sv", payload: .float32(stats.gaussSampleSingularValues)))
        }
        if !stats.logisticSampleSingularValues.isEmpty {
            blobs.append(StoredBlob(kind: "logistic_sample_sv", payload: .float32(stats.logisticSampleSingularValues)))
        }
        blobs.append(Self.histogramBlob(stats.elementHistogram))
        var metrics: [String: Double?] = [:]
        for (name, value) in stats.metrics { metrics[name] = value.isFinite ? value : nil }
        let result = MatrixResult(key: job.key, tensor: job.tensor, rows: job.rows, cols: job.cols, dtype: job.dtype,
                                  nonfiniteCount: nonfinite, metrics: metrics, blobs: blobs, groupVersions: job.groups)
        var notes = stats.warnings.map { "\(job.tensor) (\(job.key)): \($0)" }
        if nonfinite > 0 { notes.insert(nonfiniteWarning(job, count: nonfinite, total: values.count, spectral: true), at: 0) }
        return ([result], notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    private func vector(_ job: MatrixJob, _ values: UnsafeBufferPointer<Float>) throws -> ([MatrixResult], String?) {
        if let empty = try allNonFinite(job, values, spectral: false) { return empty }
        let stats = try VectorStatistics.compute(values: values, bins: vectorBins)
        let nonfinite = Int(stats.metric("nonfinite_count") ?? 0)
        var metrics: [String: Double?] = [:]
        for (name, value) in stats.metrics { metrics[name] = value.isFinite ? value : nil }
        let blobs = [
            Self.histogramBlob(stats.histogram),
            StoredBlob(kind: "values", payload: .float32(Array(values))),
            StoredBlob(kind: "outliers", payload: .int32(stats.outlierIndices.map { Int32(clamping: $0) })),
        ]
        let result = MatrixResult(key: job.key, tensor: job.tensor, rows: job.rows, cols: 1, dtype: job.dtype,
                                  nonfiniteCount: nonfinite, metrics: metrics, blobs: blobs, groupVersions: job.groups)
        return ([result], nonfinite > 0 ? nonfiniteWarning(job, count: nonfinite, total: values.count, spectral: false) : nil)
    }

    private func ov(_ job: MatrixJob, qkv: UnsafeBufferPointer<Float>, dense: UnsafeBufferPointer<Float>, heads: Int) throws -> ([MatrixResult], String?) {
        let d = job.cols
        let split = try QKVSplit(heads: heads, dModel: d)
        let norms = OVCircuitNorms.frobenius(qkv: qkv, dense: dense, d: d, heads: heads) { split.rows(head: $0, part: .v) }
        guard norms.count == heads else {
            throw ComputeError.badShape(path: job.tensor, tensor: job.tensor, shape: [3 * d, d], expected: "d divisible by \(heads) heads")
        }
        let results = zip(job.keys, norms).map { key, norm in
            MatrixResult(key: key, tensor: job.tensor, rows: d, cols: d, dtype: job.dtype,
                         nonfiniteCount: norm.isFinite ? 0 : 1,
                         metrics: ["frobenius": norm.isFinite ? norm : nil], groupVersions: job.groups)
        }
        let bad = norms.filter { !$0.isFinite }.count
        let warning = bad > 0 ? "\(job.tensor): layer \(job.key.layer ?? -1): \(bad) of \(heads) OV circuit norms are undefined (non-finite weights); stored as NULL" : nil
        return (results, warning)
    }

    /// A matrix or vector with no finite value at all: stored with its `nonfinite_count` and every
    /// statistic NULL (the same metric names a finite input gets), so reruns do not fail on it again.
    private func allNonFinite(_ job: MatrixJob, _ values: UnsafeBufferPointer<Float>, spectral: Bool) throws -> ([MatrixResult], String?)? {
        guard !values.isEmpty, ElementMoments.nonfiniteCount(values) == values.count else { return nil }
        let standIn: [Float] = [-1, 0.5, 0.25, 1]
        let names: [String] = try standIn.withUnsafeBufferPointer { p in
            spectral ? try MatrixStatistics.compute(values: p, rows: 2, cols: 2, seed: 0, options: .init()).metrics.map { $0.name }
                     : try VectorStatistics.compute(values: p, bins: 4).metrics.map { $0.name }
        }
        var metrics: [String: Double?] = [:]
        for name in names { metrics[name] = .some(nil) }
        metrics["nonfinite_count"] = Double(values.count)
        let result = MatrixResult(key: job.key, tensor: job.tensor, rows: job.rows, cols: spectral ? job.cols : 1, dtype: job.dtype,
                                  nonfiniteCount: values.count, metrics: metrics, blobs: [], groupVersions: job.groups)
        return ([result], nonfiniteWarning(job, count: values.count, total: values.count, spectral: spectral))
    }

    private func nonfiniteWarning(_ job: MatrixJob, count: Int, total: Int, spectral: Bool) -> String {
        "\(job.tensor) (\(job.key)): \(count) of \(total) values are NaN/Inf; element statistics use the finite values"
            + (spectral ? ", spectral statistics are NULL" : "")
    }

    /// Tells the kernel the job's tensor bytes are no longer needed, so the pages of a memory-mapped
    /// checkpoint do not pile up in the resident set (they are read-only file pages: a later access simply
    /// faults them in again, from the page cache). Keeps RSS at "a few matrices", not "the whole file".
    static func releasePages(of job: MatrixJob, in checkpoint: Checkpoint) {
        let tensors: [String]
        switch job.source {
        case let .matrix(t), let .qkvPart(t, _, _), let .vector(t): tensors = [t]
        case let .ovCircuits(qkv, dense, _): tensors = [qkv, dense]
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        for name in tensors {
            _ = try? checkpoint.withRawBytes(name) { raw in
                guard let base = raw.baseAddress, raw.count >= page else { return }
                let start = (Int(bitPattern: base) + page - 1) / page * page   // whole pages inside the tensor only
                let end = (Int(bitPattern: base) + raw.count) / page * page
                guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
                _ = madvise(p, end - start, Int32(MADV_DONTNEED))
            }
        }
    }

    /// A histogram as a blob: f32 counts, meta lo/hi (the range of the equal-width bins) and the counts
    /// that fell outside it.
    static func histogramBlob(_ h: Histogram) -> StoredBlob {
        StoredBlob(kind: "histogram", payload: .float32(h.counts.map { Float($0) }),
                   meta: ["lo": h.lower, "hi": h.upper, "underflow": Double(h.underflow), "overflow": Double(h.overflow)])
    }
}
