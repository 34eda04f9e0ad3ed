import Foundation
import PyTrackDomain
import PyTrackStore
import XCTest
@testable import PyTrackCompute

/// The registry and the engine agree: every metric the engine stores is registered in the scope it is
/// stored for, and every registered metric is produced by something.
final class MetricRegistryCoverageTests: XCTestCase {
    func testTheEngineProducesExactlyTheRegisteredMetrics() throws {
        let db = try PyTrackDatabase()
        // Three runs: a standard/deduped pair and a seed run of the deduped data, so every derived row exists.
        let group = RunGroup(name: "g", runs: [
            .init(repo: "t/m", role: .standard, data: .standard),
            .init(repo: "t/m-deduped", role: .deduped, data: .deduped),
            .init(repo: "t/m-deduped-seed1", role: .seed, data: .deduped),
        ])
        try db.recordGroup(group)
        var plan = ComputePlan()
        for (repo, fixture) in [("t/m", "standard"), ("t/m-deduped", "deduped"), ("t/m-deduped-seed1", "nonfinite")] {
            plan.units += try ComputePlan.local(file: ComputeFixtures.weights(fixture).path, model: repo, step: 7).units
        }
        let engine = ComputeEngine(database: db, options: ComputeOptions(threads: 2),
                                   progress: ComputeProgress(isTTY: false, write: { _ in }))
        XCTAssertTrue(engine.run(plan).succeeded)

        var produced: [MetricDefinition.Scope: Set<String>] = [:]
        var unknownSpreads = Set<String>()
        for (key, metrics) in try db.allStepMetrics(model: "t/m", step: 7) {
            let scope: MetricDefinition.Scope = key.matrix.hasPrefix("ov_head") ? .head
                : key.matrix.contains("ln") || key.matrix.hasSuffix("_bias") ? .vector : .matrix
            produced[scope, default: []].formUnion(metrics.keys)
        }
        for model in ["t/m", "t/m-deduped", "g"] {
            for row in try db.derived(model: model) {
                let scope: MetricDefinition.Scope = row.metric.hasPrefix("seed_") ? .runSpread
                    : row.otherModel != nil ? .runComparison : .step
                let name = scope == .runSpread ? String(row.metric.prefix(9)) : row.metric
                produced[scope, default: []].insert(name)
                if scope == .runSpread, !MetricRegistry.isKnown(row.metric) { unknownSpreads.insert(row.metric) }
            }
        }
        XCTAssertEqual(unknownSpreads.sorted(), [], "seed-spread rows of unregistered metrics")
        for scope in MetricDefinition.Scope.allCases {
            let registered = Set(MetricRegistry.metrics(scope: scope).map(\.name))
            let made = produced[scope] ?? []
            XCTAssertEqual(made.subtracting(registered).sorted(), [],
                           "\(scope.rawValue): the engine stores metrics the registry lacks: add them to MetricRegistry.metrics")
            XCTAssertEqual(registered.subtracting(made).sorted(), [],
                           "\(scope.rawValue): the registry lists metrics nothing produces")
        }
    }
}
