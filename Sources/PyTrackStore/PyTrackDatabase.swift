import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether this process may write `path` (access(2) with the real ids).
private func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

/// The pytrack SQLite store (WAL, versioned migrations). Safe to share between threads: reads run
/// concurrently, writes are serialised, and every write method is one transaction.
public final class PyTrackDatabase: Sendable {
    /// Path of the database file (":memory:" for an in-memory store).
    public let path: String
    let writer: any DatabaseWriter

    /// How a command uses the database.
    public enum Access: Sendable {
        /// Create, migrate and write (sync, compute, demo).
        case readWrite
        /// Only read (status, export, report): the file must exist. A database this process may write is
        /// opened as usual (so it is migrated and its -wal/-shm are cleaned up on close); one it may not
        /// write (a 0444 file, another user's folder) is opened read-only, as an immutable file when no
        /// writer has a -wal open, so no -wal or -shm file is left behind.
        case readOnly
    }

    /// The highest `PRAGMA user_version` this pytrack knows (it does not set one yet): a larger value
    /// means a newer pytrack wrote the file.
    static let maxKnownUserVersion = 0

    /// Opens (creating parent folders and the file if needed) and migrates the database at `path`;
    /// with `.readOnly`, opens an existing database without writing to it when it is not writable.
    /// A database written by a newer pytrack (an unknown migration, a higher user_version) is refused.
    public init(path: String, access: Access = .readWrite) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        if access == .readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.cannotOpen(path: path, reason: "no such file") }
            let folder = url.deletingLastPathComponent().path
            if !isWritable(path) || !isWritable(folder) {
                writer = try Self.openReadOnly(path: path)
                try Self.checkSchema(writer, path: path, readOnly: true)
                return
            }
        }
        // Opening a pool writes (GRDB makes sure a -wal exists), so an existing file is checked first
        // through a read-only connection: a newer pytrack's database is left byte for byte as it was.
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
            try Self.checkSchema(try Self.openReadOnly(path: path), path: path, readOnly: false)
        }
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
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error), cause: SQLiteFailure(error))
        }
        try migrate()
    }

    /// A read-only connection to a database this process may not write: immutable (no locks, no -shm)
    /// when there is no -wal beside it, else a plain read-only pool that reads the writer's WAL.
    private static func openReadOnly(path: String) throws -> any DatabaseWriter {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        do {
            if FileManager.default.fileExists(atPath: path + "-wal") {
                return try DatabasePool(path: path, configuration: config)
            }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
            return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: config)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "read-only: " + reason(error), cause: SQLiteFailure(error))
        }
    }

    /// Refuses a database written by a newer pytrack; a read-only one must also be fully migrated.
    private static func checkSchema(_ connection: any DatabaseWriter, path: String, readOnly: Bool) throws {
        let (superseded, complete, userVersion): (Bool, Bool, Int)
        do {
            (superseded, complete, userVersion) = try connection.read { db in
                let migrator = StoreMigrations.migrator
                return (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
                        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
            }
        } catch {
            throw StoreError.notAPyTrackDatabase(path: path, reason: reason(error), cause: SQLiteFailure(error))
        }
        if superseded || userVersion > maxKnownUserVersion {
            throw StoreError.newerDatabase(path: path, detail: superseded ? "unknown schema migrations" : "user_version \(userVersion)")
        }
        if readOnly && !complete {
            throw StoreError.cannotOpen(path: path, reason: "written by an older pytrack and not writable here, so it cannot be upgraded (run a writing command such as compute on it once)")
        }
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
            throw StoreError.notAPyTrackDatabase(path: path, reason: Self.reason(error), cause: SQLiteFailure(error))
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
            throw StoreError.writeFailed(path: path, what: what, reason: Self.reason(error), cause: SQLiteFailure(error))
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
        if let id = try modelID(db, name) {
            let model = ModelRow.filter(key: id)
            if let isDemo { try model.updateAll(db, ModelRow.Columns.isDemo.set(to: isDemo)) }
            if let configJSON { try model.updateAll(db, ModelRow.Columns.configJSON.set(to: configJSON)) }
            return id
        }
        var model = ModelRow(id: nil, name: name, isDemo: isDemo ?? false, configJSON: configJSON, isGroup: false)
        try model.insert(db)
        return model.id ?? db.lastInsertedRowID
    }

    /// All models (runs, not run groups), by name.
    public func models() throws -> [ModelRecord] {
        try read { db in
            try ModelRow.all().runs().orderByName().fetchAll(db).map(\.record)
        }
    }

    static func modelID(_ db: Database, _ name: String) throws -> Int64? {
        try ModelRow.all().filter(name: name).selectID().fetchOne(db)
    }
}
