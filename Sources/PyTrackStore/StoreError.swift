import Foundation

/// Errors raised by the store, each one line naming the database and the problem.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case notAPyTrackDatabase(path: String, reason: String)
    case writeFailed(path: String, what: String, reason: String)
    case unknownModel(path: String, model: String)
    case corruptBlob(path: String, what: String)
    case corruptRow(path: String, what: String)
    case newerDatabase(path: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open database: \(reason)"
        case let .notAPyTrackDatabase(path, reason): return "\(path): not a pytrack database: \(reason)"
        case let .writeFailed(path, what, reason): return "\(path): could not store \(what): \(reason) (nothing of it was written)"
        case let .unknownModel(path, model): return "\(path): no model named '\(model)' in the database"
        case let .corruptBlob(path, what): return "\(path): stored blob \(what) is corrupt"
        case let .corruptRow(path, what): return "\(path): stored \(what) (written by another tool?)"
        case let .newerDatabase(path, detail): return "\(path): database written by a newer pytrack (\(detail)); refusing to read or change it"
        }
    }
}
