import Foundation
import PyTrackTestSupport
import XCTest
@testable import PyTrackDemoSuite

/// The demo suite ships beside the built binary, and the copy of the manifest it ships is the
/// repository's manifests/demo.json.
final class DemoSuiteTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testShippedBesideTheBuiltBinary() throws {
        let binary = try PytrackCommand.binary()
        let resources = try XCTUnwrap(DemoSuite.resources(executable: binary), "no \(DemoSuite.resourceFolderName) beside \(binary.path)")
        XCTAssertEqual(resources.deletingLastPathComponent().resolvingSymlinksInPath().path,
                       binary.deletingLastPathComponent().resolvingSymlinksInPath().path)
        let hub = DemoSuite.hubRoot(in: resources)
        // Every run folder of the sources is shipped, with every revision and byte.
        let sources = DemoSuiteTests.repoRoot.appendingPathComponent("Sources/PyTrackDemoSuite/demo-hub")
        let runs = try FileManager.default.contentsOfDirectory(atPath: sources.appendingPathComponent("pytrack-demo").path).sorted()
        XCTAssertEqual(runs, ["pythia-tiny", "pythia-tiny-deduped", "pythia-tiny-deduped-seed1"])
        for run in runs {
            let revs = try FileManager.default.contentsOfDirectory(atPath: hub.appendingPathComponent("pytrack-demo/\(run)").path)
            XCTAssertEqual(revs.count, 17, run)
            let a = try Data(contentsOf: hub.appendingPathComponent("pytrack-demo/\(run)/step2000/model.safetensors"))
            let b = try Data(contentsOf: sources.appendingPathComponent("pytrack-demo/\(run)/step2000/model.safetensors"))
            XCTAssertEqual(a, b, run)
        }
    }

    func testShippedManifestIsTheRepositorysDemoManifest() throws {
        let binary = try PytrackCommand.binary()
        let resources = try XCTUnwrap(DemoSuite.resources(executable: binary))
        let shipped = try Data(contentsOf: DemoSuite.manifest(in: resources))
        let source = try Data(contentsOf: DemoSuiteTests.repoRoot.appendingPathComponent("Sources/PyTrackDemoSuite/demo.json"))
        let repository = try Data(contentsOf: DemoSuiteTests.repoRoot.appendingPathComponent("manifests/demo.json"))
        XCTAssertEqual(source, repository, "Sources/PyTrackDemoSuite/demo.json must be a copy of manifests/demo.json: cp manifests/demo.json Sources/PyTrackDemoSuite/demo.json")
        XCTAssertEqual(shipped, source, "the built resource folder is stale: rebuild")
    }

    func testSearchOrderAndMisses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-demosuite-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let exe = dir.appendingPathComponent("bin/pytrack")
        try FileManager.default.createDirectory(at: exe.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertNil(DemoSuite.resources(executable: exe), "nothing beside a lone binary")
        // An install prefix: <prefix>/bin/pytrack + <prefix>/share/pytrack/<resources>/demo-hub.
        let shared = dir.appendingPathComponent("share/pytrack/\(DemoSuite.resourceFolderName)")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("demo-hub"), withIntermediateDirectories: true)
        XCTAssertEqual(DemoSuite.resources(executable: exe)?.standardizedFileURL.path, shared.standardizedFileURL.path)
        // Beside the binary wins; a resource folder without demo-hub/ does not count.
        let beside = dir.appendingPathComponent("bin/\(DemoSuite.resourceFolderName)")
        try FileManager.default.createDirectory(at: beside, withIntermediateDirectories: true)
        XCTAssertEqual(DemoSuite.resources(executable: exe)?.standardizedFileURL.path, shared.standardizedFileURL.path)
        try FileManager.default.createDirectory(at: beside.appendingPathComponent("demo-hub"), withIntermediateDirectories: true)
        XCTAssertEqual(DemoSuite.resources(executable: exe)?.standardizedFileURL.path, beside.standardizedFileURL.path)
    }
}
