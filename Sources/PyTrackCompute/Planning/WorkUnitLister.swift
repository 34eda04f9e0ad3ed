import PyTrackCache
import Foundation
import PyTrackModel
import PyTrackStore

/// Lists the (run, step) work units of a selection, the input of `ShardPlan`, the same way on every
/// machine: a manifest's steps come from its schedule (`pythia`: the 154 Pythia steps; an explicit
/// list), and only `hub` schedules and bare `--model` runs fall back to the steps the cache holds (on a
/// cluster, the shared cache that `pytrack sync` filled). Each unit weighs the fp16 bytes of its model:
/// the Pythia shape table for Pythia repositories, else the cached config.json, else 1.
public struct WorkUnitLister: Sendable {
    /// One run to list: its repository and the steps a SPEC selects from (nil: the cached ones).
    public struct Run: Sendable {
        public var repo: String
        public var schedule: [Int]?
        public init(repo: String, schedule: [Int]?) {
            self.repo = repo
            self.schedule = schedule
        }
    }

    public let cache: HubCacheReader

    public init(cache: HubCacheReader) {
        self.cache = cache
    }

    /// The runs of a manifest, with the steps its schedule names (nil for `hub`).
    public static func runs(of manifest: Manifest) -> [Run] {
        let steps: [Int]?
        switch manifest.schedule {
        case .pythia: steps = PythiaSuite.steps
        case .explicit(let list): steps = list
        case .hub: steps = nil
        }
        return manifest.repositories.map { Run(repo: $0, schedule: steps) }
    }

    /// The units `spec` selects from `runs` (ordered by model, then step), and the SPEC terms that
    /// matched nothing, per run.
    public func units(runs: [Run], spec: StepSpec) -> (units: [PlannedUnit], unmatched: [(model: String, step: Int, reason: String)]) {
        var units: [PlannedUnit] = []
        var unmatched: [(model: String, step: Int, reason: String)] = []
        for run in runs {
            let available = run.schedule ?? ComputePlan.cachedSteps(model: run.repo, cache: cache)
            let selection = Self.select(spec, available: available, noun: run.schedule == nil ? "cached step" : "scheduled step")
            let bytes = weight(of: run.repo)
            units += selection.steps.map { PlannedUnit(model: run.repo, step: $0, bytes: bytes) }
            unmatched += selection.unmatched.map { (run.repo, $0.step, $0.reason) }
        }
        return (units, unmatched)
    }

    /// Steps of `spec` to compute (`StepSpec.select`): an explicit `N` or short `A:B:S` step is
    /// requested even when absent (it is then reported missing); a term that matched nothing is listed.
    public static func select(_ spec: StepSpec, available: [Int], noun: String = "step") -> (steps: [Int], unmatched: [(step: Int, reason: String)]) {
        let selection = spec.select(available: available)
        return (selection.steps, selection.empty.map { ($0.step, "no \(noun) in \($0.term)") })
    }

    /// fp16 bytes of one checkpoint of `repo`: 2 x its parameter count.
    public func weight(of repo: String) -> Int {
        if let size = PythiaSuite.size(ofRepository: repo), let shape = PythiaSuite.shapes[size] {
            return 2 * shape.parameterCount
        }
        for revision in cache.revisions(model: repo).sorted() {
            if let located = try? cache.locate(model: repo, revision: revision), let config = located.config,
               let shape = try? GPTNeoXConfig.load(configPath: config.path) {
                return 2 * shape.parameterCount
            }
        }
        return 1
    }

    /// The units of `units` that `database` does not hold as computed (every matrix current), for
    /// `plan --missing` and `compute --missing-from`: a rerun covers only what the merge still lacks.
    public static func notComputed(_ units: [PlannedUnit], in database: PyTrackDatabase) throws -> [PlannedUnit] {
        let done = Set(try database.checkpointStatus(required: MetricGroups.required)
            .filter { $0.computeState == .computed }.map { "\($0.step) \($0.model)" })
        return units.filter { !done.contains("\($0.step) \($0.model)") }
    }
}
