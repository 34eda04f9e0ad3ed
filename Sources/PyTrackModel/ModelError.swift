/// Why a model description could not be built. One line naming the file (or tensor) and the problem.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    case configUnreadable(path: String, reason: String)
    case configField(path: String, field: String, problem: String)
    case cannotInfer(path: String, reason: String)
    case invalidSplit(detail: String)

    public var description: String {
        switch self {
        case let .configUnreadable(p, r): return "\(p): cannot read config: \(r)"
        case let .configField(p, f, pr): return "\(p): config field '\(f)' \(pr)"
        case let .cannotInfer(p, r): return "\(p): cannot infer the architecture: \(r)"
        case let .invalidSplit(d): return "QKV split: \(d)"
        }
    }
}
