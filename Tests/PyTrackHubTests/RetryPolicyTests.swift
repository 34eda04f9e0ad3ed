import XCTest
@testable import PyTrackHub

/// The retry budget: backoff within `maxRetryTime`, server delays honoured only when they fit, a
/// short budget for unreachable hosts.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(maxAttempts: 8, baseDelay: 0.25, maxDelay: 30, maxServerDelay: 300, maxRetryTime: 600, unreachableRetryTime: 10)

    func testBackoffUntilTheAttemptsOrTheTimeRunOut() {
        XCTAssertEqual(policy.decide(attempt: 1, elapsed: 0), .retry(after: 0.25))
        XCTAssertEqual(policy.decide(attempt: 3, elapsed: 1), .retry(after: 1))
        XCTAssertEqual(policy.decide(attempt: 8, elapsed: 1), .giveUp("after 8 attempts in 1 s"))
        XCTAssertEqual(policy.decide(attempt: 2, elapsed: 599.8), .giveUp("after 2 attempts in 599.8 s (retry time 600 s, --max-retry-time)"))
        // Unreachable: at most 10 s of retrying, whatever --max-retry-time says.
        XCTAssertEqual(policy.decide(attempt: 4, elapsed: 5, unreachable: true), .retry(after: 2))
        XCTAssertEqual(policy.decide(attempt: 6, elapsed: 7.8, unreachable: true),
                       .giveUp("after 6 attempts in 7.8 s (retry time 10 s for an unreachable host)"))
        var short = policy
        short.maxRetryTime = 3
        XCTAssertEqual(short.decide(attempt: 1, elapsed: 2.9, unreachable: true), .giveUp("after 1 attempt in 2.9 s (retry time 3 s for an unreachable host)"))
    }

    func testServerDelaysAreHonouredOnlyWithinTheBudget() {
        XCTAssertEqual(policy.decide(attempt: 1, elapsed: 0, headers: ["retry-after": "55"]), .retry(after: 55))
        XCTAssertEqual(policy.decide(attempt: 1, elapsed: 0, headers: ["ratelimit": "\"api\";r=0;t=120"]), .retry(after: 120))
        XCTAssertEqual(policy.decide(attempt: 1, elapsed: 0.004, headers: ["retry-after": "3000"]),
                       .giveUp("after 1 attempt in 0 s: the server asked to wait 3000 s, more than the 300 s accepted"))
        XCTAssertEqual(policy.decide(attempt: 2, elapsed: 400, headers: ["retry-after": "250"]),
                       .giveUp("after 2 attempts in 400 s: the server asked to wait 250 s, past the 600 s retry time (--max-retry-time)"))
        for junk in ["-5", "nan", "inf", "soon"] {
            XCTAssertEqual(policy.decide(attempt: 1, elapsed: 0, headers: ["retry-after": junk]), .retry(after: 0.25), junk)
        }
    }

    func testEndpointCredentialsAreTakenOutOfTheURL() {
        let e = HubEnvironment(endpoint: "http://someone:s%40cret@hub.local:8080/", environment: [:])
        XCTAssertEqual(e.endpoint, "http://hub.local:8080")
        XCTAssertEqual(e.credentials, HubEnvironment.Credentials(user: "someone", password: "s@cret"))
        XCTAssertFalse(e.description.contains("cret"))
        XCTAssertEqual(HubEnvironment(environment: ["HF_ENDPOINT": "https://u@h.example"]).endpoint, "https://h.example")
        XCTAssertNil(HubEnvironment(endpoint: "https://huggingface.co", environment: [:]).credentials)
        XCTAssertEqual(HubEnvironment.splitCredentials("http://a:b@bad host/x").url, "http://bad host/x", "unparsable URLs lose their userinfo too")
    }

    func testNextPageLinksStayOnTheEndpointsOrigin() throws {
        let client = try HubClient(environment: HubEnvironment(endpoint: "http://127.0.0.1:8080", environment: [:]))
        let base = "http://127.0.0.1:8080/api/models/o/n/tree/main?recursive=1"
        XCTAssertEqual(try client.sameOrigin("http://127.0.0.1:8080/api/models/o/n/tree/main?cursor=2", relativeTo: base),
                       "http://127.0.0.1:8080/api/models/o/n/tree/main?cursor=2")
        XCTAssertEqual(try client.sameOrigin("/api/models/o/n/tree/main?cursor=3", relativeTo: base),
                       "http://127.0.0.1:8080/api/models/o/n/tree/main?cursor=3")
        for bad in ["http://127.0.0.1:8081/x", "https://127.0.0.1:8080/x", "http://localhost:8080/x", "gopher://127.0.0.1:8080/_x",
                    "file:///etc/passwd", "http://u:p@127.0.0.1:8080/x", "//evil.example/x"] {
            XCTAssertThrowsError(try client.sameOrigin(bad, relativeTo: base), bad)
        }
    }
}
