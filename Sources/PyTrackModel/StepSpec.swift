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

    /// What a SPEC selects from the steps that exist: the one step resolver every stage uses.
    public struct Selection: Sendable, Equatable {
        /// Selected steps, ascending and unique; an explicit `N` or a step of a short `A:B:S` is here
        /// even when absent from `available` (a caller reports it missing, or `resolve` refuses it).
        public var steps: [Int]
        /// Explicitly requested steps that are not in `available`, with the term that asked for them.
        public var absent: [(step: Int, term: String)]
        /// Terms that matched nothing (`A-B` with no step, a long `A:B:S` with none), with their first step.
        public var empty: [(step: Int, term: String)]

        public static func == (a: Selection, b: Selection) -> Bool {
            a.steps == b.steps && a.absent.map(\.step) == b.absent.map(\.step) && a.absent.map(\.term) == b.absent.map(\.term)
                && a.empty.map(\.step) == b.empty.map(\.step) && a.empty.map(\.term) == b.empty.map(\.term)
        }
    }

    /// Strides with more steps than this are matched against `available` instead of expanded, so
    /// `0:999999999:1` never becomes a huge list.
    public static let maxExpandedStride = 100_000

    /// Selects steps: `all`, `log` and `A-B` from `available`; `N` and short `A:B:S` as requested.
    public func select(available: [Int]) -> Selection {
        let present = Set(available)
        var chosen = Set<Int>()
        var absent: [(step: Int, term: String)] = []
        var empty: [(step: Int, term: String)] = []
        for term in terms {
            switch term {
            case .all:
                chosen.formUnion(present)
            case .log:
                chosen.formUnion(PythiaSuite.logSteps.filter(present.contains))
            case .step(let n):
                if !present.contains(n) { absent.append((n, "\(n)")) }
                chosen.insert(n)
            case .range(let a, let b):
                let hits = present.filter { $0 >= a && $0 <= b }
                if hits.isEmpty { empty.append((a, "\(a)-\(b)")) }
                chosen.formUnion(hits)
            case .stride(let a, let b, let s):
                if (b - a) / s < StepSpec.maxExpandedStride {
                    for n in Swift.stride(from: a, through: b, by: s) {
                        if !present.contains(n) { absent.append((n, "\(a):\(b):\(s)")) }
                        chosen.insert(n)
                    }
                } else {
                    let hits = present.filter { $0 >= a && $0 <= b && ($0 - a) % s == 0 }
                    if hits.isEmpty { empty.append((a, "\(a):\(b):\(s)")) }
                    chosen.formUnion(hits)
                }
            }
        }
        return Selection(steps: chosen.sorted(), absent: absent, empty: empty)
    }

    /// The selected steps, ascending and unique, all of which must exist: an explicitly requested step
    /// missing from `available` is `StepSpecError.notAvailable`, an empty range `emptyRange`.
    public func resolve(available: [Int] = PythiaSuite.steps) throws -> [Int] {
        let selection = select(available: available)
        if let first = selection.absent.first {
            throw StepSpecError.notAvailable(first.step, term: first.term, nearest: StepSpec.nearest(first.step, in: available))
        }
        if let first = selection.empty.first {
            throw StepSpecError.emptyRange(first.term)
        }
        return selection.steps
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
