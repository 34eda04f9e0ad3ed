import Foundation
import PyTrackTestSupport
import XCTest
import GRDB
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

    /// The SQLite code survives into the error (issue 9, item 7): a write to a full database is
    /// `writeFailed` with SQLITE_FULL (13), still described on one line.
    func testAWriteToAFullDatabaseKeepsTheSQLiteCode() throws {
        let db = try PyTrackDatabase()
        try db.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 1)")
        }
        XCTAssertThrowsError(try db.write("a large blob") { db in
            try db.execute(sql: "CREATE TABLE filler(x BLOB)")
            try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(1000000))")
        }) { error in
            guard let error = error as? StoreError, case let .writeFailed(path, what, _, cause) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, ":memory:")
            XCTAssertEqual(what, "a large blob")
            XCTAssertEqual(error.sqliteCode, 13)  // SQLITE_FULL
            XCTAssertEqual(cause?.resultCode, 13)
            XCTAssertFalse(error.description.contains("\n"))
            XCTAssertTrue(error.description.hasSuffix("(nothing of it was written)"), error.description)
        }
    }

    /// A database that is not SQLite at all keeps SQLite's code (SQLITE_NOTADB, 26).
    func testAFileThatIsNotADatabaseKeepsTheSQLiteCode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-notadb-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("p.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PyTrackDatabase(path: path)) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.sqliteCode, 26, "\(error)")  // SQLITE_NOTADB
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
