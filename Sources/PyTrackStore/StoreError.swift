import Foundation
import GRDB

/// The SQLite failure under a store error: the primary result code (`SQLITE_FULL`, `SQLITE_READONLY`,
/// ...), the extended code when SQLite gave one, and SQLite's message.
public struct SQLiteFailure: Equatable, Sendable {
    public var resultCode: Int32
    public var extendedCode: Int32?
    public var message: String

    public init(resultCode: Int32, extendedCode: Int32? = nil, message: String) {
        self.resultCode = resultCode
        self.extendedCode = extendedCode
        self.message = message
    }

    /// The failure a GRDB `DatabaseError` reports; nil for any other error.
    public init?(_ error: any Error) {
        guard let dbError = error as? DatabaseError else { return nil }
        let extended = dbError.extendedResultCode.rawValue
        let primary = dbError.resultCode.primaryResultCode.rawValue
        self.init(resultCode: primary, extendedCode: extended == primary ? nil : extended,
                  message: dbError.message ?? "\(dbError.resultCode)")
    }
}

/// Errors raised by the store, each one line naming the database and the problem. Where SQLite
/// failed, `cause` keeps its result code (see `sqliteCode`).
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(path: String, reason: String, cause: SQLiteFailure? = nil)
    case notAPyTrackDatabase(path: String, reason: String, cause: SQLiteFailure? = nil)
    case writeFailed(path: String, what: String, reason: String, cause: SQLiteFailure? = nil)
    case unknownModel(path: String, model: String)
    case corruptBlob(path: String, what: String)
    case corruptRow(path: String, what: String)
    case newerDatabase(path: String, detail: String)

    /// The SQLite failure behind the error, if SQLite reported one.
    public var sqliteFailure: SQLiteFailure? {
        switch self {
        case let .cannotOpen(_, _, cause), let .notAPyTrackDatabase(_, _, cause), let .writeFailed(_, _, _, cause): return cause
        case .unknownModel, .corruptBlob, .corruptRow, .newerDatabase: return nil
        }
    }

    /// SQLite's primary result code (e.g. `SQLITE_FULL`, `SQLITE_READONLY`), if SQLite failed.
    public var sqliteCode: Int32? { sqliteFailure?.resultCode }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason, _): return "\(path): cannot open database: \(reason)"
        case let .notAPyTrackDatabase(path, reason, _): return "\(path): not a pytrack database: \(reason)"
        case let .writeFailed(path, what, reason, _): return "\(path): could not store \(what): \(reason) (nothing of it was written)"
        case let .unknownModel(path, model): return "\(path): no model named '\(model)' in the database"
        case let .corruptBlob(path, what): return "\(path): stored blob \(what) is corrupt"
        case let .corruptRow(path, what): return "\(path): stored \(what) (written by another tool?)"
        case let .newerDatabase(path, detail): return "\(path): database written by a newer pytrack (\(detail)); refusing to read or change it"
        }
    }
}
