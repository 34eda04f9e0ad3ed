import XCTest
@testable import PyTrackModel

final class StepSpecTests: XCTestCase {
    func testPythiaSchedule() {
        XCTAssertEqual(PythiaSuite.steps.count, 154)
        XCTAssertEqual(Array(PythiaSuite.steps.prefix(12)), [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000])
        XCTAssertEqual(PythiaSuite.steps.last, 143_000)
        XCTAssertEqual(PythiaSuite.repository(size: "160m", deduped: true), "EleutherAI/pythia-160m-deduped")
        XCTAssertNil(PythiaSuite.repository(size: "14m", deduped: true))
        XCTAssertEqual(PythiaSuite.step(revision: "step2000"), 2000)
        XCTAssertNil(PythiaSuite.step(revision: "main"))
        XCTAssertNil(PythiaSuite.step(revision: "step"))
        XCTAssertNil(PythiaSuite.step(revision: "step-1"))
    }

    func testGrammar() throws {
        XCTAssertEqual(try StepSpec(parsing: "all").resolve(), PythiaSuite.steps)
        XCTAssertEqual(try StepSpec(parsing: "log").resolve(), [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
        XCTAssertEqual(try StepSpec(parsing: "1000").resolve(), [1000])
        XCTAssertEqual(try StepSpec(parsing: "step2000, 1000").resolve(), [1000, 2000])
        XCTAssertEqual(try StepSpec(parsing: "100-3000").resolve(), [128, 256, 512, 1000, 2000, 3000])
        XCTAssertEqual(try StepSpec(parsing: "0:143000:71500").resolve(available: [0, 71_500, 143_000]), [0, 71_500, 143_000])
        XCTAssertEqual(try StepSpec(parsing: "1000:5000:2000").resolve(), [1000, 3000, 5000])
        XCTAssertEqual(try StepSpec(parsing: "log,512-2000,2000").resolve(), [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000])
        // Against another schedule (e.g. the demo suite's).
        XCTAssertEqual(try StepSpec(parsing: "all").resolve(available: [0, 1, 750, 2]), [0, 1, 2, 750])
        XCTAssertEqual(try StepSpec(parsing: "log").resolve(available: [0, 2, 750]), [0, 2])
        XCTAssertEqual(try StepSpec(parsing: "500-1000").resolve(available: [0, 512, 750, 1000, 1250]), [512, 750, 1000])
    }

    func testErrorsNameTheTerm() {
        func error(_ spec: String) -> String {
            do { _ = try StepSpec(parsing: spec).resolve(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(error("").contains("empty"))
        XCTAssertTrue(error("1000,,2000").contains("empty term"))
        XCTAssertTrue(error("abc").contains("'abc'"))
        XCTAssertTrue(error("3").contains("step 3 is not an available step (nearest: 2, 4)"), error("3"))
        XCTAssertTrue(error("5000-1000").contains("start 5000 is after end 1000"))
        XCTAssertTrue(error("1000:5000:0").contains("stride S must be positive"))
        XCTAssertTrue(error("1000:5000:500").contains("step 1500 is not an available step"), error("1000:5000:500"))
        XCTAssertTrue(error("600-900").contains("no available step"))
        XCTAssertTrue(error("1-2-3").contains("expected A-B"))
        XCTAssertTrue(error("1:2").contains("expected A:B:S"))
        XCTAssertTrue(error("-5").contains("is not a step number"))
        XCTAssertTrue(error("99999999999999999999").contains("is not a step number"), "no overflow trap")
        XCTAssertFalse(error("1000").contains("\n"))
    }
}
