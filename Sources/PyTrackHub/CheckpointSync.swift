import Foundation
import PyTrackCache
import PyTrackDomain
import PyTrackModel
import PyTrackWorkers

/// What to sync.
public struct SyncRequest: Sendable {
    /// Repositories, `ORG/NAME`.
    public var repositories: [String]
    public var steps: StepSpec
    /// The step list `steps` resolves against.
    public var schedule: Manifest.Schedule
    /// `weights` and/or exact paths.
    public var files: [String]
    /// Parallel transfers.
    public var jobs: Int
    /// Only resolve and list what would be fetched.
    public var dryRun: Bool

    public init(repositories: [String], steps: StepSpec = .all, schedule: Manifest.Schedule = .pythia,
                files: [String] = Manifest.defaultFiles, jobs: Int = 4, dryRun: Bool = false) {
        self.repositories = repositories
        self.steps = steps
        self.schedule = schedule
        self.files = files
        self.jobs = max(1, jobs)
        self.dryRun = dryRun
    }
}

/// The result for one (repository, step).
public struct CheckpointOutcome: Equatable, Sendable {
    public var repo: String
    public var step: Int
    public var revision: String
    public var commit: String?
    public var weightSHA256: String?
    public var files: [String]
    public var state: SyncState
    /// Why it is missing/failed, or which step it duplicates.
    public var detail: String?

    /// True when the checkpoint's files are in the cache (synced or duplicate).
    public var isPresent: Bool { state == .synced || state == .duplicate }
}

/// One file a sync fetches or reuses.
public struct PlannedFile: Equatable, Sendable {
    public var repo: String
    public var revision: String
    public var path: String
    public var size: Int64
    /// Already in the cache: no transfer.
    public var cached: Bool
}

/// What a sync did.
public struct SyncSummary: Sendable {
    public var outcomes: [CheckpointOutcome] = []
    /// Every file of the resolved checkpoints (one entry per distinct blob per repository).
    public var planned: [PlannedFile] = []
    public var filesDownloaded = 0
    public var filesReused = 0
    public var bytesDownloaded: Int64 = 0
    public var seconds: Double = 0
    /// Problems that are not tied to one step (e.g. a repository that does not exist).
    public var repositoryProblems: [String] = []

    /// One line per step that could not be fetched, and per repository problem.
    public var problems: [String] {
        repositoryProblems + outcomes.filter { !$0.isPresent }.map { o in
            "\(o.repo)@\(o.revision): \(o.state == .missing ? "missing" : "failed"): \(o.detail ?? "")"
        }
    }

    /// Duplicates found, one line each.
    public var duplicates: [String] {
        outcomes.filter { $0.state == .duplicate }.map { "\($0.repo)@\($0.revision): \($0.detail ?? "duplicate")" }
    }

    /// Short human summary (one line).
    public var headline: String {
        let present = outcomes.filter(\.isPresent).count
        let mb = Double(bytesDownloaded) / 1_048_576
        return String(format: "%d/%d checkpoints present (%d duplicate), %d files downloaded (%.1f MiB), %d reused, %.1f s",
                      present, outcomes.count, duplicates.count, filesDownloaded, mb, filesReused, seconds)
    }
}

/// The `pytrack sync` orchestrator: resolves steps against the hub, finds what the cache lacks,
/// downloads with at most `jobs` parallel transfers (each blob once), links snapshots and refs as soon
/// as a checkpoint is complete (so an interrupted sync keeps what succeeded), detects duplicated steps
/// and reports missing revisions. Every outcome goes through `record` (the database), in one place.
public final class CheckpointSync {
    public let environment: HubEnvironment
    public let cache: HubCache
    public let retry: RetryPolicy
    /// Timeouts and listing bounds of every request.
    public var limits = NetworkLimits()
    public var progress: SyncProgress?
    /// Receives one line per retry; defaults to a note on `progress`.
    public var notice: ((String) -> Void)?
    /// Called once per (repository, step) outcome, serialised. Errors from it fail the sync.
    public var record: ((CheckpointOutcome) throws -> Void)?

