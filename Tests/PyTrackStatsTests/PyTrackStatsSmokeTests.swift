import XCTest
@testable import PyTrackStats

final class PyTrackStatsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackStatsModule.self), "PyTrackStatsModule") }
}
