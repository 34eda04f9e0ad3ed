import Foundation
import Synchronization
import PyTrackCache
import PyTrackDomain
import PyTrackFormats
import PyTrackModel
import PyTrackStats
import PyTrackStore
import PyTrackWorkers

/// Settings of a compute run.
public struct ComputeOptions: Sendable {
    /// Worker threads across matrices (default: the number of cores).
    public var threads: Int
    /// Recompute every matrix even when its stored metric groups are current.
    public var recompute: Bool
    /// What each worker computes per matrix.
    public var worker: MatrixWorker
    /// The most memory one matrix may need; a checkpoint with a larger one fails before allocating.
    public var memoryBudget: MemoryBudget
    /// OpenBLAS threads per call, set (process-wide) when a run starts; nil leaves OpenBLAS as it is.
    /// `ComputeOptions.blasThreadsSharing(threads:)` gives each worker an equal share of the cores.
    public var blasThreads: Int?

    public init(threads: Int? = nil, recompute: Bool = false, worker: MatrixWorker = MatrixWorker(),
                memoryBudget: MemoryBudget = .default, blasThreads: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.recompute = recompute
        self.worker = worker
        self.memoryBudget = memoryBudget
        self.blasThreads = blasThreads
    }

    /// Cores / workers (at least 1): what the CLI asks OpenBLAS for, so workers x BLAS threads = cores.
    public static func blasThreadsSharing(threads: Int) -> Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, threads))
    }
}

/// What a compute run did.
public struct ComputeSummary: Sendable {
    /// Checkpoints with at least one matrix computed and stored.
    public var computed: [(model: String, step: Int, matrices: Int)] = []
    /// Checkpoints whose matrices were all current already.
    public var upToDate: [(model: String, step: Int)] = []
    /// Checkpoints that failed (the others went on), with the reason.
    public var failed: [(model: String, step: Int, reason: String)] = []
    /// Requested steps that were not found (from the plan).
    public var missing: [(model: String, step: Int, reason: String)] = []
    /// Matrices computed in this run.
    public var matrices = 0
    public var seconds = 0.0
    /// Peak resident memory of the process at the end of the run (bytes), when known.
    public var peakResidentBytes: Int?

    /// True when every requested step is computed.
    public var succeeded: Bool { failed.isEmpty && missing.isEmpty }

    /// One line for the end of a run.
    public var line: String {
        var parts = ["\(computed.count) checkpoint(s) computed (\(matrices) matrices)", "\(upToDate.count) already up to date"]
        if !missing.isEmpty { parts.append("\(missing.count) missing") }
        if !failed.isEmpty { parts.append("\(failed.count) failed") }
        let rss = peakResidentBytes.map { String(format: ", peak RSS %.0f MiB", Double($0) / 1_048_576) } ?? ""
        return parts.joined(separator: ", ") + " in \(ComputeProgress.format(seconds))" + rss
    }
}

/// The incremental worker: for each (model, step) of a plan it opens the checkpoint, lists the matrices
/// the catalog names, skips those whose stored metric groups are current, computes the rest in parallel
/// across matrices, and stores the checkpoint's results in ONE transaction; then it updates the step's
/// derived rows. Killing the process at any moment loses at most the checkpoint in flight, and a rerun
/// finishes the rest.
///
/// Parallelism: `threads` workers take matrices largest first from a shared queue; each worker reads and
/// converts its own next matrix (from the memory map) while the others compute, so reading overlaps with
/// computing. Memory is bounded by an element budget over the matrices in flight (1.25 x the largest, at
/// least 64 M elements), so two embeddings are never held at once, and the mapped pages of each finished
/// tensor are released.
/// OpenBLAS's thread count is left as it is unless `ComputeOptions.blasThreads` says otherwise.
public final class ComputeEngine: Sendable {
    public let database: PyTrackDatabase
    public let options: ComputeOptions
    public let progress: ComputeProgress
    /// Whether the "no head count" note was printed (once per run).
    private let notedMissingHeads = Mutex(false)

    public init(database: PyTrackDatabase, options: ComputeOptions = ComputeOptions(), progress: ComputeProgress = ComputeProgress()) {
        self.database = database
        self.options = options
        self.progress = progress
    }

