import XCTest
@testable import PyTrackCompute

final class PyTrackComputeSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(String(describing: PyTrackComputeModule.self), "PyTrackComputeModule") }
}
