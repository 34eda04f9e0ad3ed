import XCTest
@testable import PyTrackHub

final class PyTrackHubSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackHubModule.self), "PyTrackHubModule") }
}
