import Foundation

/// A parsed step selection, the SPEC grammar shared by `sync` and `compute`:
/// `all` | a comma list of `N`, `A-B` (every available step in the range), `A:B:S` (A to B by S),
/// `log` (0, 1, 2, 4, ..., 512).
///
///     let steps = try StepSpec(parsing: "log,1000-5000").resolve()   // against the Pythia schedule
public struct StepSpec: Equatable, Sendable, CustomStringConvertible {
    /// One comma-separated term of a spec.
    public enum Term: Equatable, Sendable {
        case all
        case log
        case step(Int)
        case range(Int, Int)
        case stride(Int, Int, Int)
    }

    /// The terms in the order written.
    public let terms: [Term]
    /// The text the spec was parsed from.
    public let text: String

    /// Parses a SPEC; throws `StepSpecError` naming the offending term.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StepSpecError.empty }
        var terms: [Term] = []
        for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let term = raw.trimmingCharacters(in: .whitespaces)
            guard !term.isEmpty else { throw StepSpecError.emptyTerm(spec: trimmed) }
            terms.append(try StepSpec.parseTerm(term))
        }
        self.terms = terms
        self.text = trimmed
    }

    /// `all`.
    public static let all = StepSpec(terms: [.all], text: "all")

    private init(terms: [Term], text: String) {
        self.terms = terms
        self.text = text
    }

    public var description: String { text }

    private static func parseTerm(_ term: String) throws -> Term {
        switch term.lowercased() {
        case "all": return .all
        case "log": return .log
        default: break
        }
        if term.contains(":") {
            let parts = term.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { throw StepSpecError.badTerm(term, "expected A:B:S") }
            let a = try number(parts[0], in: term), b = try number(parts[1], in: term)
            let s = try number(parts[2], in: term)
            guard s > 0 else { throw StepSpecError.badTerm(term, "the stride S must be positive") }
            guard a <= b else { throw StepSpecError.badTerm(term, "start \(a) is after end \(b)") }
            return .stride(a, b, s)
        }
        if term.contains("-") {
            let parts = term.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw StepSpecError.badTerm(term, "expected A-B") }
            let a = try number(parts[0], in: term), b = try number(parts[1], in: term)
            guard a <= b else { throw StepSpecError.badTerm(term, "start \(a) is after end \(b)") }
            return .range(a, b)
        }
        return .step(try number(term, in: term))
    }

    private static func number(_ text: String, in term: String) throws -> Int {
        var digits = text.trimmingCharacters(in: .whitespaces)
        if digits.hasPrefix("step") { digits.removeFirst(4) }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits) else {
            throw StepSpecError.badTerm(term, "'\(text)' is not a step number")
        }
        return value
    }

    /// The selected steps, ascending and unique. `all`, `log` and `A-B` select from `available`;
    /// `N` and every step of `A:B:S` must be in `available` (else `StepSpecError.notAvailable`).
    public func resolve(available: [Int] = PythiaSuite.steps) throws -> [Int] {
        let present = Set(available)
        var chosen = Set<Int>()
        for term in terms {
            switch term {
            case .all:
                chosen.formUnion(present)
            case .log:
                chosen.formUnion(PythiaSuite.logSteps.filter(present.contains))
            case .step(let n):
                guard present.contains(n) else { throw StepSpecError.notAvailable(n, term: "\(n)", nearest: StepSpec.nearest(n, in: available)) }
                chosen.insert(n)
            case .range(let a, let b):
                let hits = present.filter { $0 >= a && $0 <= b }
                guard !hits.isEmpty else { throw StepSpecError.emptyRange("\(a)-\(b)") }
                chosen.formUnion(hits)
            case .stride(let a, let b, let s):
                for n in Swift.stride(from: a, through: b, by: s) {
                    guard present.contains(n) else {
                        throw StepSpecError.notAvailable(n, term: "\(a):\(b):\(s)", nearest: StepSpec.nearest(n, in: available))
                    }
                    chosen.insert(n)
                }
            }
        }
        return chosen.sorted()
    }

    private static func nearest(_ n: Int, in available: [Int]) -> [Int] {
        let sorted = Set(available).sorted()
        let below = sorted.last { $0 < n }, above = sorted.first { $0 > n }
        return [below, above].compactMap { $0 }
    }
}

/// Why a step SPEC could not be parsed or resolved.
public enum StepSpecError: Error, Equatable, CustomStringConvertible {
    case empty
    case emptyTerm(spec: String)
    case badTerm(String, String)
    case notAvailable(Int, term: String, nearest: [Int])
    case emptyRange(String)

    public var description: String {
        switch self {
        case .empty:
            return "step spec is empty (use all, log, N, A-B or A:B:S)"
        case .emptyTerm(let spec):
            return "step spec '\(spec)' has an empty term between commas"
        case .badTerm(let term, let why):
            return "step spec term '\(term)': \(why) (use all, log, N, A-B or A:B:S)"
        case .notAvailable(let n, let term, let nearest):
            let hint = nearest.isEmpty ? "" : " (nearest: \(nearest.map(String.init).joined(separator: ", ")))"
            return "step spec term '\(term)': step \(n) is not an available step\(hint)"
        case .emptyRange(let term):
            return "step spec term '\(term)': no available step in this range"
        }
    }
}
