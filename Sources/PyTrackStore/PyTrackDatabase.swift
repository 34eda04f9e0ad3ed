import Foundation
import GRDB

/// The pytrack SQLite store (WAL, versioned migrations). Safe to share between threads: reads run
/// concurrently, writes are serialised, and every write method is one transaction.
public final class PyTrackDatabase: Sendable {
    /// Path of the database file (":memory:" for an in-memory store).
    public let path: String
    let writer: any DatabaseWriter

    /// Opens (creating parent folders and the file if needed) and migrates the database at `path`.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "cannot create its folder (\(error.localizedDescription))")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            writer = pool
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error))
        }
        try migrate()
    }

    /// An in-memory store, for tests and dry runs.
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        var config = Configuration()
        config.foreignKeysEnabled = true
        writer = try DatabaseQueue(configuration: config)
        try migrate()
    }

    private func migrate() throws {
        do {
            try StoreMigrations.migrator.migrate(writer)
        } catch {
            throw StoreError.notAPyTrackDatabase(path: path, reason: Self.reason(error))
        }
    }

    /// The names of the applied schema migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }

    static func reason(_ error: Error) -> String {
        if let dbError = error as? DatabaseError {
            return dbError.message ?? "\(dbError.resultCode)"
        }
        return String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.writeFailed(path: path, what: what, reason: Self.reason(error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    // MARK: Models

    /// Inserts the model if absent (updating its demo flag and config when given); returns its id.
    @discardableResult
    public func ensureModel(_ name: String, isDemo: Bool? = nil, configJSON: String? = nil) throws -> Int64 {
        try write("model \(name)") { db in try Self.ensureModel(db, name, isDemo: isDemo, configJSON: configJSON) }
    }

    static func ensureModel(_ db: Database, _ name: String, isDemo: Bool?, configJSON: String?) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [name]) {
            if let isDemo { try db.execute(sql: "UPDATE models SET is_demo = ? WHERE id = ?", arguments: [isDemo, id]) }
            if let configJSON { try db.execute(sql: "UPDATE models SET config_json = ? WHERE id = ?", arguments: [configJSON, id]) }
            return id
        }
        try db.execute(sql: "INSERT INTO models(name, is_demo, config_json) VALUES (?, ?, ?)",
                       arguments: [name, isDemo ?? false, configJSON])
        return db.lastInsertedRowID
    }

    /// All models (runs, not run groups), by name.
    public func models() throws -> [ModelRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, is_demo, config_json FROM models WHERE is_group = 0 ORDER BY name").map {
                ModelRecord(name: $0["name"], isDemo: $0["is_demo"], configJSON: $0["config_json"])
            }
        }
    }

    static func modelID(_ db: Database, _ name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [name])
    }
}
