import Foundation
import PyTrackTestSupport
import XCTest
@testable import PyTrackStore

/// Databases from a newer pytrack and read-only access (issue 14, items 8 and 9); the CLI side, as
/// another user on a 0444 file, is in pytrackTests/Hostile/HostileFileTests.
final class PyTrackDatabaseAccessTests: XCTestCase {
    func makeDatabase() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-access-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.sqlite").path
        try PyTrackDatabase(path: path).recordSync(SyncRecord(model: "org/a", step: 0, revision: "step0", state: .synced))
        return path
    }

    /// Changes the file with Python's sqlite3, an independent client.
    func execute(_ sql: String, on path: String) throws {
        guard Python.canImport("sqlite3") else { throw XCTSkip("python3 sqlite3 needed") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit(); c.close()", path, sql]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testNewerDatabaseIsRefusedInBothModesAndNotWritten() throws {
        for (sql, detail) in [("PRAGMA user_version = 99", "user_version 99"),
                              ("INSERT INTO grdb_migrations(identifier) VALUES ('v99-future')", "unknown schema migrations")] {
            let path = try makeDatabase()
            try execute(sql, on: path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for access in [PyTrackDatabase.Access.readWrite, .readOnly] {
                XCTAssertThrowsError(try PyTrackDatabase(path: path, access: access)) {
                    XCTAssertEqual($0 as? StoreError, .newerDatabase(path: path, detail: detail))
                    XCTAssertTrue(String(describing: $0).contains("database written by a newer pytrack"))
                }
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    func testReadOnlyNeedsAnExistingFileAndReadsACurrentOne() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("none-\(UUID().uuidString)/p.sqlite").path
        XCTAssertThrowsError(try PyTrackDatabase(path: missing, access: .readOnly)) {
            XCTAssertEqual($0 as? StoreError, .cannotOpen(path: missing, reason: "no such file"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: URL(fileURLWithPath: missing).deletingLastPathComponent().path))
        let path = try makeDatabase()
        let db = try PyTrackDatabase(path: path, access: .readOnly)
        XCTAssertEqual(try db.checkpointStatus(model: nil, required: [:]).map(\.step), [0])
    }
}
