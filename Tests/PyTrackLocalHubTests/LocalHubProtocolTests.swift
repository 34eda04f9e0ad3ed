import Foundation
import XCTest
@testable import PyTrackLocalHub

/// The Swift local hub on real sockets, spoken to byte for byte: API answers, the 302 with its
/// metadata headers, Range, keep-alive, errors, and requests that try to leave the served folder.
final class LocalHubProtocolTests: XCTestCase {
    func makeHub() throws -> LocalHubFixture {
        let f = try LocalHubFixture()
        try f.add("org/model", "step0", "model.safetensors", size: 300_000, seed: 1)
        try f.add("org/model", "step0", "config.json", text: "{\"model_type\": \"gpt_neox\"}\n")
        try f.add("org/model", "step1000", "model.safetensors", size: 200_000, seed: 2)
        try f.add("org/model", "step1000", "sub/dir/notes.txt", text: "nested\n")
        try f.add("org/model", "step20", "config.json", text: "{}\n")
        // A file beside the served root that no request may reach.
        try Data("secret".utf8).write(to: f.dir.appendingPathComponent("secret.txt"))
        try f.start()
        return f
    }

    func json(_ r: RawHTTP.Response) throws -> Any {
        try JSONSerialization.jsonObject(with: r.body)
    }

    func testAPIAnswers() throws {
        let f = try makeHub()
        let c = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))

        let refs = try c.request("GET", "/api/models/org/model/refs")
        XCTAssertEqual(refs.status, 200)
        let branches = try XCTUnwrap((try json(refs) as? [String: Any])?["branches"] as? [[String: Any]])
        let commits = Dictionary(uniqueKeysWithValues: branches.map { ($0["name"] as! String, $0["targetCommit"] as! String) })
        XCTAssertEqual(Set(commits.keys), ["step0", "step20", "step1000", "main"])
        XCTAssertEqual(commits["main"], commits["step1000"], "main is the highest step (numerically, not as text)")
        XCTAssertEqual(Set(commits.values).count, 3)
        XCTAssertTrue(commits.values.allSatisfy { $0.count == 40 })

        let revision = try c.request("GET", "/api/models/org/model/revision/step1000")
        let info = try XCTUnwrap(try json(revision) as? [String: Any])
        XCTAssertEqual(info["sha"] as? String, commits["step1000"])
        XCTAssertEqual((info["siblings"] as? [[String: Any]])?.compactMap { $0["rfilename"] as? String },
                       ["model.safetensors", "sub/dir/notes.txt"])

        // The tree, by commit id: sizes, git oids (by git) and LFS sha256 (by coreutils).
        let tree = try c.request("GET", "/api/models/org/model/tree/\(commits["step0"]!)?recursive=1")
        XCTAssertEqual(tree.status, 200)
        let entries = try XCTUnwrap(try json(tree) as? [[String: Any]])
        let files = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as! String, $0) })
        XCTAssertEqual(Set(files.keys), ["model.safetensors", "config.json"])
        let weights = f.root.appendingPathComponent("org/model/step0/model.safetensors")
        let lfs = try XCTUnwrap(files["model.safetensors"]?["lfs"] as? [String: Any])
        XCTAssertEqual(lfs["oid"] as? String, try LocalHubFixture.sha256(weights))
        XCTAssertEqual((lfs["size"] as? NSNumber)?.intValue, 300_000)
        XCTAssertEqual(files["config.json"]?["oid"] as? String,
                       try LocalHubFixture.gitOID(f.root.appendingPathComponent("org/model/step0/config.json")))
        XCTAssertNil(files["config.json"]?["lfs"])

        // Nested folders: directory entries when recursive, folded when not.
        let nested = try XCTUnwrap(try json(try c.request("GET", "/api/models/org/model/tree/step1000?recursive=1")) as? [[String: Any]])
        XCTAssertEqual(nested.map { $0["path"] as! String }, ["model.safetensors", "sub", "sub/dir", "sub/dir/notes.txt"])
        let flat = try XCTUnwrap(try json(try c.request("GET", "/api/models/org/model/tree/step1000")) as? [[String: Any]])
        XCTAssertEqual(flat.map { $0["path"] as! String }, ["model.safetensors", "sub"])
        XCTAssertEqual(flat.map { $0["type"] as! String }, ["file", "directory"])
    }

    func testResolveRedirectsLFSFilesWithMetadataAndServesRanges() throws {
        let f = try makeHub()
        let api = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        let weights = f.root.appendingPathComponent("org/model/step0/model.safetensors")
        let sha = try LocalHubFixture.sha256(weights)
        let data = try Data(contentsOf: weights)
        let commit = try XCTUnwrap((try json(try api.request("GET", "/api/models/org/model/revision/step0")) as? [String: Any])?["sha"] as? String)

        let redirect = try api.request("GET", "/org/model/resolve/step0/model.safetensors")
        XCTAssertEqual(redirect.status, 302)
        XCTAssertEqual(redirect.headers["x-linked-etag"], "\"\(sha)\"")
        XCTAssertEqual(redirect.headers["x-linked-size"], "300000")
        XCTAssertEqual(redirect.headers["x-repo-commit"], commit)
        XCTAssertEqual(redirect.body.count, 0)
        let location = try XCTUnwrap(redirect.headers["location"])
        XCTAssertTrue(location.hasPrefix(f.hub.cdnBase + "/"), location)
        XCTAssertTrue(f.hub.cdnBase.hasPrefix("http://localhost:"), "another origin than 127.0.0.1: \(f.hub.cdnBase)")
        XCTAssertNotEqual(RawHTTP.port(of: f.hub.cdnBase), RawHTTP.port(of: f.hub.endpoint))

        // The CDN listener: whole file, ranges, HEAD, and keep-alive across all of them.
        let cdn = try RawHTTP(port: RawHTTP.port(of: f.hub.cdnBase))
        let path = String(location.dropFirst(f.hub.cdnBase.count))
        let whole = try cdn.request("GET", path)
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.body, data)
        XCTAssertEqual(whole.headers["etag"], "\"\(sha)\"")
        let tail = try cdn.request("GET", path, headers: ["Range: bytes=123456-"])
        XCTAssertEqual(tail.status, 206)
        XCTAssertEqual(tail.headers["content-range"], "bytes 123456-299999/300000")
        XCTAssertEqual(tail.body, data.subdata(in: 123456..<300_000))
        let middle = try cdn.request("GET", path, headers: ["Range: bytes=10-19"])
        XCTAssertEqual(middle.status, 206)
        XCTAssertEqual(middle.body, data.subdata(in: 10..<20))
        let past = try cdn.request("GET", path, headers: ["Range: bytes=300000-"])
        XCTAssertEqual(past.status, 416)
        XCTAssertEqual(past.headers["content-range"], "bytes */300000")
        XCTAssertEqual(try cdn.request("GET", path, headers: ["Range: bytes=-5"]).status, 416, "suffix ranges are not offered")
        let head = try cdn.request("HEAD", path)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["content-length"], "300000")
        XCTAssertEqual(try cdn.request("GET", path, headers: ["Range: bytes=0-0"]).body, data.prefix(1))

        // A regular file is served by the API listener itself, ETag = git oid.
        let config = try api.request("GET", "/org/model/resolve/main/sub/dir/notes.txt")
        XCTAssertEqual(config.status, 200)
        XCTAssertEqual(config.body, Data("nested\n".utf8))
        XCTAssertEqual(config.headers["etag"], "\"\(try LocalHubFixture.gitOID(f.root.appendingPathComponent("org/model/step1000/sub/dir/notes.txt")))\"")
        XCTAssertNotNil(config.headers["x-repo-commit"])

        // The log saw every request with its listener, range and status.
        let log = f.hub.requests()
        XCTAssertTrue(log.contains { $0.listener == "cdn" && $0.range == "bytes=123456-" && $0.status == 206 })
        XCTAssertTrue(log.contains { $0.listener == "api" && $0.status == 302 })
    }

    func testErrorsCarryHubCodesAndNothingOutsideTheRootIsServed() throws {
        let f = try makeHub()
        let api = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        func code(_ target: String, on c: RawHTTP) throws -> (Int, String?) {
            let r = try c.request("GET", target)
            return (r.status, r.headers["x-error-code"])
        }
        XCTAssertEqual(try code("/api/models/org/nothing/refs", on: api).1, "RepoNotFound")
        XCTAssertEqual(try code("/api/models/org/model/tree/step7", on: api).1, "RevisionNotFound")
        XCTAssertEqual(try code("/org/model/resolve/step0/missing.bin", on: api).1, "EntryNotFound")
        XCTAssertEqual(try code("/org/model/resolve/step0/../../../secret.txt", on: api).0, 404)
        XCTAssertEqual(try code("/org/model/resolve/step0/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt", on: api).0, 404)
        XCTAssertEqual(try code("/api/models/../..%2f/refs", on: api).0, 404)
        XCTAssertEqual(try code("/nothing/here", on: api).0, 404)
        let cdn = try RawHTTP(port: RawHTTP.port(of: f.hub.cdnBase))
        for target in ["/cdn/org/model/step0/../../../../secret.txt", "/cdn/org/model/..%2f..%2f..%2f/secret.txt",
                       "/cdn/org/model/step0/%2e%2e/%2e%2e/%2e%2e/secret.txt", "/cdn/../hub/org/model/step0/config.json"] {
            let r = try cdn.request("GET", target)
            XCTAssertEqual(r.status, 404, target)
            XCTAssertNotEqual(r.body, Data("secret".utf8), target)
        }
        // Symbolic links inside the root are not served either.
        try FileManager.default.createSymbolicLink(at: f.root.appendingPathComponent("org/model/step0/link.bin"),
                                                   withDestinationURL: f.dir.appendingPathComponent("secret.txt"))
        XCTAssertEqual(try code("/org/model/resolve/step0/link.bin", on: api).1, "EntryNotFound")

        XCTAssertEqual(try api.request("POST", "/api/models/org/model/refs").status, 405)
        // Malformed requests: 400 and the connection closes; an oversized head: 431.
        let bad = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        try bad.send("GARBAGE\r\n\r\n")
        XCTAssertEqual(try bad.readResponse().status, 400)
        XCTAssertTrue(bad.isClosedByPeer())
        let huge = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        try huge.send("GET / HTTP/1.1\r\nX-Fill: " + String(repeating: "a", count: 70_000) + "\r\n\r\n")
        XCTAssertEqual(try huge.readResponse().status, 431)
        let old = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        try old.send("GET / HTTP/2.0\r\n\r\n")
        XCTAssertEqual(try old.readResponse().status, 505)
        // Still serving after all of that, and pipelined requests are answered in order.
        let pipe = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        try pipe.send("GET /api/models/org/model/refs HTTP/1.1\r\nHost: x\r\n\r\nGET /org/model/resolve/step20/config.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try pipe.readResponse().status, 200)
        let second = try pipe.readResponse()
        XCTAssertEqual(second.body, Data("{}\n".utf8))
        XCTAssertTrue(pipe.isClosedByPeer(), "Connection: close is honoured")
    }

    func testStopClosesOpenConnectionsAndFreesThePort() throws {
        let f = try makeHub()
        let idle = try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint))
        XCTAssertEqual(try idle.request("GET", "/api/models/org/model/refs").status, 200)
        let started = Date()
        f.hub.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "stop does not wait for idle keep-alive connections to time out")
        XCTAssertTrue(idle.isClosedByPeer())
        XCTAssertThrowsError(try RawHTTP(port: RawHTTP.port(of: f.hub.endpoint)), "nothing listens after stop")
    }

    func testRootMustBeAFolder() {
        XCTAssertThrowsError(try LocalHub(root: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))) { error in
            XCTAssertTrue("\(error)".contains("not a folder"), "\(error)")
        }
    }
}
