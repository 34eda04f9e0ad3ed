import XCTest
@testable import PyTrackStore

final class PyTrackStoreSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackStoreModule.self), "PyTrackStoreModule") }
}
