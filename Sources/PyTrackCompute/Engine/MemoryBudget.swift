import Foundation
import PyTrackFormats

/// The most memory one matrix of a compute run may need, checked before anything is allocated: a
/// checkpoint claiming a 40000 x 40000 matrix is refused with a one-line error instead of aborting the
/// process on a failed allocation. Settable with `compute --max-memory-gb`.
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes one job may need at most.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// `gigabytes` GiB (1 GiB = 2^30 bytes).
    public init(gigabytes: Double) { bytes = Int(min(gigabytes * 1_073_741_824, Double(Int.max / 2))) }

    /// The default: 3/4 of the memory this process can use (physical memory, or the cgroup limit when
    /// lower), at least 1 GiB.
    public static var `default`: MemoryBudget {
        var available = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
            available = min(available, limit)
        }
        return MemoryBudget(bytes: max(1 << 30, available / 4 * 3))
    }

    /// About how many bytes `job` needs while it runs: its Float buffers (`job.elements`), and for a
    /// matrix the Gram matrix and eigen workspace in Double (2 x n^2 x 8, n = min(rows, cols)) plus one
    /// sampled reference matrix of the same shape.
    public static func estimate(_ job: MatrixJob) -> Int {
        let floats = job.elements.multipliedReportingOverflow(by: 4)
        guard !floats.overflow else { return Int.max }
        switch job.source {
        case .vector, .ovCircuits:
            return floats.partialValue
        case .matrix, .qkvPart:
            let n = min(job.rows, job.cols)
            let gram = n.multipliedReportingOverflow(by: n)
            let sample = job.rows.multipliedReportingOverflow(by: job.cols)
            guard !gram.overflow, !sample.overflow, gram.partialValue <= Int.max / 32, sample.partialValue <= Int.max / 32 else { return Int.max }
            return floats.partialValue + 16 * gram.partialValue + 4 * sample.partialValue
        }
    }

    /// Throws `ComputeError.overMemoryBudget` for the first job (largest first) over the budget.
    public func check(_ jobs: [MatrixJob], in checkpoint: Checkpoint) throws {
        for job in jobs {
            let need = Self.estimate(job)
            guard need > bytes else { continue }
            let tensor = job.tensor.split(separator: "+").first.map(String.init) ?? job.tensor
            let info = checkpoint.info(tensor)
            throw ComputeError.overMemoryBudget(path: info?.sourceFile ?? checkpoint.path, tensor: job.tensor,
                                                shape: info?.shape ?? [job.rows, job.cols], bytes: need, budget: bytes)
        }
    }
}
