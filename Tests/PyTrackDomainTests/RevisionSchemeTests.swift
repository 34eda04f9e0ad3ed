import PyTrackDomain
import XCTest

final class RevisionSchemeTests: XCTestCase {
    func testPythiaNames() {
        let s = RevisionScheme.pythia
        XCTAssertEqual(s.revision(of: 143000), "step143000")
        XCTAssertEqual(s.step(of: "step0"), 0)
        XCTAssertEqual(s.step(of: "step143000"), 143000)
        for other in ["main", "step", "step-1", "step01", "step1a", "Step1", "step１", "xstep1"] {
            XCTAssertNil(s.step(of: other), other)
        }
    }

    func testOtherSuitesNamesFit() throws {
        let gpt2 = try XCTUnwrap(RevisionScheme("checkpoint-{step}"))
        XCTAssertEqual(gpt2.step(of: "checkpoint-400000"), 400000)
        XCTAssertEqual(gpt2.revision(of: 10), "checkpoint-10")
        let olmo = try XCTUnwrap(RevisionScheme("step{step}-tokens{*}B"))
        XCTAssertEqual(olmo.step(of: "step1000-tokens4B"), 1000)
        XCTAssertNil(olmo.step(of: "step1000-tokens4M"))
        XCTAssertNil(olmo.revision(of: 1000), "the token count is not determined by the step")
        XCTAssertEqual(olmo.revision(of: 1000, among: ["step0-tokens0B", "step1000-tokens4B"]), "step1000-tokens4B")
        XCTAssertNil(RevisionScheme("no-placeholder"))
        XCTAssertNil(RevisionScheme("{step}-{step}"))
    }
}
