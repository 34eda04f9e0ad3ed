import Foundation
import XCTest
@testable import PyTrackHub

final class HubEnvironmentTests: XCTestCase {
    func testDefaultsAndOverrides() {
        let d = HubEnvironment(environment: [:], homeDirectory: "/home/u")
        XCTAssertEqual(d.endpoint, "https://huggingface.co")
        XCTAssertEqual(d.cacheDirectory.path, "/home/u/.cache/huggingface/hub")
        XCTAssertFalse(d.offline)
        let e = HubEnvironment(environment: ["HF_ENDPOINT": "http://h:1/", "HF_HOME": "/hf", "HF_HUB_OFFLINE": "1"], homeDirectory: "/home/u")
        XCTAssertEqual(e.endpoint, "http://h:1")
        XCTAssertEqual(e.cacheDirectory.path, "/hf/hub")
        XCTAssertTrue(e.offline)
        let f = HubEnvironment(endpoint: "http://x", cache: "/cc", environment: ["HF_ENDPOINT": "http://h", "HF_HUB_CACHE": "/hc"])
        XCTAssertEqual(f.endpoint, "http://x")
        XCTAssertEqual(f.cacheDirectory.path, "/cc")
        XCTAssertEqual(HubEnvironment(environment: ["HF_HUB_CACHE": "/hc"]).cacheDirectory.path, "/hc")
    }

    func testTokenFromEnvironmentOrHFHomeFileAndNeverPrinted() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("hf_from_file\n".utf8).write(to: home.appendingPathComponent("token"))
        let fromFile = HubEnvironment(environment: ["HF_HOME": home.path])
        XCTAssertEqual(fromFile.token, "hf_from_file")
        let fromEnv = HubEnvironment(environment: ["HF_HOME": home.path, "HF_TOKEN": "hf_from_env"])
        XCTAssertEqual(fromEnv.token, "hf_from_env")
        XCTAssertFalse(fromEnv.description.contains("hf_from_env"))
        XCTAssertTrue(fromEnv.description.contains("token set"))
        XCTAssertNil(HubEnvironment(environment: ["HF_HOME": "/nonexistent"]).token)
    }

    func testRetryDelaysHonourServerHeaders() {
        let p = RetryPolicy(baseDelay: 0.5, maxDelay: 4)
        XCTAssertEqual(p.delay(attempt: 1, headers: [:]), 0.5)
        XCTAssertEqual(p.delay(attempt: 3, headers: [:]), 2)
        XCTAssertEqual(p.delay(attempt: 10, headers: [:]), 4)
        XCTAssertEqual(p.delay(attempt: 1, headers: ["retry-after": "7"]), 7)
        XCTAssertEqual(p.delay(attempt: 1, headers: ["ratelimit": "\"api\";r=0;t=55"]), 55)
        XCTAssertTrue(RetryPolicy.isRetryable(status: 429))
        XCTAssertTrue(RetryPolicy.isRetryable(status: 503))
        XCTAssertTrue(RetryPolicy.isRetryable(status: 408))
        XCTAssertFalse(RetryPolicy.isRetryable(status: 404))
        XCTAssertEqual(HubClient.nextLink("<http://h/a?cursor=2>; rel=\"next\""), "http://h/a?cursor=2")
        XCTAssertNil(HubClient.nextLink("<http://h/a>; rel=\"prev\""))
    }
}