    /// Runs a plan; failures of single checkpoints are collected, not thrown.
    public func run(_ plan: ComputePlan) -> ComputeSummary {
        let start = Date()
        if let blas = options.blasThreads { BLASThreads.set(blas) }
        var summary = ComputeSummary()
        summary.missing = plan.missing
        for m in plan.missing { progress.warn("\(m.model) step \(m.step): \(m.reason)") }
        progress.begin(checkpoints: plan.units.count)
        for unit in plan.units {
            do {
                let n = try process(unit)
                if n > 0 {
                    summary.computed.append((unit.model, unit.step, n))
                    summary.matrices += n
                    progress.endCheckpoint("\(unit.model) step \(unit.step): \(n) matrices computed")
                } else {
                    summary.upToDate.append((unit.model, unit.step))
                    progress.endCheckpoint("\(unit.model) step \(unit.step): up to date")
                }
            } catch {
                let reason = String(describing: error)
                summary.failed.append((unit.model, unit.step, reason))
                do {
                    try database.recordComputeFailure(model: unit.model, step: unit.step, revision: unit.revision, reason: reason)
                } catch {
                    progress.warn("\(unit.model) step \(unit.step): the failure could not be recorded: \(error)")
                }
                progress.endCheckpoint("\(unit.model) step \(unit.step): FAILED: \(reason)")
            }
        }
        progress.finish()
        summary.seconds = Date().timeIntervalSince(start)
        summary.peakResidentBytes = ProcessMemory.peakResidentBytes()
        return summary
    }

    /// Computes one checkpoint; returns how many matrices were computed (0: all were current).
    @discardableResult
    public func process(_ unit: WorkUnit) throws -> Int {
        let weights = unit.checkpoint.weights.path
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(weights)
        } catch let error as FormatError {
            throw error  // already names the file and the problem
        } catch {
            throw ComputeError.unreadable(path: weights, reason: String(describing: error))
        }
        let configJSON = unit.checkpoint.config.flatMap { url in   // capped: never a 400 MB "config" in the database
            (try? BoundedFile.read(url.path, limit: BoundedFile.configLimit)).flatMap { String(data: $0, encoding: .utf8) }
        }
        let planned = try MatrixJobPlanner.jobs(checkpoint: checkpoint, configURL: unit.checkpoint.config)
        if let note = planned.note, notedMissingHeads.withLock({ noted in defer { noted = true }; return !noted }) {
            progress.note("note: \(note)")
        }
        if let warning = planned.unrecognisedWarning { progress.warn("\(weights): \(warning)") }
        try options.memoryBudget.check(planned.jobs, in: checkpoint)
        let label = "\(unit.model) step \(unit.step)"
        // Results are keyed to the content they came from: other content under the same (model, step)
        // (a re-uploaded branch, another --file) replaces every stored matrix, in the same transaction.
        let contentKey = try unit.checkpoint.contentKey()
        let previous = try database.checkpoint(model: unit.model, step: unit.step)
        let stored = try database.storedGroupVersions(model: unit.model, step: unit.step)
        let contentChanged = !stored.isEmpty && previous?.computedSHA256 != contentKey
        if contentChanged {
            let old = previous?.computedSHA256.map { String($0.prefix(12)) } ?? "unknown"
            progress.note("\(label): weights changed since its results were stored (content \(old) -> \(contentKey.prefix(12))): recomputing every matrix")
        }
        let todo = planned.jobs.filter { job in
            options.recompute || contentChanged || !job.keys.allSatisfy { MetricGroups.isCurrent(stored: stored[$0], required: job.groups) }
        }
        let record = ComputedCheckpoint(model: unit.model, step: unit.step, revision: unit.revision, commit: unit.checkpoint.commit,
                                        contentSHA256: contentKey, files: unit.checkpoint.files, source: unit.source,
                                        expectedMatrices: planned.jobs.reduce(0) { $0 + $1.keys.count })
        if todo.isEmpty {
            if previous?.computeFailure != nil || previous?.expectedMatrices != record.expectedMatrices
                || previous?.computedSHA256 != contentKey {
                try store(CheckpointResults(checkpoint: record, isDemo: unit.isDemo, configJSON: configJSON, matrices: []), unit)
            }
            try StepDerivedMetrics.update(model: unit.model, step: unit.step, groups: try groups(of: unit.model), database: database,
                                          warn: progress.warn)
            return 0
        }
        progress.beginCheckpoint(label, matrices: todo.count, work: todo.reduce(0) { $0 + $1.cost })
        let (results, failures) = execute(todo, checkpoint: checkpoint)
        var final = record
        if !failures.isEmpty {
            final.failure = failures.count == 1 ? failures[0] : "\(failures.count) matrices failed; first: \(failures[0])"
        }
        try store(CheckpointResults(checkpoint: final, isDemo: unit.isDemo, configJSON: configJSON, matrices: results,
                                    replacesStored: contentChanged), unit)
        if let first = failures.first {
            throw ComputeError.statistics(path: weights, matrix: "\(failures.count) matrices", reason: first)
        }
        try StepDerivedMetrics.update(model: unit.model, step: unit.step, groups: try groups(of: unit.model), database: database,
                                      warn: progress.warn)
        return results.count
    }

    /// The run groups `model` belongs to: those recorded from manifests, else the one its name implies.
    private func groups(of model: String) throws -> [RunGroup] {
        StepDerivedMetrics.groups(of: model, recorded: try database.groups(), others: try database.models().map(\.name))
    }

    private func store(_ results: CheckpointResults, _ unit: WorkUnit) throws {
        do {
            try database.saveResults(results)
        } catch let error as StoreError {
            throw ComputeError.store(model: unit.model, step: unit.step, cause: error)
        } catch {
            let reason = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            throw ComputeError.store(model: unit.model, step: unit.step,
                                     cause: .writeFailed(path: database.path, what: "the results", reason: reason))
        }
    }

    /// Runs the jobs on `threads` workers, largest first; returns the results and the failures.
    private func execute(_ jobs: [MatrixJob], checkpoint: Checkpoint) -> ([MatrixResult], [String]) {
        let state = ExecutionState(jobs.sorted { $0.cost > $1.cost })
        let worker = options.worker
        let progress = self.progress
        WorkerPool.run(workers: min(options.threads, jobs.count), stackSize: 16 << 20) { _ in
            while let job = state.take() {
                do {
                    let (out, warning) = try worker.run(job, in: checkpoint)
                    if let warning { progress.warn(warning) }
                    state.done(job, out)
                } catch {
                    let reason = String(describing: error)
                    progress.warn(reason)
                    state.done(job, [], failure: reason)
                }
                progress.matrixDone(work: job.cost)
            }
        }
        return state.finish()
    }
}

