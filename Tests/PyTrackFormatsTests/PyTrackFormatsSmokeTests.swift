import XCTest
@testable import PyTrackFormats

final class PyTrackFormatsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackFormatsModule.self), "PyTrackFormatsModule") }
}
