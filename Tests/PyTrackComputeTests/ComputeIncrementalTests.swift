import Foundation
import PyTrackCache
import PyTrackDomain
import PyTrackStore
import XCTest
@testable import PyTrackCompute

/// Incremental behaviour: nothing current is recomputed, stale groups are, --recompute forces, and the
/// cache layout is read as huggingface_hub writes it.
final class ComputeIncrementalTests: XCTestCase {
    func engine(_ db: PyTrackDatabase, recompute: Bool = false, lines: LineCollector = LineCollector()) -> ComputeEngine {
        ComputeEngine(database: db, options: ComputeOptions(threads: 2, recompute: recompute),
                      progress: ComputeProgress(isTTY: false, write: { lines.write($0) }))
    }

    func testSecondRunComputesNothingAndRecomputeForcesAll() throws {
        let db = try PyTrackDatabase()
        let plan = try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "t/m", step: 3)
        let first = engine(db).run(plan)
        XCTAssertEqual(first.matrices, 42)
        let before = try db.metricRows(model: "t/m")
        let second = engine(db).run(plan)
        XCTAssertEqual(second.matrices, 0)
        XCTAssertEqual(second.upToDate.count, 1)
        XCTAssertEqual(try db.metricRows(model: "t/m"), before)
        let third = engine(db, recompute: true).run(plan)
        XCTAssertEqual(third.matrices, 42)
        XCTAssertEqual(try db.metricRows(model: "t/m"), before, "deterministic: the same values again")
    }

    func testOnlyMatricesWithAStaleGroupAreRecomputed() throws {
        let db = try PyTrackDatabase()
        let plan = try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "t/m", step: 3)
        _ = engine(db).run(plan)
        // Pretend layer 1 mlp_in was computed with an older "fits" definition and a wrong value.
        var stale = MetricGroups.matrix
        stale["fits"] = 0
        let key = MatrixKey(layer: 1, matrix: "mlp_in")
        let stored = try XCTUnwrap(db.checkpoint(model: "t/m", step: 3))
        try db.saveResults(CheckpointResults(
            checkpoint: ComputedCheckpoint(model: "t/m", step: 3, revision: "step3", contentSHA256: stored.computedSHA256,
                                           expectedMatrices: stored.expectedMatrices),
            matrices: [MatrixResult(key: key, tensor: "x", rows: 128, cols: 32, dtype: "F32",
                                    metrics: ["logistic_s": 123], groupVersions: stale)]))
        let summary = engine(db).run(plan)
        XCTAssertEqual(summary.matrices, 1)
        let s = try db.stepMetrics(model: "t/m", step: 3, metrics: ["logistic_s"])[key]?["logistic_s"] ?? nil
        let want = try ComputeFixtures.reference("standard").matrices["1/mlp_in"]!.metrics["logistic_s"]!!
        assertClose(try XCTUnwrap(s), want, rel: 1e-4, "recomputed logistic_s")
        XCTAssertEqual(try db.storedGroupVersions(model: "t/m", step: 3)[key], MetricGroups.matrix)
    }

    func testPlansFromTheHubCacheLayoutAndReportsMissingSteps() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        try ComputeFixtures.makeCache(dir, model: "Org/tiny", steps: [0, 1000], fixture: "standard")
        let cache = HubCacheReader(root: dir)
        XCTAssertEqual(ComputePlan.cachedSteps(model: "Org/tiny", cache: cache), [0, 1000])
        let located = try cache.locate(model: "Org/tiny", revision: "step1000")
        XCTAssertEqual(located.weights.lastPathComponent, "model.safetensors")
        XCTAssertEqual(located.files, ["model.safetensors", "config.json"])
        XCTAssertEqual(located.weightSHA256, try ComputeFixtures.sha256(ComputeFixtures.weights("standard")))
        XCTAssertEqual(located.commit, String(format: "%040x", 1000 + 0xabc000))

        let plan = ComputePlan.fromCache(models: ["Org/tiny"], steps: { _ in [0, 512, 1000] }, cache: cache)
        XCTAssertEqual(plan.units.map(\.step), [0, 1000])
        XCTAssertEqual(plan.missing.map(\.step), [512])
        XCTAssertTrue(plan.missing[0].reason.contains("step512") && plan.missing[0].reason.contains(dir.path), plan.missing[0].reason)

        let db = try PyTrackDatabase()
        let summary = engine(db).run(plan)
        XCTAssertFalse(summary.succeeded, "a missing step is reported")
        XCTAssertEqual(summary.computed.map(\.step), [0, 1000])
        let records = try db.checkpoints(model: "Org/tiny")
        XCTAssertEqual(try db.checkpointStatus(model: "Org/tiny", required: MetricGroups.required).map(\.computeState), [.computed, .computed])
        XCTAssertEqual(records[0].computedSHA256, located.weightSHA256)
        XCTAssertNil(records[0].syncState, "compute never writes sync's state")
        XCTAssertEqual(records[0].source, "hub")
        // Both steps hold the same weights, so the depth rows agree.
        let depth = try db.derived(model: "Org/tiny", metric: "depth_growth_rate")
        XCTAssertEqual(depth.filter { $0.step == 0 }.map(\.value), depth.filter { $0.step == 1000 }.map(\.value))
    }

    func testRejectsNamesThatLeaveTheCache() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = HubCacheReader(root: dir)
        XCTAssertThrowsError(try cache.locate(model: "../etc", revision: "step1"))
        XCTAssertThrowsError(try cache.locate(model: "Org/tiny", revision: "../../x"))
    }

    func testWithoutConfigOnlyTheFusedQKVAndANoteOnce() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        try ComputeFixtures.makeCache(dir, model: "Org/noconfig", steps: [1, 2], fixture: "standard", withConfig: false)
        let lines = LineCollector()
        let db = try PyTrackDatabase()
        let plan = ComputePlan.fromCache(models: ["Org/noconfig"], steps: { _ in [1, 2] }, cache: HubCacheReader(root: dir))
        XCTAssertNil(plan.units[0].checkpoint.config)
        let summary = engine(db, lines: lines).run(plan)
        XCTAssertTrue(summary.succeeded)
        let keys = try db.matrixKeys(model: "Org/noconfig")
        XCTAssertTrue(keys.contains(MatrixKey(layer: 0, matrix: "qkv")))
        XCTAssertFalse(keys.contains { ["q", "k", "v"].contains($0.matrix) || $0.matrix.hasPrefix("ov_head") }, "\(keys)")
        let notes = lines.lines.filter { $0.contains("num_attention_heads") }
        XCTAssertEqual(notes.count, 1, "said once: \(lines.lines)")
        XCTAssertTrue(notes[0].contains("fused qkv only"), notes[0])
    }

    func testUnreadableCheckpointFailsThatStepOnly() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let bad = dir.appendingPathComponent("model.safetensors")
        try Data("not a safetensors file at all".utf8).write(to: bad)
        let db = try PyTrackDatabase()
        var plan = try ComputePlan.local(file: bad.path, model: "t/bad", step: 1)
        plan.units += try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "t/good", step: 1).units
        let summary = engine(db).run(plan)
        XCTAssertEqual(summary.failed.map(\.model), ["t/bad"])
        XCTAssertTrue(summary.failed[0].reason.contains(bad.path), summary.failed[0].reason)
        XCTAssertFalse(summary.failed[0].reason.contains("\n"))
        XCTAssertEqual(summary.computed.map(\.model), ["t/good"])
        XCTAssertEqual(try db.checkpointStatus(model: "t/bad", step: 1, required: MetricGroups.required).first?.computeState, .failed)
    }

    func testOVCircuitNormsMatchTheDirectProduct() {
        // 2 heads, d = 4: build the d x d product explicitly and compare.
        let d = 4, heads = 2, hd = 2
        let qkv = (0..<(3 * d * d)).map { Float(sin(Double($0) * 0.7)) }
        let dense = (0..<(d * d)).map { Float(cos(Double($0) * 0.3)) }
        let norms = qkv.withUnsafeBufferPointer { q in
            dense.withUnsafeBufferPointer { o in
                OVCircuitNorms.frobenius(qkv: q, dense: o, d: d, heads: heads) { h in (h * 3 * hd + 2 * hd)..<(h * 3 * hd + 3 * hd) }
            }
        }
        for h in 0..<heads {
            var sum = 0.0
            for r in 0..<d {
                for c in 0..<d {
                    var x = 0.0
                    for i in 0..<hd { x += Double(dense[r * d + h * hd + i]) * Double(qkv[(h * 3 * hd + 2 * hd + i) * d + c]) }
                    sum += x * x
                }
            }
            XCTAssertEqual(norms[h], sum.squareRoot(), accuracy: 1e-12 * sum.squareRoot())
        }
    }
}
