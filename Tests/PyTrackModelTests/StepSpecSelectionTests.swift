import XCTest
@testable import PyTrackModel

/// The one step resolver: `select` for planners that report absent steps, `resolve` for strict callers.
final class StepSpecSelectionTests: XCTestCase {
    let cached = [0, 1, 2, 4, 1000, 2000, 3000]

    func testSelectKeepsExplicitStepsAndListsWhatIsAbsentOrEmpty() throws {
        let s = try StepSpec(parsing: "log,1000-2500,5000,0:2000:1000,7000-8000").select(available: cached)
        XCTAssertEqual(s.steps, [0, 1, 2, 4, 1000, 2000, 5000])
        XCTAssertEqual(s.absent.map(\.step), [5000])
        XCTAssertEqual(s.empty.map(\.term), ["7000-8000"])
    }

    func testLongStridesAreMatchedNotExpanded() throws {
        let s = try StepSpec(parsing: "0:999999999:1").select(available: cached)
        XCTAssertEqual(s.steps, cached)
        XCTAssertTrue(s.absent.isEmpty)
        let none = try StepSpec(parsing: "5:999999999:1000").select(available: cached)
        XCTAssertEqual(none.steps, [])
        XCTAssertEqual(none.empty.map(\.term), ["5:999999999:1000"])
    }

    func testResolveRefusesWhatSelectReports() throws {
        XCTAssertEqual(try StepSpec(parsing: "0:2000:1000").resolve(available: cached), [0, 1000, 2000])
        XCTAssertThrowsError(try StepSpec(parsing: "1,5000").resolve(available: cached)) { error in
            XCTAssertTrue("\(error)".contains("5000"), "\(error)")
        }
        XCTAssertThrowsError(try StepSpec(parsing: "7000-8000").resolve(available: cached))
    }
}
