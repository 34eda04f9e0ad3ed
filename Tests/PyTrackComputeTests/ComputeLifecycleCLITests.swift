import Foundation
import PyTrackTestSupport
import XCTest

/// Compute's lifecycle through the real CLI: results keyed to their content, eviction keeps what is
/// stored, and a run group with a seed run gets seed-spread rows.
final class ComputeLifecycleCLITests: XCTestCase {
    @discardableResult
    func pytrack(_ args: [String]) throws -> PytrackCommand.Result {
        try PytrackCommand.run(args, environment: PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil]))
    }

    /// Tidy CSV rows -> "model|step|layer|matrix|metric" -> value text.
    func rows(_ csv: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6 else { continue }
            out[f[0...4].joined(separator: "|")] = f[5]
        }
        return out
    }

    func testComputeAfterEvictionKeepsTheStoredRows() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: [0, 1000], fixture: "standard")
        let db = dir.appendingPathComponent("p.sqlite").path
        let args = ["compute", "--model", "Org/tiny", "--steps", "0,1000", "--cache", cache.path, "--db", db]
        XCTAssertEqual(try pytrack(args).status, 0)
        let before = try pytrack(["export", "--db", db, "--format", "csv"]).stdout
        let status = try pytrack(["status", "--db", db, "--json"]).stdout

        // Evict step 1000's files from the cache (what --evict or a user's rm does).
        let repo = cache.appendingPathComponent("models--Org--tiny")
        try FileManager.default.removeItem(at: repo.appendingPathComponent("refs/step1000"))
        try FileManager.default.removeItem(at: repo.appendingPathComponent("snapshots").appendingPathComponent(String(format: "%040x", 1000 + 0xabc000)))
        let again = try pytrack(args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("1 requested step(s) not in the cache but already computed; stored results kept"), again.stderr)
        XCTAssertEqual(try pytrack(["export", "--db", db, "--format", "csv"]).stdout, before)
        XCTAssertEqual(try pytrack(["status", "--db", db, "--json"]).stdout, status)

        // A step never computed and not in the cache is still missing.
        let missing = try pytrack(["compute", "--model", "Org/tiny", "--steps", "2000", "--cache", cache.path, "--db", db])
        XCTAssertEqual(missing.status, 1, missing.stderr)
    }

    func testAnotherFileUnderTheSameStepReplacesItsResults() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let db = dir.appendingPathComponent("p.sqlite").path
        let standard = ComputeFixtures.weights("standard").path, deduped = ComputeFixtures.weights("deduped").path
        XCTAssertEqual(try pytrack(["compute", "--file", standard, "--model", "t/m", "--step", "5", "--db", db]).status, 0)
        let same = try pytrack(["compute", "--file", standard, "--model", "t/m", "--step", "5", "--db", db])
        XCTAssertTrue(same.stderr.contains("0 checkpoint(s) computed"), same.stderr)

        let other = try pytrack(["compute", "--file", deduped, "--model", "t/m", "--step", "5", "--db", db])
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("weights changed since its results were stored"), other.stderr)
        let fresh = dir.appendingPathComponent("fresh.sqlite").path
        XCTAssertEqual(try pytrack(["compute", "--file", deduped, "--model", "t/m", "--step", "5", "--db", fresh]).status, 0)
        XCTAssertEqual(try pytrack(["export", "--db", db, "--format", "csv"]).stdout,
                       try pytrack(["export", "--db", fresh, "--format", "csv"]).stdout,
                       "every row now comes from the second file")
    }

    func testAGroupWithASeedRunGetsSeedSpreadRows() throws {
        let dir = try ComputeFixtures.temporaryDirectory(self)
        let cache = dir.appendingPathComponent("cache")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny", steps: [0, 1000], fixture: "standard")
        try ComputeFixtures.makeCache(cache, model: "Org/tiny-deduped", steps: [0, 1000], fixture: "deduped")
        // A stand-in seed run of the deduped data: other weights (the standard fixture's) under its own name.
        try ComputeFixtures.makeCache(cache, model: "Org/tiny-deduped-seed1", steps: [0, 1000], fixture: "standard")
        let manifest = dir.appendingPathComponent("group.json")
        try Data("""
            {"name": "tiny-group", "standard": "Org/tiny", "deduped": "Org/tiny-deduped",
             "seeds": [{"repo": "Org/tiny-deduped-seed1", "data": "deduped"}], "schedule": [0, 1000]}
            """.utf8).write(to: manifest)
        let db = dir.appendingPathComponent("p.sqlite").path
        let run = try pytrack(["compute", "--manifest", manifest.path, "--cache", cache.path, "--db", db])
        XCTAssertEqual(run.status, 0, run.stderr)
        let all = rows(try pytrack(["export", "--db", db, "--format", "csv"]).stdout)

        for step in [0, 1000] {
            for (layer, matrix, metric) in [("1", "attn_out", "frobenius"), ("0", "mlp_in", "excess_kurtosis"), ("", "embed_in", "std")] {
                let a = try XCTUnwrap(Double(all["Org/tiny-deduped|\(step)|\(layer)|\(matrix)|\(metric)"] ?? ""))
                let b = try XCTUnwrap(Double(all["Org/tiny-deduped-seed1|\(step)|\(layer)|\(matrix)|\(metric)"] ?? ""))
                let spread = { (name: String) in Double(all["tiny-group|\(step)|\(layer)|\(matrix)|seed_\(name)_\(metric)"] ?? "") }
                XCTAssertEqual(try XCTUnwrap(spread("min")), min(a, b), accuracy: 1e-12 * abs(a))
                XCTAssertEqual(try XCTUnwrap(spread("max")), max(a, b), accuracy: 1e-12 * abs(a))
                // Sample standard deviation (ddof 1) of two values: |a - b| / sqrt(2).
                XCTAssertEqual(try XCTUnwrap(spread("std")), abs(a - b) / 2.0.squareRoot(), accuracy: 1e-9 * abs(a - b) + 1e-15)
            }
        }
        // The standard run saw other data: it is not in the spread; the dedup comparison still pairs the twins.
        XCTAssertNotNil(all["Org/tiny-deduped|0|1|attn_out|dedup_norm_ratio"])
        XCTAssertNil(all.keys.first { $0.hasPrefix("Org/tiny-deduped-seed1|") && $0.contains("|dedup_") })
        // The group is no run: status lists the three runs only.
        let status = try pytrack(["status", "--db", db])
        XCTAssertFalse(status.stdout.contains("tiny-group"), status.stdout)
    }
}
