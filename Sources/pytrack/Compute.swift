import PyTrackCache
import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackDomain
import PyTrackHub
import PyTrackModel
import PyTrackStore

/// `pytrack compute`: checkpoints (HF cache or a local file) -> per-matrix statistics in the database.
struct Compute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute per-matrix statistics of synced checkpoints into the database (incremental).",
        discussion: """
        Reads checkpoints from the huggingface_hub cache (what `pytrack sync` fetched), or one local file
        with --file. Matrices already stored with current metric versions are skipped, so a killed run
        resumes where it stopped; --recompute forces everything. Steps not in the cache are reported and
        the others go on; the exit status is 1 if any requested step is missing or failed.
        Example:
          pytrack compute --manifest manifests/pythia-160m.json --steps log,1000-5000
          pytrack compute --model EleutherAI/pythia-70m --steps 0,143000 --threads 2
          pytrack compute --file ./model.safetensors --model local/my-run --step 1000
          pytrack compute --manifest manifests/pythia-160m.json --shard 3/64 --db $TMPDIR/shard-3.sqlite
        With --shard i/N it computes exactly shard i of the plan `pytrack plan --shards N` prints for the
        same selection (the cache only; merge the shards' databases with `pytrack merge`).
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Steps: all | comma list of N, A-B, A:B:S, log. Default: the manifest's steps, else all cached.")
    var steps: String?

    @Option(name: .long, help: "A repository ORG/NAME (repeatable); with --file, the name to store results under.")
    var model: [String] = []

    @Option(name: .long, help: "A manifest file (repeatable): its standard and deduped repositories.")
    var manifest: [String] = []

    @Option(name: .long, help: "Checkpoint cache (huggingface_hub layout). Default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.")
    var cache: String?

    @Option(name: .long, help: "A local checkpoint (safetensors, .bin, or a shard index) instead of the cache; needs --model and --step.")
    var file: String?

    @Option(name: .long, help: "The step of --file.")
    var step: Int?

    @Option(name: .long, help: "Worker threads across matrices (default: number of cores).")
    var threads: Int?

    @Option(name: .long, help: "Most memory one matrix may need, in GiB; a larger one fails its checkpoint before allocating. Default: 3/4 of physical memory (or of the cgroup limit).")
    var maxMemoryGb: Double?

    @Option(name: .long, help: "Compute only shard i of N (0-based) of the deterministic plan `pytrack plan --shards N` prints.")
    var shard: ShardSpec?

    @Option(name: .customLong("missing-from"), help: "With --shard: plan only the units this (merged) database lacks, as `pytrack plan --missing` lists them.")
    var missingFrom: String?

    @Flag(name: .long, help: "Recompute matrices even when their stored results are current.")
    var recompute = false

    @Flag(name: .long, help: "Mark the models as synthetic/demo data (automatic for pytrack-demo/* repositories).")
    var demo = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let maxMemoryGb, !(maxMemoryGb > 0 && maxMemoryGb < 1e6) { throw ValidationError("--max-memory-gb must be a positive number of GiB") }
        if file != nil {
            guard model.count == 1 else { throw ValidationError("--file needs exactly one --model NAME") }
            guard let step, step >= 0 else { throw ValidationError("--file needs --step N (N >= 0)") }
            guard manifest.isEmpty, steps == nil else { throw ValidationError("--file cannot be combined with --manifest or --steps") }
            guard shard == nil, missingFrom == nil else { throw ValidationError("--file cannot be combined with --shard or --missing-from") }
        } else {
            guard !model.isEmpty || !manifest.isEmpty else { throw ValidationError("give --model ORG/NAME, --manifest FILE, or --file PATH") }
            if step != nil { throw ValidationError("--step is for --file; use --steps SPEC with the cache") }
            if let steps { _ = try parseSpec(steps) }
            if missingFrom != nil && shard == nil { throw ValidationError("--missing-from needs --shard i/N") }
        }
    }

    func run() throws {
        var (plan, groups) = try makePlan()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: database.db).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let db = try PyTrackDatabase(path: database.db)
        for group in groups { try db.recordGroup(group) }
        // A step whose files left the cache (evicted, deleted) after it was computed keeps its rows and
        // counts as done, not missing.
        var kept: [(model: String, step: Int)] = []
        plan.missing = try plan.missing.filter { m in
            let status = try db.checkpointStatus(model: m.model, step: m.step, required: MetricGroups.required).first
            if status?.computeState == .computed { kept.append((m.model, m.step)); return false }
            return true
        }
        if !kept.isEmpty {
            FileHandle.standardError.write(Data("pytrack compute: \(kept.count) requested step(s) not in the cache but already computed; stored results kept\n".utf8))
        }
        let budget = maxMemoryGb.map { MemoryBudget(gigabytes: $0) } ?? .default
        let engine = ComputeEngine(database: db, options: ComputeOptions(threads: threads, recompute: recompute, memoryBudget: budget,
                                                                            blasThreads: ComputeOptions.blasThreadsSharing(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)))
        let summary = engine.run(plan)
        FileHandle.standardError.write(Data("pytrack compute: \(summary.line)\n".utf8))
        if !summary.succeeded {
            let bad = summary.failed.map { ($0.model, $0.step, $0.reason) } + summary.missing.map { ($0.model, $0.step, $0.reason) }
            let list = bad.prefix(3).map { "\($0.0) step \($0.1) (\($0.2))" }.joined(separator: "; ") + (bad.count > 3 ? "; ..." : "")
            throw ComputeRunFailure(message: "\(bad.count) requested step(s) not computed (\(summary.missing.count) missing, \(summary.failed.count) failed): \(list)")
        }
    }

    /// The plan, and the run groups the manifests name (recorded before computing).
    private func makePlan() throws -> (ComputePlan, [RunGroup]) {
        if let file, let step, let name = model.first {
            return (try ComputePlan.local(file: file, model: name, step: step, isDemo: demo || Self.isDemo(name)), [])
        }
        var repos: [String] = []
        var groups: [RunGroup] = []
        var manifestSpec: StepSpec?
        var manifestRuns: [WorkUnitLister.Run] = []
        for path in manifest {
            let m = try Manifest.load(from: URL(fileURLWithPath: path))
            repos += m.repositories
            manifestRuns += WorkUnitLister.runs(of: m)
            groups.append(m.group)
            manifestSpec = manifestSpec ?? m.steps
        }
        for name in model where !repos.contains(name) {
            guard Manifest.isRepositoryName(name) else { throw ValidationError("--model '\(name)' is not ORG/NAME") }
            repos.append(name)
        }
        let spec = try steps.map(parseSpec) ?? manifestSpec ?? .all
        let cacheReader = HubCacheReader(root: HubEnvironment(cache: cache).cacheDirectory)
        if let shard {
            let runs = manifestRuns + repos.filter { repo in !manifestRuns.contains { $0.repo == repo } }
                .map { WorkUnitLister.Run(repo: $0, schedule: nil) }
            return (try shardPlan(shard, runs: runs, spec: spec, cache: cacheReader), groups)
        }
        var plan = ComputePlan()
        for repo in repos {
            let available = ComputePlan.cachedSteps(model: repo, cache: cacheReader)
            let selection = WorkUnitLister.select(spec, available: available, noun: "cached step")
            var part = ComputePlan.fromCache(models: [repo], steps: { _ in selection.steps }, cache: cacheReader,
                                             isDemo: demo || Self.isDemo(repo))
            part.missing += selection.unmatched.map { (repo, $0.step, $0.reason) }
            plan.units += part.units
            plan.missing += part.missing
        }
        plan.units.sort { ($0.step, $0.model) < ($1.step, $1.model) }
        if plan.units.isEmpty && plan.missing.isEmpty {
            throw ComputeRunFailure(message: "\(cacheReader.root.path): no cached checkpoints of \(repos.joined(separator: ", ")) match --steps \(spec.text) (run pytrack sync first)")
        }
        return (plan, groups)
    }

    /// The cache plan of shard `shard`'s units (`ShardPlan` over the `WorkUnitLister` units; less those
    /// `--missing-from` holds). Unmatched SPEC terms are reported by shard 0 only.
    private func shardPlan(_ shard: ShardSpec, runs: [WorkUnitLister.Run], spec: StepSpec, cache: HubCacheReader) throws -> ComputePlan {
        let lister = WorkUnitLister(cache: cache)
        var (units, unmatched) = lister.units(runs: runs, spec: spec)
        if let missingFrom {
            guard FileManager.default.fileExists(atPath: missingFrom) else {
                throw ComputeRunFailure(message: "--missing-from \(missingFrom): no such database")
            }
            units = try WorkUnitLister.notComputed(units, in: try PyTrackDatabase(path: missingFrom))
        }
        let mine = ShardPlan(units: units, count: shard.count).units(of: shard)
        let byModel = Dictionary(grouping: mine, by: \.model)
        var plan = ComputePlan.fromCache(models: byModel.keys.sorted(), steps: { byModel[$0, default: []].map(\.step) },
                                         cache: cache, isDemo: demo)
        if demo == false {
            plan.units = plan.units.map { var u = $0; u.isDemo = Self.isDemo(u.model); return u }
        }
        if shard.index == 0 { plan.missing += unmatched }
        FileHandle.standardError.write(Data("pytrack compute: shard \(shard): \(mine.count) of \(units.count) unit(s)\n".utf8))
        return plan
    }

    private func parseSpec(_ text: String) throws -> StepSpec {
        do { return try StepSpec(parsing: text) } catch { throw ValidationError("--steps: \(error)") }
    }

    /// Synthetic demo repositories (tools/demo-suite) live under the `pytrack-demo` organisation.
    static func isDemo(_ model: String) -> Bool { model.hasPrefix("pytrack-demo/") }
}

/// A compute run that did not compute every requested step (exit status 1).
struct ComputeRunFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