/// The shared queue and result list of one checkpoint's workers. Jobs are sorted largest first; a worker
/// takes the largest remaining job if the elements in flight stay within the memory budget, else the
/// smallest one that fits, else waits. So two embedding-sized matrices are never converted at once while
/// the other workers keep busy with small ones: peak memory ~ the largest matrix's working set, plus a
/// little, whatever the thread count.
private final class ExecutionState: @unchecked Sendable {  // every mutable field is read and written under `condition`
    private let condition = NSCondition()
    private var jobs: ArraySlice<MatrixJob>
    private let budget: Int
    private var inFlight = 0
    private var results: [MatrixResult] = []
    private var failures: [String] = []

    init(_ sorted: [MatrixJob]) {
        jobs = ArraySlice(sorted)
        let largest = sorted.map(\.elements).max() ?? 0
        budget = max(64 << 20, largest + largest / 4)
    }

    /// The next job for a worker (nil when none is left); blocks while nothing fits the budget.
    func take() -> MatrixJob? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard let first = jobs.first, let last = jobs.last else { return nil }
            if inFlight == 0 || inFlight + first.elements <= budget {
                jobs.removeFirst()
                inFlight += first.elements
                return first
            }
            if inFlight + last.elements <= budget {
                jobs.removeLast()
                inFlight += last.elements
                return last
            }
            condition.wait()
        }
    }

    /// A job is finished (its results, or why it failed).
    func done(_ job: MatrixJob, _ out: [MatrixResult], failure: String? = nil) {
        condition.lock()
        inFlight -= job.elements
        results += out
        if let failure { failures.append(failure) }
        condition.broadcast()
        condition.unlock()
    }

    func finish() -> ([MatrixResult], [String]) {
        condition.lock()
        defer { condition.unlock() }
        return (results.sorted { $0.key < $1.key }, failures)
    }
}
