import Foundation
import PyTrackStore
import PyTrackTestSupport
import XCTest
@testable import PyTrackHub

/// The attacks of issue 14 on the network side, each against the built `pytrack sync` and the real
/// test hub in a hostile mode (tools/testhub/hub_server.py faults). Every case asserts the exit
/// status, the one-line error, a time bound, a peak-RSS bound, a disk bound and that what an earlier
/// sync stored (the cache's files and the database rows of another repository) did not change.
final class HostileHubTests: XCTestCase {
    /// A synced repository whose files and rows every attack must leave alone.
    let good = "org/good"

    /// The hub with `good` synced at step 0 into the cache and database, and the attack repositories.
    struct Arena {
        let hub: TestHub
        let db: String
        var port: Int { URLComponents(string: hub.server.endpoint)!.port! }

        /// Every file under the cache (symlinks as their target), for "nothing stored changed".
        func cacheFiles() -> [String: Data] {
            var out: [String: Data] = [:]
            let e = FileManager.default.enumerator(atPath: hub.cache.path)
            while let p = e?.nextObject() as? String {
                let full = hub.cache.appendingPathComponent(p).path
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                    out[p] = Data(("-> " + target).utf8)
                } else if let d = FileManager.default.contents(atPath: full) {
                    out[p] = d
                }
            }
            return out
        }
    }

    func makeArena(attackRepos: [String: Int] = [:], args: [String] = []) throws -> Arena {
        let hub = try TestHub()
        try hub.addCheckpoint(good, step: 0, size: 100_000)
        for (repo, size) in attackRepos { try hub.addCheckpoint(repo, step: 0, size: size) }
        try hub.start(args)
        let arena = Arena(hub: hub, db: hub.dir.appendingPathComponent("db.sqlite").path)
        let first = try MeasuredRun.pytrack(syncArgs(arena, repo: good), environment: environment())
        XCTAssertEqual(first.status, 0, first.stderr)
        return arena
    }

    func syncArgs(_ arena: Arena, repo: String, endpoint: String? = nil) -> [String] {
        ["sync", "--model", repo, "--steps", "0", "--jobs", "1", "--endpoint", endpoint ?? arena.hub.server.endpoint,
         "--cache", arena.hub.cache.path, "--db", arena.db]
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = PytrackCommand.environment(["HF_TOKEN": nil, "HF_HUB_OFFLINE": nil, "HF_ENDPOINT": nil])
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs one attack and asserts what every attack must hold; returns the run for case-specific checks.
    @discardableResult
    func attack(_ arena: Arena, _ name: String, repo: String, faults: String?, message: String,
                env: [String: String] = [:], endpoint: String? = nil, fileSizeLimit: Int64? = nil,
                maxSeconds: Double, maxRSSMiB: Int64 = 160, maxCacheGrowth: Int64 = 0,
                file: StaticString = #filePath, line: UInt = #line) throws -> MeasuredRun {
        if let faults { try arena.hub.server.setFaults(faults) }
        try arena.hub.server.clearLog()
        let filesBefore = arena.cacheFiles()
        let rowsBefore = try PyTrackDatabase(path: arena.db).checkpoints(model: good)
        let run = try MeasuredRun.pytrack(syncArgs(arena, repo: repo, endpoint: endpoint), environment: environment(env),
                                          fileSizeLimit: fileSizeLimit, timeout: maxSeconds + 30)
        try arena.hub.server.setFaults("[]")
        print(String(format: "hostile hub: %@: exit %d in %.2f s, peak RSS %d MiB", name, run.status, run.seconds, run.peakRSSBytes >> 20))
        let what = "\(name): \(run.stderr)"
        XCTAssertEqual(run.status, 1, what, file: file, line: line)
        XCTAssertFalse(run.errorLines.isEmpty, what, file: file, line: line)
        XCTAssertTrue(run.errorLines.contains { $0.contains(message) }, "\(name): expected '\(message)' in \(run.errorLines)", file: file, line: line)
        XCTAssertFalse(run.stderr.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7f...0x9f).contains($0.value) },
                       "\(name): a control character reached the terminal", file: file, line: line)
        XCTAssertLessThan(run.seconds, maxSeconds, "\(name): time bound", file: file, line: line)
        XCTAssertLessThan(run.peakRSSBytes, maxRSSMiB << 20, "\(name): memory bound (peak RSS \(run.peakRSSBytes >> 20) MiB)", file: file, line: line)
        // Disk: nothing partial left, growth within what the hub declared.
        XCTAssertEqual(arena.hub.incompleteFiles(), [], "\(name): partial download left", file: file, line: line)
        let filesAfter = arena.cacheFiles()
        let grown = filesAfter.filter { filesBefore[$0.key] == nil }.values.reduce(Int64(0)) { $0 + Int64($1.count) }
        XCTAssertLessThanOrEqual(grown, maxCacheGrowth, "\(name): disk bound", file: file, line: line)
        // Nothing already stored changed.
        for (path, data) in filesBefore { XCTAssertEqual(filesAfter[path], data, "\(name): \(path) changed", file: file, line: line) }
        XCTAssertEqual(try PyTrackDatabase(path: arena.db).checkpoints(model: good), rowsBefore, "\(name): stored rows changed", file: file, line: line)
        return run
    }

    // MARK: - Item 2: downloads capped at the declared size; a full disk

    func testOversizeBodiesAndAFullDiskEndInOneLineWithThePartialFileRemoved() throws {
        let arena = try makeArena(attackRepos: ["org/over1": 300_000, "org/over2": 300_000, "org/once": 300_000, "org/full": 3_000_000])
        let config = Int64(try XCTUnwrap(arena.hub.source("org/over1", "step0", "config.json")).count)
        for (repo, chunked) in [("org/over1", true), ("org/over2", false)] {
            // 2 GB more than the tree declares, on every attempt.
            try attack(arena, "oversize chunked=\(chunked)", repo: repo,
                       faults: #"[{"kind":"oversize","listener":"cdn","chunked":\#(chunked),"extra_bytes":2000000000,"count":-1}]"#,
                       message: "the server sent more than the declared 300000 bytes (twice); treated as corrupt, the partial file was removed",
                       maxSeconds: 15, maxCacheGrowth: config)
            let gets = try arena.hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }
            XCTAssertEqual(gets.count, 2, "an oversize body is retried exactly once")
        }
        // Oversize once, then the right body: retried, verified, kept.
        try arena.hub.server.setFaults(#"[{"kind":"oversize","listener":"cdn","chunked":true,"extra_bytes":5000000,"count":1}]"#)
        let once = try MeasuredRun.pytrack(syncArgs(arena, repo: "org/once"), environment: environment())
        XCTAssertEqual(once.status, 0, once.stderr)
        XCTAssertTrue(once.stderr.contains("body longer than the declared 300000 bytes (attempt 1 of 8 failed, waiting"), once.stderr)
        XCTAssertEqual(try arena.hub.snapshotData("org/once", revision: "step0", path: "model.safetensors"),
                       arena.hub.source("org/once", "step0", "model.safetensors"))

        // A chunked 3 MB body under a 1 MB file size limit (a full disk): one line, the partial file removed.
        let run = try attack(arena, "full disk", repo: "org/full",
                             faults: #"[{"kind":"oversize","listener":"cdn","chunked":true,"extra_bytes":0,"count":-1}]"#,
                             message: "File too large (disk full or file size limit); the partial file was removed",
                             fileSizeLimit: 1_000_000, maxSeconds: 15, maxCacheGrowth: config)
        XCTAssertEqual(try arena.hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }.count, 1,
                       "a full disk is not retried: \(run.stderr)")

        // A tree that declares 10 TB: refused before a byte is requested.
        try arena.hub.add("org/huge", "step0", "config.json", text: "{}\n")
        let entry: [String: Any] = ["type": "file", "path": "model.safetensors", "size": 10_000_000_000_000, "oid": String(repeating: "b", count: 40),
                                    "lfs": ["oid": String(repeating: "c", count: 64), "size": 10_000_000_000_000]]
        let inject = String(data: try JSONSerialization.data(withJSONObject: [["kind": "inject_entry", "count": -1, "entry": entry]]), encoding: .utf8)!
        try attack(arena, "10 TB declared", repo: "org/huge", faults: inject, message: "TiB more, only", maxSeconds: 10, maxCacheGrowth: 3)
        XCTAssertFalse(try arena.hub.server.requestLog().contains { $0.path.hasSuffix("/model.safetensors") }, "nothing requested")
    }

    // MARK: - Items 3 and 5: pagination and redirects cannot reach other origins or grow memory

    func testListingAndRedirectAttacksAreRefusedWithinBoundedMemory() throws {
        let arena = try makeArena(attackRepos: ["org/list": 50_000])
        let gopher = "gopher://127.0.0.1:\(arena.port)/_GET%20/canary-gopher%20HTTP/1.0%0D%0A%0D%0A"
        let links: [(String, String)] = [
            ("gopher", gopher),
            ("dict", "dict://127.0.0.1:\(arena.port)/canary-dict"),
            ("file", "file:///etc/passwd"),
            ("other origin", "{cdn}/canary-cdn"),
            ("credentials", "http://user:pw@127.0.0.1:\(arena.port)/canary-userinfo"),
        ]
        for (name, next) in links {
            let run = try attack(arena, "link \(name)", repo: "org/list",
                                 faults: #"[{"kind":"link","match":"/tree/","next":"\#(next)","count":-1}]"#,
                                 message: "refused a next-page link off the endpoint's origin", maxSeconds: 10)
            XCTAssertFalse(run.stderr.contains("root:x:0"), "file:// was never read")
            XCTAssertFalse(try arena.hub.server.requestLog().contains { $0.path.contains("canary") }, "\(name): the canary was reached")
        }
        // A page that links to itself (80k entries: just under the 8 MiB answer limit), and endless distinct pages of 30k entries.
        try attack(arena, "self link", repo: "org/list",
                   faults: #"[{"kind":"link","match":"/tree/","next":"{self}","count":-1},{"kind":"big_page","entries":75000,"count":-1}]"#,
                   message: "the tree listing's next page repeats an earlier page", maxSeconds: 20)
        try attack(arena, "endless pages", repo: "org/list",
                   faults: #"[{"kind":"link","match":"/tree/","next":"{self}&n={n}","count":-1},{"kind":"big_page","entries":30000,"count":-1}]"#,
                   message: "more than 100000 entries in the tree listing", maxSeconds: 30)
        // One tree page of 300k entries, and 200k refs: larger than the API answer limit.
        try attack(arena, "huge page", repo: "org/list", faults: #"[{"kind":"big_page","entries":300000,"count":-1}]"#,
                   message: "answer larger than the 8388608-byte limit for API answers", maxSeconds: 20)
        try attack(arena, "huge refs", repo: "org/list", faults: #"[{"kind":"big_refs","branches":200000,"count":-1}]"#,
                   message: "answer larger than the 8388608-byte limit for API answers", maxSeconds: 20)
        try attack(arena, "huge headers", repo: "org/list", faults: #"[{"kind":"big_headers","match":"/refs","headers":100000,"count":-1}]"#,
                   message: "more than 256 KiB of response headers", maxSeconds: 20)
        XCTAssertEqual(try arena.hub.server.requestLog().filter { $0.path.hasSuffix("/refs") }.count, 1, "huge headers: not retried")
        // Redirects: another protocol is refused; a malformed URL (curl error 3) is not retried.
        for (name, location, message) in [("gopher", gopher.replacingOccurrences(of: "canary-gopher", with: "canary-redirect"), "unusable redirect Location"),
                                          ("malformed", "http://127.0.0.1:99999/x", "URL using bad/illegal format or missing URL (curl 3)")] {
            try attack(arena, "redirect \(name)", repo: "org/list",
                       faults: #"[{"kind":"redirect","match":"model.safetensors","location":"\#(location)","count":-1}]"#,
                       message: message, maxSeconds: 10, maxCacheGrowth: 200)
            let log = try arena.hub.server.requestLog()
            XCTAssertEqual(log.filter { $0.path.hasSuffix("/model.safetensors") }.count, 1, "\(name): not retried")
            XCTAssertFalse(log.contains { $0.path.contains("canary") }, "\(name): the canary was reached")
        }
    }

    /// libcurl itself speaks only http and https, on a handle called directly (no origin check above it).
    func testLibcurlRefusesEveryProtocolButHTTP() throws {
        let hub = try TestHub()
        try hub.start()
        let port = URLComponents(string: hub.server.endpoint)!.port!
        let transfer = try HTTPTransfer(retry: RetryPolicy(maxAttempts: 3))
        for url in ["gopher://127.0.0.1:\(port)/_GET%20/canary-direct%20HTTP/1.0%0D%0A%0D%0A", "dict://127.0.0.1:\(port)/canary",
                    "file:///etc/passwd", "ftp://127.0.0.1:\(port)/canary"] {
            XCTAssertThrowsError(try transfer.request(url: url), url) { error in
                XCTAssertTrue("\(error)".contains("(curl 1)"), "\(url): \(error)")
            }
        }
        XCTAssertFalse(try hub.server.requestLog().contains { $0.path.contains("canary") })
    }

    /// The curl code survives into the error (issue 9, item 7): a refused connection is CURLE_COULDNT_CONNECT (7).
    func testARefusedConnectionKeepsItsCurlCode() throws {
        let transfer = try HTTPTransfer(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, unreachableRetryTime: 0.5))
        XCTAssertThrowsError(try transfer.request(url: "http://127.0.0.1:1/api/models/org/a")) { error in
            guard case let .unreachable(url, curlCode, message)? = error as? HubError else { return XCTFail("\(error)") }
            XCTAssertEqual(url, "http://127.0.0.1:1/api/models/org/a")
            XCTAssertEqual(curlCode, 7)
            XCTAssertEqual((error as? HubError)?.curlCode, 7)
            XCTAssertTrue(message.contains("(curl 7)"), message)
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    // MARK: - Item 6: timeouts and the retry budget

    func testSlowSilentAndStallingHubsAreGivenUpOnInBoundedTime() throws {
        let arena = try makeArena(attackRepos: ["org/slow": 10_000])
        let quick = ["PYTRACK_LOW_SPEED_TIME": "2", "PYTRACK_MAX_RETRY_TIME": "4"]
        let trickle = try attack(arena, "2 bytes/s", repo: "org/slow", faults: #"[{"kind":"trickle","match":"/refs","bytes_per_sec":2,"count":-1}]"#,
                                 message: "Operation too slow", env: quick, maxSeconds: 12)
        XCTAssertTrue(trickle.stderr.contains("(attempt 1 of 8 failed, waiting 0.25 s)"), trickle.stderr)
        XCTAssertTrue(trickle.errorLines.contains { $0.contains("gave up after 2 attempts") }, trickle.stderr)
        try attack(arena, "headers then silence", repo: "org/slow", faults: #"[{"kind":"silence","match":"/refs","seconds":60,"count":-1}]"#,
                   message: "Operation too slow", env: quick, maxSeconds: 12)
        try attack(arena, "no answer", repo: "org/slow", faults: #"[{"kind":"no_answer","match":"/refs","seconds":60,"count":-1}]"#,
                   message: "no answer within 1 s (--first-byte-timeout)", env: ["PYTRACK_FIRST_BYTE_TIMEOUT": "1", "PYTRACK_MAX_RETRY_TIME": "3"],
                   maxSeconds: 10)
        try attack(arena, "api timeout", repo: "org/slow",
                   faults: #"[{"kind":"big_refs","branches":2000,"count":-1},{"kind":"trickle","match":"/refs","bytes_per_sec":4000,"count":-1}]"#,
                   message: "Operation timed out after", env: ["PYTRACK_API_TIMEOUT": "2", "PYTRACK_MAX_RETRY_TIME": "3"], maxSeconds: 12)
        // A huge Retry-After is not waited for.
        try attack(arena, "Retry-After 3000", repo: "org/slow", faults: #"[{"kind":"5xx","match":"/refs","status":503,"retry_after":3000,"count":-1}]"#,
                   message: "s: the server asked to wait 3000 s, more than the 300 s accepted", maxSeconds: 3)
        try attack(arena, "Retry-After past the budget", repo: "org/slow",
                   faults: #"[{"kind":"5xx","match":"/refs","status":500,"retry_after":200,"count":-1}]"#,
                   message: "the server asked to wait 200 s, past the 20 s retry time (--max-retry-time)",
                   env: ["PYTRACK_MAX_RETRY_TIME": "20"], maxSeconds: 3)
        XCTAssertEqual(try arena.hub.server.requestLog().filter { $0.path.hasSuffix("/refs") }.count, 1)
    }

    // MARK: - Items 11, 15, 17: hostile text, credentials in the endpoint, an unreachable hub

    func testHostileTextIsEscapedAndCredentialsAreNeverShownOrStored() throws {
        let arena = try makeArena(attackRepos: ["org/text": 10_000, "org/cred": 10_000])
        let entry: [String: Any] = ["type": "file", "path": "evil\u{1B}]2;pwned\u{07}\u{9B}.bin", "size": 10, "oid": String(repeating: "a", count: 40)]
        let faults = String(data: try JSONSerialization.data(withJSONObject: [["kind": "inject_entry", "count": -1, "entry": entry]]), encoding: .utf8)!
        try attack(arena, "escape in a tree path", repo: "org/text", faults: faults,
                   message: #"unsafe name from the hub 'evil\e]2;pwned\x07\u{9B}.bin'"#, maxSeconds: 10)
        try attack(arena, "escape in X-Error-Code", repo: "org/text",
                   faults: #"[{"kind":"5xx","match":"/refs","status":404,"error_code":"Nope\u001b[2J\u0007","count":-1}]"#,
                   message: #"HTTP 404 (Nope\e[2J\x07)"#, maxSeconds: 10)

        // user:password in --endpoint: used for the API host only, never printed or stored.
        let endpoint = "http://someone:s3cret-pw@127.0.0.1:\(arena.port)"
        try arena.hub.server.clearLog()
        let ok = try MeasuredRun.pytrack(syncArgs(arena, repo: "org/cred", endpoint: endpoint), environment: environment())
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let rows = try PyTrackDatabase(path: arena.db).checkpoints(model: "org/cred")
        XCTAssertEqual(rows.map(\.source), ["http://127.0.0.1:\(arena.port)"])
        let log = try arena.hub.server.requestLog().filter { !$0.path.hasPrefix("/_control") }
        XCTAssertTrue(log.filter { $0.listener == "api" }.allSatisfy(\.auth), "the endpoint's host gets the credentials")
        XCTAssertTrue(log.filter { $0.listener == "cdn" }.allSatisfy { !$0.auth }, "the redirect host does not")
        let failed = try attack(arena, "credentials in an error", repo: "org/cred",
                                faults: #"[{"kind":"5xx","match":"/refs","status":503,"retry_after":3000,"count":-1}]"#,
                                message: "http://127.0.0.1:\(arena.port)/api/models/org/cred/refs: HTTP 503; gave up", endpoint: endpoint, maxSeconds: 10)
        for text in [ok.stdout, ok.stderr, failed.stdout, failed.stderr] { XCTAssertFalse(text.contains("s3cret"), text) }
        let dbText = try XCTUnwrap(FileManager.default.contents(atPath: arena.db))
        XCTAssertNil(dbText.range(of: Data("s3cret".utf8)))
    }

    func testAnUnreachableHubIsGivenUpOnQuicklyWithEachRetrySaid() throws {
        let arena = try makeArena()
        // Connection refused (nothing listens on port 1), two repositories: the second is not tried.
        let refused = try MeasuredRun.pytrack(["sync", "--model", "org/a", "--model", "org/b", "--steps", "0", "--endpoint", "http://127.0.0.1:1",
                                               "--cache", arena.hub.cache.path, "--db", arena.db],
                                              environment: environment(["PYTRACK_UNREACHABLE_RETRY_TIME": "2"]), timeout: 30)
        XCTAssertEqual(refused.status, 1)
        XCTAssertLessThan(refused.seconds, 6)
        XCTAssertEqual(refused.errorLines.count, 2, refused.stderr)
        XCTAssertTrue(refused.errorLines[0].contains("cannot reach the hub: "), refused.stderr)
        XCTAssertTrue(refused.errorLines[0].contains("(curl 7)"), refused.stderr)
        XCTAssertTrue(refused.errorLines[0].hasSuffix("check --endpoint / HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cache"), refused.stderr)
        XCTAssertTrue(refused.errorLines[1].contains("org/b: not tried: the hub could not be reached for org/a"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("pytrack: retry: http://127.0.0.1:1/api/models/org/a/refs: "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("(attempt 1 of 8 failed, waiting 0.25 s)"), refused.stderr)
        // A name that cannot resolve (the .invalid top-level domain never does).
        try attack(arena, "unresolvable", repo: "org/a", faults: nil, message: "cannot reach the hub: ",
                   env: ["PYTRACK_UNREACHABLE_RETRY_TIME": "2", "PYTRACK_CONNECT_TIMEOUT": "2"],
                   endpoint: "http://pytrack-test.invalid", maxSeconds: 12)
    }
}
