import XCTest
@testable import PyTrackModel

final class PyTrackModelSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackModelModule.self), "PyTrackModelModule") }
}
