import PyTrackCache
import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackDomain
import PyTrackFormats
import PyTrackHub
import PyTrackModel
import PyTrackStore

/// `pytrack sync`: download checkpoints from the hub into the huggingface_hub cache and record them.
struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Download checkpoints from the Hugging Face hub into the huggingface_hub cache.",
        discussion: """
        Fetches the weight files (safetensors, else .bin; shards included) and config.json of every requested step, verifies size and sha256, resumes partial downloads, reuses files already in the cache (also those fetched by Python's huggingface_hub) and records each (model, step) as synced, duplicate, missing or failed in the database. Exit status 1 lists every step that could not be fetched; everything that succeeded is kept.

        SPEC: all | comma list of N, A-B (every existing step in the range), A:B:S (A to B by S), log (0,1,2,4,...,512).

        Environment: HF_ENDPOINT, HF_TOKEN (else $HF_HOME/token), HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE; PYTRACK_CONNECT_TIMEOUT, PYTRACK_FIRST_BYTE_TIMEOUT, PYTRACK_LOW_SPEED_TIME, PYTRACK_LOW_SPEED_LIMIT, PYTRACK_API_TIMEOUT, PYTRACK_MAX_RETRY_TIME, PYTRACK_UNREACHABLE_RETRY_TIME (the limits against a slow or hostile hub: docs/security.md). Credentials in --endpoint (https://user:pw@host) are sent to that host only and never printed or stored.

        Examples:
          pytrack sync --manifest manifests/pythia-160m.json --steps log,1000-5000
          pytrack sync --model EleutherAI/pythia-70m --steps 143000 --dry-run
        """)

    @Option(name: .long, help: "Manifest JSON (see manifests/README.md).")
    var manifest: String?

    @Option(name: .long, help: "Repository ORG/NAME (repeatable); used instead of a manifest.")
    var model: [String] = []

    @Option(name: .long, help: "Steps SPEC. Default: the manifest's, else all.")
    var steps: String?

    @Option(name: .long, help: "Fetch only shard i of N of `pytrack plan --shards N` (a per-task cache on a cluster; a manifest with a pythia or explicit schedule).")
    var shard: ShardSpec?

    @Option(name: .long, help: "Parallel transfers.")
    var jobs: Int = 4

    @OptionGroup var hub: HubOptions
    @OptionGroup var network: NetworkOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Only list what would be fetched.")
    var dryRun = false

    func validate() throws {
        if manifest == nil && model.isEmpty { throw ValidationError("give --manifest FILE or --model ORG/NAME") }
        if manifest != nil && !model.isEmpty { throw ValidationError("give either --manifest or --model, not both") }
        if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be between 1 and 64") }
        for m in model where !Manifest.isRepositoryName(m) { throw ValidationError("--model \(m): expected ORG/NAME") }
        if shard != nil && manifest == nil { throw ValidationError("--shard needs --manifest (its schedule lists the units)") }
    }

    func run() throws {
        var request: SyncRequest
        var endpoint = hub.endpoint
        var group: RunGroup?
        if let path = manifest {
            let m = try Manifest.load(from: URL(fileURLWithPath: path))
            group = m.group
            request = SyncRequest(repositories: m.repositories, steps: m.steps, schedule: m.schedule, files: m.files)
            endpoint = endpoint ?? m.endpoint
        } else {
            request = SyncRequest(repositories: model)
        }
        if let s = steps { request.steps = try StepSpec(parsing: s) }
        request.jobs = jobs
        request.dryRun = dryRun
        let env = HubEnvironment(endpoint: endpoint, cache: hub.cache)
        let (limits, retry) = try network.resolve()
        let sync = CheckpointSync(environment: env, progress: SyncProgress(), retry: retry)
        sync.limits = limits
        if !dryRun {
            let db = try PyTrackDatabase(path: database.db)
            if let group { try db.recordGroup(group) }
            sync.record = SyncRecorder.recording(into: db, source: env.endpoint)
        }
        let summary: SyncSummary
        if let shard {
            guard let part = try runShard(shard, request: request, manifest: manifest!, sync: sync, cache: env.cacheDirectory) else {
                print("sync: shard \(shard) has no units")
                return
            }
            summary = part
        } else {
            summary = try sync.run(request)
        }
        if dryRun {
            for f in summary.planned {
                print(TerminalText.escaped("\(f.cached ? "cached" : "fetch ") \(f.repo)@\(f.revision) \(f.path) \(SyncProgress.bytes(f.size))"))
            }
            let bytes = summary.planned.filter { !$0.cached }.reduce(Int64(0)) { $0 + $1.size }
            print("would fetch \(summary.planned.filter { !$0.cached }.count) files (\(SyncProgress.bytes(bytes))) for \(summary.outcomes.filter(\.isPresent).count) checkpoints")
        } else {
            print("sync: " + summary.headline)
        }
        for line in summary.duplicates { print(TerminalText.escaped("duplicate: \(line)")) }
        let problems = summary.problems
        if !problems.isEmpty {
            let text = problems.map { "pytrack: error: \(TerminalText.escaped($0))\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode(1)
        }
    }

    /// Syncs the units of one shard of `pytrack plan` (the same plan `compute --shard` computes), one
    /// repository at a time, each with its explicit step list.
    private func runShard(_ shard: ShardSpec, request: SyncRequest, manifest path: String, sync: CheckpointSync, cache: URL) throws -> SyncSummary? {
        let m = try Manifest.load(from: URL(fileURLWithPath: path))
        if case .hub = m.schedule {
            throw ValidationError("--shard: \(path) has a hub schedule, whose steps come from the cache; sync into a shared cache instead")
        }
        let lister = WorkUnitLister(cache: HubCacheReader(root: cache))
        let units = lister.units(runs: WorkUnitLister.runs(of: m), spec: request.steps).units
        let mine = ShardPlan(units: units, count: shard.count).units(of: shard)
        var total: SyncSummary?
        for repo in m.repositories {
            let steps = mine.filter { $0.model == repo }.map(\.step)
            guard !steps.isEmpty else { continue }
            var part = request
            part.repositories = [repo]
            part.steps = try StepSpec(parsing: steps.map(String.init).joined(separator: ","))
            let s = try sync.run(part)
            guard var sum = total else { total = s; continue }
            sum.outcomes += s.outcomes
            sum.planned += s.planned
            sum.repositoryProblems += s.repositoryProblems
            sum.filesDownloaded += s.filesDownloaded
            sum.filesReused += s.filesReused
            sum.bytesDownloaded += s.bytesDownloaded
            sum.seconds += s.seconds
            total = sum
        }
        return total
    }
}
