import PyTrackCache
import Foundation
import PyTrackModel
import XCTest
@testable import PyTrackCompute

/// `pytrack plan`'s assignment: deterministic, a partition of the units, and balanced within the
/// longest-processing-time bounds (checked against a brute-force optimum on small cases).
final class ShardPlanTests: XCTestCase {
    /// Units with seeded pseudo-random weights (a few heavy ones, many light ones).
    private func units(_ n: Int, seed: UInt64) -> [PlannedUnit] {
        var state = seed | 1
        return (0..<n).map { i in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let heavy = state % 7 == 0
            return PlannedUnit(model: "org/m\(i % 3)", step: i, bytes: Int(state % 1000) + (heavy ? 20_000 : 1))
        }
    }

    func testTheSameUnitsInAnyOrderGiveTheSamePlan() {
        let list = units(200, seed: 42)
        let a = ShardPlan(units: list, count: 7)
        var shuffled = list
        var g = SystemRandomNumberGenerator()
        shuffled.shuffle(using: &g)
        XCTAssertEqual(ShardPlan(units: shuffled, count: 7), a)
        XCTAssertEqual(ShardPlan(units: list + list.prefix(10), count: 7), a, "a unit listed twice is planned once")
    }

    func testEveryUnitIsInExactlyOneShardAndLoadsAreWithinTheGreedyBound() {
        for (n, count) in [(0, 3), (5, 8), (200, 7), (1000, 64)] {
            let list = units(n, seed: UInt64(n + count))
            let plan = ShardPlan(units: list, count: count)
            XCTAssertEqual(plan.shards.count, count)
            let all = plan.shards.flatMap { $0 }
            XCTAssertEqual(all.count, Set(list).count)
            XCTAssertEqual(Set(all), Set(list))
            let total = list.reduce(0) { $0 + $1.bytes }
            let biggest = list.map(\.bytes).max() ?? 0
            // Greedy list scheduling: no shard exceeds the mean by more than one unit.
            XCTAssertLessThanOrEqual(Double(plan.loads.max() ?? 0), Double(total) / Double(count) + Double(biggest), "\(n) units / \(count)")
            for shard in plan.shards { XCTAssertEqual(shard, shard.sorted { ($0.step, $0.model) < ($1.step, $1.model) }) }
        }
    }

    func testWithinFourThirdsOfTheBestPossibleMaximum() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let list = units(9, seed: seed * 7919)
            let count = 3
            // Brute force: every assignment of 9 units to 3 shards.
            var best = Int.max
            for code in 0..<Int(pow(3.0, 9.0)) {
                var loads = [0, 0, 0]
                var c = code
                for u in list { loads[c % 3] += u.bytes; c /= 3 }
                best = min(best, loads.max()!)
            }
            let got = ShardPlan(units: list, count: count).loads.max()!
            XCTAssertGreaterThanOrEqual(got, best)
            XCTAssertLessThanOrEqual(Double(got), 4.0 / 3.0 * Double(best), "seed \(seed)")
        }
    }

    func testShardSpecParsing() throws {
        XCTAssertEqual(try ShardSpec(parsing: "3/64"), try ShardSpec(index: 3, count: 64))
        for bad in ["64/64", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] {
            XCTAssertThrowsError(try ShardSpec(parsing: bad), bad)
        }
    }

    /// Parameter counts of the shape table against the totals EleutherAI publishes for Pythia.
    func testPythiaShapesGiveThePublishedParameterCounts() {
        let published: [String: Int] = [
            "14m": 14_067_712, "31m": 30_494_720, "70m": 70_426_624, "160m": 162_322_944, "410m": 405_334_016,
            "1b": 1_011_781_632, "1.4b": 1_414_647_808, "2.8b": 2_775_208_960, "6.9b": 6_857_302_016, "12b": 11_846_072_320,
        ]
        for size in PythiaSuite.sizes {
            XCTAssertEqual(PythiaSuite.shapes[size]?.parameterCount, published[size], size)
        }
        XCTAssertEqual(PythiaSuite.size(ofRepository: "EleutherAI/pythia-1.4b-deduped"), "1.4b")
        XCTAssertEqual(PythiaSuite.size(ofRepository: "EleutherAI/pythia-160m-seed3"), "160m")
        XCTAssertNil(PythiaSuite.size(ofRepository: "pytrack-demo/pythia-tiny"))
    }

    func testPythiaManifestsListTheScheduleWhateverTheCacheHolds() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-empty-\(UUID().uuidString)")
        let lister = WorkUnitLister(cache: HubCacheReader(root: empty))
        let manifest = Manifest(name: "pythia-160m", standard: "EleutherAI/pythia-160m", deduped: "EleutherAI/pythia-160m-deduped")
        let all = lister.units(runs: WorkUnitLister.runs(of: manifest), spec: .all)
        XCTAssertEqual(all.units.count, 2 * 154)
        XCTAssertEqual(Set(all.units.map(\.bytes)), [2 * 162_322_944])
        let some = lister.units(runs: WorkUnitLister.runs(of: manifest), spec: try StepSpec(parsing: "log,1000-3000,200000-300000"))
        XCTAssertEqual(some.units.filter { $0.model == "EleutherAI/pythia-160m" }.map(\.step), PythiaSuite.logSteps + [1000, 2000, 3000])
        XCTAssertEqual(some.unmatched.count, 2, "the empty range is reported for both runs")
    }
}
