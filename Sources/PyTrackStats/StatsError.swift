/// Errors raised by the statistics core. Each description is one line naming the step and the problem.
public enum StatsError: Error, CustomStringConvertible, Equatable {
    /// The buffer length does not match `rows * cols` (or the product overflows).
    case shapeMismatch(rows: Int, cols: Int, count: Int)
    /// The input has no elements (or no finite elements where a statistic needs some).
    case empty(step: String)
    /// A LAPACK routine reported failure (`info` is its return code).
    case lapackFailed(routine: String, info: Int32)
    /// A parameter is outside its valid range.
    case invalidArgument(step: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(rows, cols, count):
            return "stats: matrix shape \(rows)x\(cols) does not match buffer of \(count) elements"
        case let .empty(step):
            return "stats: \(step): no (finite) elements to work on"
        case let .lapackFailed(routine, info):
            return "stats: LAPACK \(routine) failed with info=\(info)"
        case let .invalidArgument(step, detail):
            return "stats: \(step): \(detail)"
        }
    }
}
