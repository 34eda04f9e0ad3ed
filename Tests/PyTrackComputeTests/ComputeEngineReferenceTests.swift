import Foundation
import PyTrackDomain
import PyTrackStore
import XCTest
@testable import PyTrackCompute

/// Collects what the progress reporter writes.
final class LineCollector: @unchecked Sendable {  // `text` is guarded by `lock`
    private let lock = NSLock()
    private var text = ""
    func write(_ s: String) { lock.withLock { text += s } }
    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}

/// Runs the whole engine on committed fixtures and compares every stored value with the numpy/scipy
/// reference committed next to them (tools/compute_fixtures/make_compute_fixtures.py --reference).
final class ComputeEngineReferenceTests: XCTestCase {
    /// metric -> (relative tolerance, floor): |got - want| <= rel * max(|want|, floor). The tolerances.
    static let tolerances: [String: (Double, Double)] = [
        "frobenius": (1e-6, 0), "spectral_norm": (1e-6, 0), "nuclear_norm": (1e-6, 0),
        "stable_rank": (1e-6, 0), "effective_rank": (1e-6, 0),
        "mean": (1e-6, 1e-6), "std": (1e-6, 0), "skewness": (1, 1e-5), "excess_kurtosis": (1, 1e-5),
        "max_abs_z": (1e-6, 0), "max_robust_z": (1e-6, 0), "tail_frac_6sigma": (1, 1e-12),
        "gauss_mu": (1e-6, 1e-6), "gauss_sigma": (1e-6, 0), "gauss_loglik": (1e-6, 0), "gauss_ks": (1, 1e-4),
        "logistic_s": (1e-4, 0), "logistic_loglik": (1e-6, 0), "logistic_ks": (1, 1e-4),
        "mp_edge": (1e-9, 0), "mp_edge_lower": (1e-9, 0), "mp_ks": (1, 1e-4), "mp_spikes": (0, 0),
        "mp_sigma_bulk": (1e-9, 0), "mp_edge_elementstd": (1e-9, 0), "numerical_rank": (0, 0),
        "alpha_lo": (1e-6, 0), "alpha_hi": (1e-6, 0), "alpha_ww": (1e-9, 0), "alpha_ww_xmin": (1e-9, 0),
        "student_t_inv_df": (1e-3, 1e-6), "ks_floor": (1e-9, 1e-3),
        "alpha": (0.01, 0), "alpha_xmin": (1e-3, 0), "alpha_ks": (1, 1e-3),
        "nonfinite_count": (0, 0), "outlier_count": (0, 0),
        // Student-t MLE vs scipy.stats.t.fit (df capped at 1000 in both); mu is compared relative to s below.
        "student_t_df": (1e-3, 0), "student_t_s": (1e-4, 0), "student_t_loglik": (1e-6, 0), "student_t_ks": (1, 1e-4),
    ]

    var db: PyTrackDatabase!
    var output: LineCollector!

