import Foundation
import PyTrackCache
import PyTrackModel

/// One unit of work: a (model, step) and where its checkpoint lies.
public struct WorkUnit: Sendable, Equatable {
    public var model: String
    public var step: Int
    public var revision: String
    public var checkpoint: LocatedCheckpoint
    /// `hub` for the cache, or the local path for `--file`.
    public var source: String
    /// Synthetic/demo data (labelled as such in reports).
    public var isDemo: Bool

    public init(model: String, step: Int, revision: String? = nil, checkpoint: LocatedCheckpoint, source: String, isDemo: Bool = false) {
        self.model = model
        self.step = step
        self.revision = revision ?? PythiaSuite.revision(step: step)
        self.checkpoint = checkpoint
        self.source = source
        self.isDemo = isDemo
    }
}

/// What `pytrack compute` will do: the units found, and the requested steps that cannot be computed
/// (with the reason), which are reported but do not stop the others.
public struct ComputePlan: Sendable {
    public var units: [WorkUnit]
    public var missing: [(model: String, step: Int, reason: String)]

    public init(units: [WorkUnit] = [], missing: [(model: String, step: Int, reason: String)] = []) {
        self.units = units
        self.missing = missing
    }

    /// The steps (`stepN` revisions) present in the cache for a model, ascending.
    public static func cachedSteps(model: String, cache: HubCacheReader) -> [Int] {
        cache.revisions(model: model).compactMap { rev -> Int? in
            PythiaSuite.step(revision: rev)
        }.sorted()
    }

    /// Plans the given steps of each model from the hub cache; steps not in the cache become `missing`.
    /// Units are ordered by step, then model, so a standard/deduped pair finishes a step together.
    public static func fromCache(models: [String], steps: (String) -> [Int], cache: HubCacheReader, isDemo: Bool = false) -> ComputePlan {
        var plan = ComputePlan()
        var pending: [WorkUnit] = []
        for model in models {
            for step in steps(model) {
                do {
                    let located = try cache.locate(model: model, revision: PythiaSuite.revision(step: step))
                    pending.append(WorkUnit(model: model, step: step, checkpoint: located, source: "hub", isDemo: isDemo))
                } catch {
                    plan.missing.append((model, step, String(describing: error)))
                }
            }
        }
        plan.units = pending.sorted { ($0.step, $0.model) < ($1.step, $1.model) }
        return plan
    }

    /// Plans one local checkpoint file (`--file PATH --model NAME --step N`).
    public static func local(file: String, model: String, step: Int, isDemo: Bool = false) throws -> ComputePlan {
        let located = try LocatedCheckpoint.local(file: URL(fileURLWithPath: file))
        return ComputePlan(units: [WorkUnit(model: model, step: step, checkpoint: located, source: located.weights.path, isDemo: isDemo)])
    }
}