    private let lock = NSLock()

    public init(environment: HubEnvironment, progress: SyncProgress? = nil, retry: RetryPolicy = RetryPolicy(),
                record: ((CheckpointOutcome) throws -> Void)? = nil) {
        self.environment = environment
        self.cache = HubCache(root: environment.cacheDirectory)
        self.progress = progress
        self.retry = retry
        self.record = record
    }

    /// Runs the sync. Throws only for user errors (bad step spec, unusable cache, failing `record`);
    /// per-step problems are in the summary.
    public func run(_ request: SyncRequest) throws -> SyncSummary {
        let started = Date()
        var summary = SyncSummary()
        if environment.offline {
            summary = try offline(request)
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        }
        let client = try makeClient()

        // 1. Which steps, and which exist on the hub.
        struct Wanted { var repo: String; var step: Int; var revision: String; var commit: String }
        var wanted: [Wanted] = []
        var unreachable: String?  // the first repository the endpoint did not answer for
        for repo in request.repositories {
            guard Manifest.isRepositoryName(repo) else {
                throw HubError.unsafeName(repo, reason: "repository must be ORG/NAME")
            }
            let branches: [HubClient.Branch]
            if let down = unreachable {
                summary.repositoryProblems.append("\(repo): not tried: the hub could not be reached for \(down)")
                continue
            }
            do { branches = try client.refs(repo: repo) } catch let error as HubError {
                if case .unreachable = error { unreachable = repo }
                summary.repositoryProblems.append("\(repo): \(error)")
                continue
            }
            var commits: [String: String] = [:]
            for b in branches { commits[b.name] = b.commit }
            let available: [Int]
            switch request.schedule {
            case .pythia: available = PythiaSuite.steps
            case .explicit(let list): available = list
            case .hub: available = branches.compactMap { PythiaSuite.step(revision: $0.name) }
            }
            for step in try request.steps.resolve(available: available) {
                let revision = PythiaSuite.revision(step: step)
                if let commit = commits[revision] {
                    wanted.append(Wanted(repo: repo, step: step, revision: revision, commit: commit))
                } else {
                    summary.outcomes.append(CheckpointOutcome(repo: repo, step: step, revision: revision, commit: nil, weightSHA256: nil,
                                                              files: [], state: .missing, detail: "revision \(revision) is not on the hub"))
                }
            }
        }

        // 2. Resolve every revision to its files (in parallel).
        var resolved = [Result<ResolvedCheckpoint, Error>?](repeating: nil, count: wanted.count)
        try parallel(count: wanted.count, jobs: request.jobs) { client, i in
            let w = wanted[i]
            let r = Result {
                try CheckpointResolver(client: client).resolve(repo: w.repo, revision: w.revision, step: w.step,
                                                               commit: w.commit, selection: request.files)
            }
            self.lock.withLock { resolved[i] = r }
        }
        var checkpoints: [ResolvedCheckpoint] = []
        for (i, r) in resolved.enumerated() {
            let w = wanted[i]
            switch r {
            case .success(let c)?: checkpoints.append(c)
            case .failure(let error)?:
                let missing: Bool
                if case HubError.revisionNotFound = error { missing = true } else { missing = false }
                summary.outcomes.append(CheckpointOutcome(repo: w.repo, step: w.step, revision: w.revision, commit: w.commit, weightSHA256: nil,
                                                          files: [], state: missing ? .missing : .failed, detail: "\(error)"))
            case nil: break
            }
        }

        if !request.dryRun {
            for o in summary.outcomes { try record?(o) }  // missing and failed revisions
        }

        // 3. Duplicates: the same weights as an earlier step of the same repository.
        var firstStep: [String: Int] = [:]
        var duplicateOf: [Int: Int] = [:]  // index in checkpoints -> step
        for (i, c) in checkpoints.enumerated().sorted(by: { ($0.element.repo, $0.element.step) < ($1.element.repo, $1.element.step) }) {
            let key = c.repo + "\u{0}" + c.weightSHA256
            if let s = firstStep[key] { duplicateOf[i] = s } else { firstStep[key] = c.step }
        }

        // 4. What the cache lacks: one transfer per (repository, blob).
        struct Blob: Hashable { var repo: String; var etag: String }
        var transfers: [Blob: (file: HubClient.TreeFile, revision: String, commit: String)] = [:]
        var pending: [Int: Set<Blob>] = [:]
        var waiting: [Blob: [Int]] = [:]
        var plannedKeys = Set<Blob>()
        for (i, c) in checkpoints.enumerated() {
            for f in c.files {
                let blob = Blob(repo: c.repo, etag: f.etag)
                let cached = cache.hasSnapshotFile(repo: c.repo, commit: c.commit, path: f.path, size: f.size)
                    || cache.hasBlob(repo: c.repo, etag: f.etag, size: f.size)
                if plannedKeys.insert(blob).inserted {
                    summary.planned.append(PlannedFile(repo: c.repo, revision: c.revision, path: f.path, size: f.size, cached: cached))
                    if cached { summary.filesReused += 1 }
                }
                if !cached {
                    if transfers[blob] == nil { transfers[blob] = (f, c.revision, c.commit) }
                    pending[i, default: []].insert(blob)
                    waiting[blob, default: []].append(i)
                }
            }
        }
        if request.dryRun {
            for (i, c) in checkpoints.enumerated() {
                summary.outcomes.append(outcome(c, duplicateOf: duplicateOf[i], state: .synced, detail: pending[i] == nil ? "in cache" : "would fetch"))
            }
            summary.outcomes.sort { ($0.repo, $0.step) < ($1.repo, $1.step) }
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        }

        // 5. Finalise what is complete already, then download the rest.
        var finished = Set<Int>()
        var failures: [Int: String] = [:]
        var recordError: Error?
        func finalize(_ i: Int) {  // called with `lock` held
            guard !finished.contains(i) else { return }
            finished.insert(i)
            let c = checkpoints[i]
            var o: CheckpointOutcome
            if let why = failures[i] {
                o = outcome(c, duplicateOf: nil, state: .failed, detail: why)
            } else {
                do {
                    for f in c.files { try cache.linkSnapshot(repo: c.repo, commit: c.commit, path: f.path, etag: f.etag) }
                    try cache.setRef(repo: c.repo, revision: c.revision, commit: c.commit)
                    o = outcome(c, duplicateOf: duplicateOf[i], state: .synced, detail: nil)
                } catch {
                    o = outcome(c, duplicateOf: nil, state: .failed, detail: "\(error)")
                }
            }
            summary.outcomes.append(o)
            do { try record?(o) } catch { if recordError == nil { recordError = error } }
        }
        lock.withLock {
            for i in checkpoints.indices where pending[i] == nil { finalize(i) }
        }
        let order = transfers.keys.sorted { a, b in
            let sa = checkpoints[waiting[a]![0]].step, sb = checkpoints[waiting[b]![0]].step
            return (sa, a.repo, a.etag) < (sb, b.repo, b.etag)
        }
        for repo in Set(order.map(\.repo)) { try cache.prepare(repo: repo) }
        progress?.begin(files: order.count, bytes: order.reduce(0) { $0 + transfers[$1]!.file.size })
        try parallel(count: order.count, jobs: request.jobs) { client, k in
            let blob = order[k]
            let t = transfers[blob]!
            let label = "\(blob.repo)@\(t.revision)/\(t.file.path)"
            let id = self.progress?.fileStarted(label: label, size: t.file.size)
            var error: Error?
            var received: Int64 = 0
            // Another process sharing the cache may have finished this blob since the plan: reuse it.
            let reused = self.cache.hasBlob(repo: blob.repo, etag: blob.etag, size: t.file.size)
            if !reused {
                do {
                    let tmp = try self.cache.claimIncomplete(repo: blob.repo, etag: blob.etag)
                    do {
                        let report = try client.download(repo: blob.repo, revision: t.commit, file: t.file, to: tmp) { done in
                            if let id { self.progress?.fileProgress(id, bytes: done) }
                        }
                        received = report.bytesReceived
                        try self.cache.commitIncomplete(repo: blob.repo, etag: blob.etag, from: tmp)
                    } catch let e {
                        self.cache.releaseIncomplete(repo: blob.repo, etag: blob.etag, from: tmp)
                        throw e
                    }
                } catch let e {
                    error = e
                }
            }
            if let id { self.progress?.fileFinished(id, ok: error == nil) }
            self.lock.withLock {
                summary.bytesDownloaded += received
                if error == nil { if reused { summary.filesReused += 1 } else { summary.filesDownloaded += 1 } }
                for i in waiting[blob] ?? [] {
                    if let error, failures[i] == nil { failures[i] = "\(t.file.path): \(error)" }
                    pending[i]?.remove(blob)
                    if pending[i]?.isEmpty == true { finalize(i) }
                }
            }
        }
        progress?.end()
        if let recordError { throw recordError }
        summary.outcomes.sort { ($0.repo, $0.step) < ($1.repo, $1.step) }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    private func outcome(_ c: ResolvedCheckpoint, duplicateOf: Int?, state: SyncState, detail: String?) -> CheckpointOutcome {
        var o = CheckpointOutcome(repo: c.repo, step: c.step, revision: c.revision, commit: c.commit, weightSHA256: c.weightSHA256,
                                  files: c.files.map(\.path), state: state, detail: detail)
        if state == .synced, let d = duplicateOf {
            o.state = .duplicate
            o.detail = "duplicate of step \(d) (same weight sha256)"
        }
        return o
    }

    /// HF_HUB_OFFLINE: report what the cache holds, fetch nothing.
    private func offline(_ request: SyncRequest) throws -> SyncSummary {
        var summary = SyncSummary()
        for repo in request.repositories {
            let available: [Int]
            switch request.schedule {
            case .pythia: available = PythiaSuite.steps
            case .explicit(let list): available = list
            case .hub:
                let refs = try cache.repositoryFolder(repo).appendingPathComponent("refs")
                available = ((try? FileManager.default.contentsOfDirectory(atPath: refs.path)) ?? []).compactMap(PythiaSuite.step(revision:))
            }
            for step in try request.steps.resolve(available: available) {
                let revision = PythiaSuite.revision(step: step)
                var o = CheckpointOutcome(repo: repo, step: step, revision: revision, commit: nil, weightSHA256: nil, files: [],
                                          state: .failed, detail: "\(revision) is not in the cache and HF_HUB_OFFLINE is set")
                if let commit = try cache.ref(repo: repo, revision: revision) {
                    let folder = try cache.repositoryFolder(repo).appendingPathComponent("snapshots/\(commit)")
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                    if names.contains(where: { $0.hasSuffix(".safetensors") || $0.hasSuffix(".bin") }) {
                        o.commit = commit
                        o.files = names.sorted()
                        o.state = .synced
                        o.detail = "in cache (offline)"
                    }
                }
                summary.outcomes.append(o)
            }
        }
        return summary
    }

    private func makeClient() throws -> HubClient {
        let progress = self.progress
        return try HubClient(environment: environment, retry: retry, limits: limits, notice: notice ?? progress.map { p in { p.note($0) } })
    }

    /// Runs `body(client, index)` for 0..<count on up to `jobs` threads, each with its own client.
    private func parallel(count: Int, jobs: Int, _ body: @escaping (HubClient, Int) -> Void) throws {
        guard count > 0 else { return }
        let workers = min(jobs, count)
        let work = WorkerBody(run: body, clients: try (0..<workers).map { _ in try makeClient() })
        let queue = WorkQueue(count: count)
        WorkerPool.run(workers: workers) { w in
            while let i = queue.take() { work.run(work.clients[w], i) }
        }
    }
}

/// The work `parallel` hands to its threads. @unchecked: the closures sync passes read locals no thread
/// writes during the run and change shared state only under `CheckpointSync.lock`; client w is used by
/// worker w alone.
private struct WorkerBody: @unchecked Sendable {
    let run: (HubClient, Int) -> Void
    let clients: [HubClient]
}
