import PyTrackCache
import Foundation
import PyTrackModel
import XCTest
@testable import PyTrackHub

/// End-to-end sync against the real local hub server (tools/testhub/hub_server.py) with libcurl.
final class CheckpointSyncTests: XCTestCase {
    let repo = "org/pythia-test"

    func request(_ steps: String, repos: [String]? = nil, schedule: Manifest.Schedule = .hub, jobs: Int = 2) throws -> SyncRequest {
        SyncRequest(repositories: repos ?? [repo], steps: try StepSpec(parsing: steps), schedule: schedule, jobs: jobs)
    }

    func testSyncDownloadsVerifiedFilesIntoTheCacheLayoutAndReusesThem() throws {
        let hub = try TestHub()
        for s in [0, 1, 2] { try hub.addCheckpoint(repo, step: s) }
        try hub.start()
        let summary = try hub.sync(try request("all"))
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced, .synced, .synced], "\(summary.problems)")
        XCTAssertEqual(summary.filesDownloaded, 6)
        for s in [0, 1, 2] {
            for f in ["model.safetensors", "config.json"] {
                XCTAssertEqual(try hub.snapshotData(repo, revision: "step\(s)", path: f), hub.source(repo, "step\(s)", f), "step\(s)/\(f)")
            }
        }
        // huggingface_hub layout: relative symlink into blobs/<sha256> for LFS files.
        let cache = HubCache(root: hub.cache)
        let commit = try XCTUnwrap(try cache.ref(repo: repo, revision: "step1"))
        let link = try cache.snapshotFile(repo: repo, commit: commit, path: "model.safetensors")
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: link.path)
        XCTAssertEqual(target, "../../blobs/" + summary.outcomes[1].weightSHA256!)
        XCTAssertEqual(hub.incompleteFiles(), [])

        // A second sync reuses everything: no file request reaches the server.
        try hub.server.clearLog()
        let again = try hub.sync(try request("all"))
        XCTAssertEqual(again.filesDownloaded, 0)
        XCTAssertEqual(again.filesReused, 6)
        XCTAssertTrue(try hub.server.requestLog().allSatisfy { !$0.path.contains("/resolve/") && $0.listener == "api" })
    }

    func testEveryFaultIsSurvivedWithAVerifiedFileAndNothingPartialLeft() throws {
        let hub = try TestHub()
        let faults: [(String, String)] = [
            ("rate", #"[{"kind":"429","match":"/resolve/","retry_after":1,"count":2}]"#),
            ("burst", #"[{"kind":"5xx","status":503,"match":"/cdn/","count":3}]"#),
            ("drop", #"[{"kind":"drop","listener":"cdn","after_bytes":70000,"count":1}]"#),
            ("trunc", #"[{"kind":"truncate","listener":"cdn","missing_bytes":1000,"count":1}]"#),
            ("corrupt", #"[{"kind":"corrupt","listener":"cdn","count":1}]"#),
            ("norange", #"[{"kind":"drop","listener":"cdn","after_bytes":50000,"count":1},{"kind":"ignore_range","listener":"cdn","count":1}]"#),
        ]
        for (name, _) in faults { try hub.addCheckpoint("org/\(name)", step: 0, size: 300_000) }
        try hub.start()
        for (name, json) in faults {
            let r = "org/\(name)"
            try hub.server.setFaults(json)
            try hub.server.clearLog()
            let started = Date()
            let summary = try hub.sync(try request("all", repos: [r]))
            XCTAssertEqual(summary.outcomes.map(\.state), [.synced], "\(name): \(summary.problems)")
            XCTAssertEqual(try hub.snapshotData(r, revision: "step0", path: "model.safetensors"), hub.source(r, "step0", "model.safetensors"), name)
            XCTAssertEqual(hub.incompleteFiles(), [], name)
            let log = try hub.server.requestLog()
            let cdnGets = log.filter { $0.listener == "cdn" && $0.method == "GET" }
            switch name {
            case "rate":
                XCTAssertEqual(log.filter { $0.status == 429 }.count, 2)
                // Both files got a 429 (in parallel): each waited for the 1 s Retry-After before retrying.
                XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.95, "Retry-After honoured")
            case "burst":
                XCTAssertEqual(cdnGets.filter { $0.status == 503 }.count, 3)
            case "drop":
                XCTAssertEqual(cdnGets.last?.range, "bytes=70000-", "resumed where the dropped connection stopped")
                XCTAssertEqual(cdnGets.last?.status, 206)
            case "trunc":
                XCTAssertEqual(cdnGets.last?.range, "bytes=299000-")
            case "corrupt":
                XCTAssertEqual(cdnGets.count, 2, "hash mismatch -> fetched again from zero")
                XCTAssertNil(cdnGets.last?.range)
            case "norange":
                XCTAssertEqual(cdnGets.last?.range, "bytes=50000-")
                XCTAssertEqual(cdnGets.last?.status, 200, "server ignored the Range: client restarted from zero")
            default: break
            }
        }
    }

    func testAuthorizationGoesToTheAPIHostButNotToTheRedirectHost() throws {
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0)
        try hub.start()
        let summary = try hub.sync(try request("all"), token: "hf_secret_test_token")
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced])
        let log = try hub.server.requestLog()
        let api = log.filter { $0.listener == "api" && !$0.path.hasPrefix("/_control") }
        let cdn = log.filter { $0.listener == "cdn" }
        XCTAssertFalse(api.isEmpty)
        XCTAssertFalse(cdn.isEmpty)
        XCTAssertTrue(api.allSatisfy(\.auth), "API host gets the token")
        XCTAssertTrue(cdn.allSatisfy { !$0.auth }, "redirect host never sees Authorization")
        XCTAssertTrue(log.contains { $0.status == 302 })
        XCTAssertFalse(hub.environment(token: "hf_secret_test_token").description.contains("hf_secret_test_token"))
    }

    func testTreePaginationFollowsLinkNext() throws {
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0)
        for i in 1...5 { try hub.add(repo, "step0", "extra/a\(i).txt", text: "file \(i)\n") }
        try hub.start(["--page-size", "2"])
        let client = try HubClient(environment: hub.environment())
        let commit = try XCTUnwrap(try client.refs(repo: repo).first { $0.name == "step0" }?.commit)
        let tree = try client.tree(repo: repo, revision: commit)
        XCTAssertEqual(Set(tree.map(\.path)), Set(["config.json", "model.safetensors"] + (1...5).map { "extra/a\($0).txt" }))
        let pages = try hub.server.requestLog().filter { $0.path.contains("/tree/") }
        XCTAssertGreaterThanOrEqual(pages.count, 4, "7 files + 1 folder in pages of 2")
        XCTAssertTrue(pages.dropFirst().allSatisfy { $0.path.contains("cursor=") })
        // The sync finds config.json and the weights whichever page they are on.
        let summary = try hub.sync(try request("all"))
        XCTAssertEqual(summary.outcomes.first?.files.sorted(), ["config.json", "model.safetensors"])
    }

    func testMissingRevisionsAreReportedAndTheRestKept() throws {
        let hub = try TestHub()
        for s in [0, 1, 4] { try hub.addCheckpoint(repo, step: s) }
        try hub.start()
        // Step 2 is in the schedule but not on the hub; step 4 is hidden by the server's "missing" fault.
        try hub.server.setFaults(#"[{"kind":"missing","revision":"step4","count":-1}]"#)
        let summary = try hub.sync(try request("all", schedule: .explicit([0, 1, 2, 4])))
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced, .synced, .missing, .missing])
        XCTAssertEqual(summary.problems.count, 2)
        XCTAssertTrue(summary.problems[0].contains("@step2"), summary.problems[0])
        XCTAssertNotNil(try hub.snapshotData(repo, revision: "step1", path: "model.safetensors"))
        XCTAssertNil(try HubCache(root: hub.cache).ref(repo: repo, revision: "step4"))
        // A repository that does not exist is one problem line, not a crash.
        let other = try hub.sync(try request("all", repos: ["org/nope"]))
        XCTAssertEqual(other.problems.count, 1)
        XCTAssertTrue(other.problems[0].contains("RepoNotFound"), other.problems[0])
    }

    func testDuplicatedStepIsDetectedAndFetchedOnce() throws {
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 1, seed: 42)
        try hub.addCheckpoint(repo, step: 2, seed: 42)  // same weights as step 1
        try hub.addCheckpoint(repo, step: 4, seed: 43)
        try hub.start()
        let summary = try hub.sync(try request("all"))
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced, .duplicate, .synced])
        XCTAssertEqual(summary.outcomes[1].detail, "duplicate of step 1 (same weight sha256)")
        XCTAssertTrue(summary.problems.isEmpty, "a duplicate is present, not a problem")
        let weightGets = try hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }
        XCTAssertEqual(weightGets.count, 2, "one blob per distinct sha256")
        XCTAssertEqual(try hub.snapshotData(repo, revision: "step2", path: "model.safetensors"), hub.source(repo, "step1", "model.safetensors"))
    }

    func testPathTraversalNamesFromTheHubAreRejected() throws {
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0)
        try hub.start()
        for evil in ["../../../escape.safetensors", "/etc/passwd", "a/../../b.bin", "x\\..\\y.bin"] {
            let entry: [String: Any] = ["type": "file", "path": evil, "size": 10, "oid": String(repeating: "a", count: 40)]
            let json = String(data: try JSONSerialization.data(withJSONObject: [["kind": "inject_entry", "count": -1, "entry": entry]]), encoding: .utf8)!
            try hub.server.setFaults(json)
            let summary = try hub.sync(try request("all"))
            XCTAssertEqual(summary.outcomes.map(\.state), [.failed], evil)
            XCTAssertTrue(summary.problems[0].contains("unsafe name"), summary.problems[0])
        }
        let outside = try FileManager.default.contentsOfDirectory(atPath: hub.dir.path)
        XCTAssertEqual(Set(outside), ["hub", "cache"])
    }

    func testInterruptedDownloadResumesWithRange() throws {
        let hub = try TestHub()
        let size = 400_000
        try hub.addCheckpoint(repo, step: 0, size: size)
        try hub.start()
        let client = try HubClient(environment: hub.environment())
        let commit = try XCTUnwrap(try client.refs(repo: repo).first?.commit)
        let file = try XCTUnwrap(try client.tree(repo: repo, revision: commit).first { $0.path == "model.safetensors" })
        // What an interrupted run leaves: the first 150000 bytes in blobs/<sha256>.incomplete.
        let cache = HubCache(root: hub.cache)
        try cache.prepare(repo: repo)
        let source = try XCTUnwrap(hub.source(repo, "step0", "model.safetensors"))
        try source.prefix(150_000).write(to: try cache.incomplete(repo: repo, etag: file.etag))
        try hub.server.clearLog()
        let summary = try hub.sync(try request("all"))
        XCTAssertEqual(summary.outcomes.map(\.state), [.synced])
        let config = try XCTUnwrap(hub.source(repo, "step0", "config.json"))
        XCTAssertEqual(summary.bytesDownloaded, Int64(size - 150_000 + config.count), "rest of the weights + config.json")
        let get = try hub.server.requestLog().filter { $0.listener == "cdn" && $0.method == "GET" }
        XCTAssertEqual(get.map(\.range), ["bytes=150000-"])
        XCTAssertEqual(try hub.snapshotData(repo, revision: "step0", path: "model.safetensors"), source)
    }

    func testOfflineModeReportsTheCacheWithoutNetwork() throws {
        let hub = try TestHub()
        try hub.addCheckpoint(repo, step: 0)
        try hub.start()
        _ = try hub.sync(try request("all"))
        try hub.server.clearLog()
        let offline = try CheckpointSync(environment: hub.environment(offline: true)).run(try request("0", schedule: .explicit([0, 1])))
        XCTAssertEqual(offline.outcomes.map(\.state), [.synced])
        let missing = try CheckpointSync(environment: hub.environment(offline: true)).run(try request("1", schedule: .explicit([0, 1])))
        XCTAssertEqual(missing.outcomes.map(\.state), [.failed])
        XCTAssertEqual(try hub.server.requestLog().filter { !$0.path.hasPrefix("/_control") }.count, 0)
    }
}
