import Foundation
import XCTest
@testable import PyTrackLocalHub

/// The socket server's bounds: at most `maxConnections` at once (the next is answered 503 and
/// closed), idle connections closed after `idleTimeout`, and a freed slot is usable again.
final class HTTPServerTests: XCTestCase {
    func testConnectionLimitAndIdleTimeout() throws {
        let server = try HTTPServer(maxConnections: 2, idleTimeout: 1) { request in
            .json(200, ["target": request.target])
        }
        defer { server.stop() }
        let a = try RawHTTP(port: server.port), b = try RawHTTP(port: server.port)
        XCTAssertEqual(try a.request("GET", "/a").status, 200)
        XCTAssertEqual(try b.request("GET", "/b").status, 200)
        // Both are kept alive and hold the two slots: a third is turned away at once.
        let c = try RawHTTP(port: server.port)
        XCTAssertEqual(try c.readResponse().status, 503)
        XCTAssertTrue(c.isClosedByPeer())
        // After the idle timeout the server closes the two, and serves new connections again.
        let started = Date()
        XCTAssertTrue(a.isClosedByPeer())
        XCTAssertTrue(b.isClosedByPeer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        var served = false
        for _ in 0..<50 where !served {  // the slots free once the connection threads finish
            let d = try RawHTTP(port: server.port)
            served = (try? d.request("GET", "/d").status) == 200
            if !served { Thread.sleep(forTimeInterval: 0.05) }
        }
        XCTAssertTrue(served)
    }

    func testRequestHeadParsing() throws {
        let r = try HTTPRequest.parse(head: Array("GET /api/models/o/n/tree/refs%2Fpr%2F1/a%20b?recursive=1&cursor=2 HTTP/1.1\r\nHost: x\r\nRange:  bytes=5-\r\nConnection: close".utf8))
        XCTAssertEqual(r.pathSegments, ["api", "models", "o", "n", "tree", "refs/pr/1", "a b"])
        XCTAssertEqual(r.query, ["recursive": "1", "cursor": "2"])
        XCTAssertEqual(r.headers["range"], "bytes=5-")
        XCTAssertFalse(r.keepAlive)
        XCTAssertTrue(try HTTPRequest.parse(head: Array("GET / HTTP/1.1".utf8)).keepAlive)
        XCTAssertFalse(try HTTPRequest.parse(head: Array("GET / HTTP/1.0".utf8)).keepAlive)
        for bad in ["GET /", "GET  / HTTP/1.1", "get / HTTP/1.1", "GET x HTTP/1.1", "GET / HTTP/1.1\r\n bad: fold",
                    "GET / HTTP/1.1\r\nnocolon", "GET /\u{e9} HTTP/1.1"] {
            XCTAssertThrowsError(try HTTPRequest.parse(head: Array(bad.utf8)), bad)
        }
        XCTAssertThrowsError(try HTTPRequest.parse(head: Array("POST / HTTP/1.1\r\nContent-Length: 5".utf8))) {
            XCTAssertEqual($0 as? HTTPRequest.ParseError, .unsupported("request bodies"))
        }
        XCTAssertEqual(LocalHub.parseRange("bytes=0-")?.0, 0)
        XCTAssertNotNil(LocalHub.parseRange("bytes=0-"))
        XCTAssertNil(LocalHub.parseRange("bytes=0-")?.1)
        XCTAssertNil(LocalHub.parseRange("bytes=1-2,5-6"))
        XCTAssertNil(LocalHub.parseRange("bytes=99999999999999999999-"))
        XCTAssertNil(LocalHub.parseRange("items=0-1"))
        XCTAssertEqual(LocalHub.parseRange("bytes=3-7")?.0, 3)
        XCTAssertEqual(LocalHub.parseRange("bytes=3-7")?.1, 7)
    }
}
