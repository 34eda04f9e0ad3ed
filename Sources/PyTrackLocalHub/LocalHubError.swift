#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the local hub could not start or serve (one line each; the errno is kept).
public enum LocalHubError: Error, CustomStringConvertible, Equatable {
    /// A socket call failed (`step` names it, e.g. `bind 127.0.0.1:0`).
    case socket(step: String, errno: Int32)
    /// The folder to serve is not a readable folder.
    case root(path: String, reason: String)

    public var description: String {
        switch self {
        case let .socket(step, code): return "local hub: \(step): \(String(cString: strerror(code))) (errno \(code))"
        case let .root(path, reason): return "\(path): \(reason)"
        }
    }
}
