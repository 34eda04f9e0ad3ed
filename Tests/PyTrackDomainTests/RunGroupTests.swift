import PyTrackDomain
import XCTest

final class RunGroupTests: XCTestCase {
    func testInferredPairsTwinsByName() {
        let groups = RunGroup.inferred(from: ["E/pythia-160m-deduped", "E/pythia-160m", "E/pythia-14m", "E/orphan-deduped"])
        XCTAssertEqual(groups.map(\.name), ["orphan-deduped", "pythia-14m", "pythia-160m"])
        let pair = groups[2]
        XCTAssertEqual(pair.standard, "E/pythia-160m")
        XCTAssertEqual(pair.deduped, "E/pythia-160m-deduped")
        XCTAssertEqual(groups[0].deduped, "E/orphan-deduped")
        XCTAssertNil(groups[0].standard)
        XCTAssertTrue(pair.seedSets.isEmpty, "a standard/deduped pair has no seed-to-seed spread")
    }

    func testSeedSetsAndSpreadNames() {
        var group = RunGroup(name: "g", runs: [
            .init(repo: "o/std", role: .standard, data: .standard),
            .init(repo: "o/dd", role: .deduped, data: .deduped),
            .init(repo: "o/dd-s1", role: .seed, data: .deduped),
            .init(repo: "o/dd-s2", role: .seed, data: .deduped),
        ])
        XCTAssertEqual(group.repositories, ["o/std", "o/dd", "o/dd-s1", "o/dd-s2"])
        XCTAssertEqual(group.seedSets, [.deduped: ["o/dd", "o/dd-s1", "o/dd-s2"]])
        XCTAssertEqual(group.spreadName(for: .deduped), "g")
        group.runs.append(.init(repo: "o/std-s1", role: .seed, data: .standard))
        XCTAssertEqual(group.seedSets[.standard], ["o/std", "o/std-s1"])
        XCTAssertEqual(group.spreadName(for: .standard), "g:standard", "two spreads never share a name")
        XCTAssertEqual(group.spreadName(for: .deduped), "g:deduped")
    }
}
