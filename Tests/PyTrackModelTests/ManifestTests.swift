import Foundation
import XCTest
import PyTrackDomain
@testable import PyTrackModel

final class ManifestTests: XCTestCase {
    static let manifests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("manifests")

    func testCommittedManifestsLoad() throws {
        for size in PythiaSuite.sizes {
            let m = try Manifest.load(from: ManifestTests.manifests.appendingPathComponent("pythia-\(size).json"))
            XCTAssertEqual(m.standard, "EleutherAI/pythia-\(size)")
            XCTAssertEqual(m.deduped, PythiaSuite.repository(size: size, deduped: true))
            XCTAssertEqual(m.schedule, .pythia)
            XCTAssertEqual(m.files, ["weights", "config.json"])
            XCTAssertEqual(try m.steps.resolve().count, 154)
        }
        let demo = try Manifest.load(from: ManifestTests.manifests.appendingPathComponent("demo.json"))
        XCTAssertEqual(demo.repositories, ["pytrack-demo/pythia-tiny", "pytrack-demo/pythia-tiny-deduped",
                                           "pytrack-demo/pythia-tiny-deduped-seed1"])
        XCTAssertEqual(demo.group.seedSets[.deduped], ["pytrack-demo/pythia-tiny-deduped", "pytrack-demo/pythia-tiny-deduped-seed1"])
        XCTAssertEqual(demo.schedule, .hub)
    }

    func testParsingAndErrors() throws {
        let m = try Manifest.parse(Data(#"{"standard":"a/b","steps":"log","schedule":[0,1,2,4],"endpoint":"http://127.0.0.1:9"}"#.utf8), file: "m.json")
        XCTAssertEqual(m.name, "b")
        XCTAssertNil(m.deduped)
        XCTAssertEqual(m.repositories, ["a/b"])
        XCTAssertEqual(m.schedule, .explicit([0, 1, 2, 4]))
        XCTAssertEqual(try m.steps.resolve(available: [0, 1, 2, 4]), [0, 1, 2, 4])
        func error(_ json: String) -> String {
            do { _ = try Manifest.parse(Data(json.utf8), file: "x.json"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(error("[1]"), "x.json: invalid manifest: expected a JSON object")
        XCTAssertEqual(error("{"), "x.json: invalid manifest: not valid JSON")
        XCTAssertEqual(error(#"{"deduped":"a/b"}"#), "x.json: invalid manifest: missing 'standard'")
        XCTAssertTrue(error(#"{"standard":"../b"}"#).contains("not a repository name"))
        XCTAssertTrue(error(#"{"standard":"a/b","steps":"x-y"}"#).contains("steps:"))
        XCTAssertTrue(error(#"{"standard":"a/b","stpes":"all"}"#).contains("unknown key 'stpes'"))
        XCTAssertTrue(error(#"{"standard":"a/b","schedule":"weekly"}"#).contains("'schedule'"))
        XCTAssertTrue(error(#"{"standard":"a/b","files":[]}"#).contains("'files'"))
        XCTAssertTrue(error(#"{"standard":"a/b","endpoint":"ftp://x"}"#).contains("endpoint"))
        XCTAssertTrue("\(ManifestError.unreadable("/nope.json", "missing"))".hasPrefix("/nope.json"))
        XCTAssertTrue(error(#"{"standard":"a/b","seeds":["a/c"]}"#).contains("'seeds' must be a list"))
        XCTAssertTrue(error(#"{"standard":"a/b","seeds":[{"repo":"a/c"}]}"#).contains("'a/c' needs \"data\""))
        XCTAssertTrue(error(#"{"standard":"a/b","seeds":[{"repo":"a/c","data":"deduped","seed":3}]}"#).contains("unknown key 'seed'"))
        XCTAssertTrue(error(#"{"standard":"a/b","seeds":[{"repo":"a/b","data":"standard"}]}"#).contains("'a/b' is named twice"))
        XCTAssertTrue(error(#"{"standard":"a/b","comparisons":["dedup","vibes"]}"#).contains("unknown 'vibes'"))
    }

    func testARunGroupWithSeedsAndTodaysPairsParseToTheSameGroup() throws {
        let pair = try Manifest.parse(Data(#"{"name":"p","standard":"o/m","deduped":"o/m-deduped"}"#.utf8), file: "p.json")
        XCTAssertEqual(pair.group, RunGroup(name: "p", runs: [.init(repo: "o/m", role: .standard, data: .standard),
                                                              .init(repo: "o/m-deduped", role: .deduped, data: .deduped)]))
        // The manifest's deduped key, not the name, makes the pair.
        let renamed = try Manifest.parse(Data(#"{"standard":"o/base","deduped":"o/other-name"}"#.utf8), file: "r.json")
        XCTAssertEqual(renamed.group.deduped, "o/other-name")
        let seeded = try Manifest.parse(Data(#"""
            {"name":"g","standard":"o/m","deduped":"o/m-deduped","comparisons":["seed_spread"],
             "seeds":[{"repo":"o/m-deduped-seed1","data":"deduped"},{"repo":"o/m-seed1","data":"standard"}]}
            """#.utf8), file: "g.json")
        XCTAssertEqual(seeded.repositories, ["o/m", "o/m-deduped", "o/m-deduped-seed1", "o/m-seed1"])
        XCTAssertEqual(seeded.group.comparisons, [.seedSpread])
        XCTAssertEqual(seeded.group.seedSets[.deduped], ["o/m-deduped", "o/m-deduped-seed1"])
        XCTAssertEqual(seeded.group.seedSets[.standard], ["o/m", "o/m-seed1"])
    }
}
