import Foundation

/// Why content could not be hashed (one line naming the file).
public enum ContentError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String, errno: Int32? = nil)

    public var description: String {
        switch self {
        case let .unreadable(path, reason, _): return "\(path): cannot read to hash its content: \(reason)"
        }
    }
}