    override func setUpWithError() throws {
        db = try PyTrackDatabase()
        output = LineCollector()
        let collector = output!
        let engine = ComputeEngine(database: db, options: ComputeOptions(threads: 2),
                                   progress: ComputeProgress(isTTY: false, write: { collector.write($0) }))
        var plan = try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "test/tiny", step: 7)
        plan.units += try ComputePlan.local(file: ComputeFixtures.weights("deduped").path, model: "test/tiny-deduped", step: 7).units
        plan.units += try ComputePlan.local(file: ComputeFixtures.weights("nonfinite").path, model: "test/nan", step: 7).units
        let summary = engine.run(plan)
        XCTAssertTrue(summary.succeeded, "\(summary.failed)")
        XCTAssertEqual(summary.computed.count, 3)
    }

    /// Stored metrics per matrix for a model at step 7.
    func stored(_ model: String) throws -> [MatrixKey: [String: Double?]] {
        var out: [MatrixKey: [String: Double?]] = [:]
        for r in try db.metricRows(model: model) where r.step == 7 {
            out[MatrixKey(layer: r.layer, matrix: r.matrix), default: [:]][r.metric] = .some(r.value)
        }
        return out
    }

    func compare(model: String, fixture: String) throws {
        let ref = try ComputeFixtures.reference(fixture)
        let got = try stored(model)
        XCTAssertEqual(Set(got.keys.map(ComputeFixtures.refKey)), Set(ref.matrices.keys), "\(model): stored matrices differ from the catalog walk")
        var compared = 0
        for (key, metrics) in got {
            let name = "\(model) \(key)"
            guard let want = ref.matrices[ComputeFixtures.refKey(key)] else { continue }
            for (metric, value) in metrics {
                if metric == "alpha_tail_count" {
                    // Not in the reference: the number of eigenvalues >= the fitted xmin.
                    guard let sv = want.singularValues, !sv.isEmpty, let xmin = metrics["alpha_xmin"] ?? nil, let value else {
                        XCTAssert(value == nil || value == 0, "\(name) \(metric): no spectrum, no tail"); continue
                    }
                    XCTAssertEqual(value, Double(sv.filter { $0 * $0 >= xmin * (1 - 1e-4) }.count), "\(name) \(metric)")
                    continue
                }
                guard let expected = want.metrics[metric] else { XCTFail("\(name): \(metric) is not in the reference"); continue }
                guard let expected else { XCTAssertNil(value, "\(name) \(metric) should be NULL"); continue }
                guard let value else { XCTFail("\(name) \(metric) is NULL, reference \(expected)"); continue }
                compared += 1
                if metric.hasPrefix("quantile_") {
                    assertClose(value, expected, rel: 1e-6, floor: 1e-9, "\(name) \(metric)")
                } else if metric == "logistic_mu" {
                    let s = want.metrics["logistic_s"]!! 
                    XCTAssertLessThanOrEqual(abs(value - expected), 1e-4 * s, "\(name) logistic_mu")
                } else if metric == "student_t_mu" {
                    let s = want.metrics["student_t_s"]!!
                    XCTAssertLessThanOrEqual(abs(value - expected), 1e-4 * s, "\(name) student_t_mu")
                } else if let (rel, floor) = Self.tolerances[metric] {
                    assertClose(value, expected, rel: rel, floor: floor, "\(name) \(metric)")
                } else {
                    XCTFail("\(name): no tolerance for \(metric)")
                }
            }
            for metric in want.metrics.keys where metrics[metric] == nil {
                XCTFail("\(name): \(metric) not stored")
            }
            if let sv = want.singularValues, !sv.isEmpty {
                guard case let .float32(values)? = try db.blob(model: model, step: 7, key: key, kind: "singular_values")?.payload else {
                    XCTFail("\(name): no singular values stored"); continue
                }
                XCTAssertEqual(values.count, sv.count, name)
                for (i, (a, b)) in zip(values, sv).enumerated() { assertClose(Double(a), b, rel: 1e-4, floor: 1e-30, "\(name) sv[\(i)]") }
            }
            if let outliers = want.outliers {
                let blob = try db.blob(model: model, step: 7, key: key, kind: "outliers")
                XCTAssertEqual(blob?.payload, .int32(outliers.map(Int32.init)), "\(name) outliers")
            }
            if let values = want.values {
                guard case let .float32(v)? = try db.blob(model: model, step: 7, key: key, kind: "values")?.payload else {
                    XCTFail("\(name): no values blob"); continue
                }
                XCTAssertEqual(v.count, values.count, name)
                for (a, b) in zip(v, values) {
                    if let b { XCTAssertEqual(Double(a), b, accuracy: abs(b) * 1e-7, name) } else { XCTAssertFalse(a.isFinite, name) }
                }
            }
        }
        XCTAssertGreaterThan(compared, 850, "\(model): too few values compared")
    }

    func testStandardFixtureMatchesNumpyScipy() throws {
        try compare(model: "test/tiny", fixture: "standard")
    }

    func testDedupedFixtureMatchesNumpyScipy() throws {
        try compare(model: "test/tiny-deduped", fixture: "deduped")
    }

    func testNonFiniteWeightsAreWarnedStoredAndTheRunGoesOn() throws {
        try compare(model: "test/nan", fixture: "nonfinite")
        let warnings = output.lines.filter { $0.hasPrefix("warning:") }
        XCTAssertTrue(warnings.contains { $0.contains("gpt_neox.layers.1.mlp.dense_4h_to_h.weight") && $0.contains("4 of 4096") }, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("gpt_neox.layers.0.post_attention_layernorm.weight") && $0.contains("1 of 32") }, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("depth_growth_rate of mlp_out left NULL: layer 1 has non-finite weights") }, "\(warnings)")
        XCTAssertEqual(warnings.count, 3, "one warning per affected matrix and one for the depth row: \(warnings)")
        let depth = try db.derived(model: "test/nan", metric: "depth_growth_rate")
        XCTAssertEqual(depth.first { $0.matrix == "mlp_out" }.map { $0.value == nil }, true, "\(depth)")
        XCTAssertEqual(depth.filter { $0.value != nil }.count, 6, "\(depth)")
        let matrices = try db.stepMetrics(model: "test/nan", step: 7, metrics: ["nonfinite_count", "spectral_norm"])
        XCTAssertEqual(matrices[MatrixKey(layer: 1, matrix: "mlp_out")]?["nonfinite_count"], .some(4))
        XCTAssertEqual(matrices[MatrixKey(layer: 1, matrix: "mlp_out")]?["spectral_norm"], .some(nil))
        XCTAssertEqual(try db.checkpointStatus(model: "test/nan", step: 7, required: MetricGroups.required).first?.computeState, .computed)
    }

    func testBlobsOfEveryMatrix() throws {
        let ref = try ComputeFixtures.reference("standard")
        for (keyText, entry) in ref.matrices where !keyText.contains("ov_head") {
            let parts = keyText.split(separator: "/", omittingEmptySubsequences: false)
            let key = MatrixKey(layer: Int(parts[0]), matrix: String(parts[1]))
            let elements = try XCTUnwrap(entry.shape, keyText).reduce(1, *)
            let hist = try XCTUnwrap(try db.blob(model: "test/tiny", step: 7, key: key, kind: "histogram"), keyText)
            guard case let .float32(counts) = hist.payload else { XCTFail(keyText); continue }
            XCTAssertEqual(Int(counts.reduce(0, +)), elements, "\(keyText): histogram counts every element")
            let lo = try XCTUnwrap(hist.meta["lo"]), hi = try XCTUnwrap(hist.meta["hi"])
            XCTAssertLessThanOrEqual(lo, entry.metrics["quantile_0.001"]!!, keyText)
            XCTAssertGreaterThanOrEqual(hi, entry.metrics["quantile_0.999"]!!, keyText)
            if let sv = entry.singularValues {
                for kind in ["gauss_sample_sv", "logistic_sample_sv"] {
                    let blob = try XCTUnwrap(try db.blob(model: "test/tiny", step: 7, key: key, kind: kind), "\(keyText) \(kind)")
                    XCTAssertEqual(blob.count, sv.count, "\(keyText) \(kind)")
                    guard case let .float32(v) = blob.payload else { XCTFail(keyText); continue }
                    XCTAssertEqual(v, v.sorted(by: >), "\(keyText) \(kind) descending")
                }
            }
        }
    }

    func testDepthGrowthAndDedupComparisonRows() throws {
        let ref = try ComputeFixtures.reference("standard")
        let depth = try db.derived(model: "test/tiny", metric: "depth_growth_rate")
        XCTAssertEqual(Set(depth.map(\.matrix)), Set(ref.depthGrowth.keys))
        for row in depth {
            XCTAssertNil(row.layer)
            XCTAssertEqual(row.value!, ref.depthGrowth[row.matrix]!, accuracy: 1e-6, "depth_growth_rate \(row.matrix)")
        }
        let rows = try db.derived(model: "test/tiny-deduped").filter { $0.metric.hasPrefix("dedup_") }
        XCTAssertEqual(Set(rows.map { "\($0.layer.map(String.init) ?? "")/\($0.matrix)" }), Set(ref.derived.keys))
        for row in rows {
            XCTAssertEqual(row.otherModel, "test/tiny")
            let key = "\(row.layer.map(String.init) ?? "")/\(row.matrix)"
            let want = try XCTUnwrap(ref.derived[key]?[row.metric], "\(key) \(row.metric)")
            let value = try XCTUnwrap(row.value, "\(key) \(row.metric)")
            switch row.metric {
            case "dedup_norm_ratio": assertClose(value, want, rel: 1e-6, "\(key) ratio")
            case "dedup_w1_spectrum": XCTAssertEqual(value, want, accuracy: 1e-5, "\(key) w1")
            case "dedup_alpha_diff":
                // Each alpha is within 1% of the Clauset MLE, so the difference within 1% of their sum.
                let a = ref.matrices[key]!.metrics["alpha"]!!
                XCTAssertEqual(value, want, accuracy: 0.01 * (abs(a) + abs(a - want)) + 1e-9, "\(key) alpha diff")
            default: XCTFail("unexpected \(row.metric)")
            }
        }
        XCTAssertTrue(try db.derived(model: "test/tiny").filter { $0.metric.hasPrefix("dedup_") }.isEmpty, "rows belong to the deduped model")
    }
}
