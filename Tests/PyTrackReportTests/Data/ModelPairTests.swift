import PyTrackDomain
import XCTest
@testable import PyTrackReport

/// Folder names of report pairs from hostile model names (issue 14, item 10).
final class ModelPairTests: XCTestCase {
    func testLongNamesAreCutAndHashedDistinctly() {
        let a = "org/" + String(repeating: "a", count: 5000)
        let b = "org/" + String(repeating: "a", count: 4999) + "b"
        let pairs = ModelPair.pairs(of: [a, b, "EleutherAI/pythia-160m", "EleutherAI/pythia-160m-deduped"])
        XCTAssertEqual(pairs.count, 3)
        let folders = pairs.map(\.folder)
        XCTAssertEqual(Set(folders).count, 3, "\(folders)")
        XCTAssertTrue(folders.contains("pythia-160m"))
        for f in folders {
            XCTAssertLessThanOrEqual(f.utf8.count, ModelPair.maxFolderLength)
            XCTAssertTrue(f.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }, "folder \(f)")
        }
        let last = String(repeating: "a", count: 5000)
        XCTAssertEqual(ModelPair.folderName(last), ModelPair.folderName(last), "stable across runs")
        XCTAssertEqual(ModelPair.folderName(last).count, 64)
        XCTAssertTrue(ModelPair.folderName(last).hasPrefix(String(repeating: "a", count: 47) + "-"))
        XCTAssertTrue(folders.contains(ModelPair.folderName(last)))
    }

    func testNamesNeverMakeHiddenOrSpecialFolders() {
        XCTAssertEqual(ModelPair.folderName(".pytrack-report-1"), "_.pytrack-report-1")
        XCTAssertEqual(ModelPair.folderName(".."), "_..")
        XCTAssertEqual(ModelPair.folderName("a/../b"), "a_.._b")
        XCTAssertEqual(ModelPair.folderName("x\u{1B}]2;y"), "x__2_y")
    }

    func testRecordedGroupsMakeThePagesAndSeedRunsStayOnTheirGroupsPage() {
        let demo = RunGroup(name: "demo", runs: [
            .init(repo: "d/tiny", role: .standard, data: .standard),
            .init(repo: "d/other-name", role: .deduped, data: .deduped),
            .init(repo: "d/tiny-deduped-seed1", role: .seed, data: .deduped),
        ])
        let pairs = ModelPair.pairs(of: ["d/tiny", "d/other-name", "d/tiny-deduped-seed1", "E/p-70m", "E/p-70m-deduped"],
                                    groups: [demo])
        XCTAssertEqual(pairs.count, 2, "one page per group: \(pairs.map(\.title))")
        let page = pairs.first { $0.standard == "d/tiny" }
        XCTAssertEqual(page?.deduped, "d/other-name", "the manifest's deduped key, not the name, pairs the runs")
        XCTAssertEqual(page?.seeds, ["d/tiny-deduped-seed1"])
        XCTAssertTrue(page?.title.hasSuffix("(+1 seed run)") ?? false)
        let inferred = pairs.first { $0.standard == "E/p-70m" }
        XCTAssertEqual(inferred?.deduped, "E/p-70m-deduped", "runs in no recorded group are paired by name")
    }
}
