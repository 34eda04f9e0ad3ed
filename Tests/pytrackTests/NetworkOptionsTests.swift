import Foundation
import PyTrackTestSupport
import XCTest

/// `pytrack sync`'s network limits: flags, else `PYTRACK_*` variables, else defaults; bad values are
/// usage errors (exit 2) naming the flag or variable.
final class NetworkOptionsTests: XCTestCase {
    func sync(_ extra: [String], env: [String: String?] = [:]) throws -> PytrackCommand.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-net-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var changes: [String: String?] = ["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil, "HF_ENDPOINT": nil]
        for (k, v) in env { changes[k] = v }
        return try PytrackCommand.run(["sync", "--model", "org/a", "--steps", "0", "--endpoint", "http://127.0.0.1:1",
                                       "--cache", dir.appendingPathComponent("cache").path, "--db", dir.appendingPathComponent("db.sqlite").path] + extra,
                                      environment: PytrackCommand.environment(changes))
    }

    func testBadValuesAreUsageErrors() throws {
        let flag = try sync(["--connect-timeout", "0"])
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.contains("--connect-timeout must be a positive number of seconds"), flag.stderr)
        let env = try sync([], env: ["PYTRACK_MAX_RETRY_TIME": "soon"])
        XCTAssertEqual(env.status, 2)
        XCTAssertTrue(env.stderr.contains("PYTRACK_MAX_RETRY_TIME=soon: expected a positive number of seconds"), env.stderr)
    }

    func testTheEnvironmentSetsALimitAndAFlagOverridesIt() throws {
        // Nothing listens on port 1: the unreachable budget is min(PYTRACK_UNREACHABLE_RETRY_TIME, --max-retry-time).
        let fromEnv = try sync([], env: ["PYTRACK_UNREACHABLE_RETRY_TIME": "1"])
        XCTAssertEqual(fromEnv.status, 1)
        XCTAssertTrue(fromEnv.stderr.contains("(retry time 1 s for an unreachable host)"), fromEnv.stderr)
        let fromFlag = try sync(["--max-retry-time", "0.5"], env: ["PYTRACK_UNREACHABLE_RETRY_TIME": "1", "PYTRACK_MAX_RETRY_TIME": "30"])
        XCTAssertEqual(fromFlag.status, 1)
        XCTAssertTrue(fromFlag.stderr.contains("(retry time 0.5 s for an unreachable host)"), fromFlag.stderr)
    }
}
