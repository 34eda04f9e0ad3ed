import PyTrackCache
import Foundation
import PyTrackCompute
import PyTrackHub
import PyTrackModel

/// The units a manifest/model selection lists (shared by `plan` and `slurm`).
struct PlanSelection {
    var spec: StepSpec
    var units: [PlannedUnit]
    var unmatched: [(model: String, step: Int, reason: String)]
    var manifests: [Manifest]

    init(manifests paths: [String], models: [String], steps: String?, cache: String?) throws {
        manifests = try paths.map { try Manifest.load(from: URL(fileURLWithPath: $0)) }
        var runs = manifests.flatMap(WorkUnitLister.runs(of:))
        for name in models where !runs.contains(where: { $0.repo == name }) {
            runs.append(WorkUnitLister.Run(repo: name, schedule: nil))
        }
        spec = try steps.map { try StepSpec(parsing: $0) } ?? manifests.first?.steps ?? .all
        let lister = WorkUnitLister(cache: HubCacheReader(root: HubEnvironment(cache: cache).cacheDirectory))
        (units, unmatched) = lister.units(runs: runs, spec: spec)
    }
}
