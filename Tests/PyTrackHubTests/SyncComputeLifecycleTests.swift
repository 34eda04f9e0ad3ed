import Foundation
import PyTrackTestSupport
import XCTest

/// Sync and compute keep separate lifecycles, through the real CLI and a real local hub: syncing again
/// after a compute changes nothing, and a branch the hub moved to other weights is re-fetched, shown
/// stale and recomputed (never reported as up to date with the old numbers).
final class SyncComputeLifecycleTests: XCTestCase {
    static let fixtures = TestHub.repoRoot.appendingPathComponent("Tests/Fixtures/compute")

    func pytrack(_ args: [String]) throws -> PytrackCommand.Result {
        try PytrackCommand.run(args, environment: PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil]))
    }

    /// Serves the compute fixture `fixture` as `repo@stepN`.
    func publish(_ hub: TestHub, _ repo: String, step: Int, fixture: String) throws {
        let folder = hub.root.appendingPathComponent(repo).appendingPathComponent("step\(step)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["model.safetensors", "config.json"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(fixture).appendingPathComponent(file),
                                             to: folder.appendingPathComponent(file))
        }
    }

    func frobenius(_ csv: String, step: Int, layer: Int, matrix: String) -> String? {
        csv.split(separator: "\n").first { $0.contains(",\(step),\(layer),\(matrix),frobenius,") }
            .map { String($0.split(separator: ",").last ?? "") }
    }

    func testSyncAfterComputeChangesNothingAndMovedWeightsAreRecomputed() throws {
        let repo = "org/tiny"
        let hub = try TestHub()
        try publish(hub, repo, step: 0, fixture: "standard")
        try publish(hub, repo, step: 1000, fixture: "deduped")
        try hub.start()
        let db = hub.dir.appendingPathComponent("p.sqlite").path
        let sync = ["sync", "--model", repo, "--steps", "0,1000", "--endpoint", hub.server.endpoint, "--cache", hub.cache.path, "--db", db]
        let compute = ["compute", "--model", repo, "--steps", "0,1000", "--cache", hub.cache.path, "--db", db, "--threads", "2"]
        let status = ["status", "--db", db, "--json"]

        XCTAssertEqual(try pytrack(sync).status, 0)
        let computed = try pytrack(compute)
        XCTAssertEqual(computed.status, 0, computed.stderr)
        let before = try pytrack(status).stdout
        XCTAssertEqual(before.components(separatedBy: "\"compute_state\" : \"computed\"").count - 1, 2, before)
        XCTAssertEqual(before.components(separatedBy: "\"sync_state\" : \"synced\"").count - 1, 2, before)
        let export = try pytrack(["export", "--db", db, "--format", "csv"]).stdout

        // Sync again: nothing downloaded, nothing changed; compute has nothing to do.
        XCTAssertEqual(try pytrack(sync).status, 0)
        XCTAssertEqual(try pytrack(status).stdout, before, "sync after compute must not change any state")
        let again = try pytrack(compute)
        XCTAssertTrue(again.stderr.contains("0 checkpoint(s) computed (0 matrices), 2 already up to date"), again.stderr)
        XCTAssertEqual(try pytrack(["export", "--db", db, "--format", "csv"]).stdout, export)

        // The hub moves step0 to other weights (a re-upload): sync fetches them and the results go stale.
        try publish(hub, repo, step: 0, fixture: "nonfinite")
        XCTAssertEqual(try pytrack(sync).status, 0)
        let stale = try pytrack(status).stdout
        XCTAssertTrue(stale.contains("\"compute_state\" : \"stale\""), stale)
        let recomputed = try pytrack(compute)
        XCTAssertEqual(recomputed.status, 0, recomputed.stderr)
        XCTAssertTrue(recomputed.stderr.contains("weights changed since its results were stored"), recomputed.stderr)
        XCTAssertTrue(recomputed.stderr.contains("1 checkpoint(s) computed"), recomputed.stderr)
        XCTAssertEqual(try pytrack(status).stdout, before, "computed again, from the new content")

        // The stored numbers are the new weights' numbers: the same as a fresh compute of that file.
        let fresh = hub.dir.appendingPathComponent("fresh.sqlite").path
        XCTAssertEqual(try pytrack(["compute", "--file", Self.fixtures.appendingPathComponent("nonfinite/model.safetensors").path,
                                    "--model", repo, "--step", "0", "--db", fresh]).status, 0)
        let now = try pytrack(["export", "--db", db, "--format", "csv"]).stdout
        let want = try pytrack(["export", "--db", fresh, "--format", "csv"]).stdout
        let got = try XCTUnwrap(frobenius(now, step: 0, layer: 1, matrix: "mlp_out"))
        XCTAssertEqual(got, frobenius(want, step: 0, layer: 1, matrix: "mlp_out"))
        XCTAssertNotEqual(got, frobenius(export, step: 0, layer: 1, matrix: "mlp_out"), "the fixtures differ")
        XCTAssertEqual(frobenius(now, step: 1000, layer: 1, matrix: "mlp_out"), frobenius(export, step: 1000, layer: 1, matrix: "mlp_out"))
    }
}
