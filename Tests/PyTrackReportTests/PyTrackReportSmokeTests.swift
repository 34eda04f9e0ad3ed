import XCTest
@testable import PyTrackReport

final class PyTrackReportSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackReportModule.self), "PyTrackReportModule") }
}
