/// How a checkpoint suite names its revisions (branches) after training steps: data, not code, so that
/// other suites' names fit (`checkpoint-N` for the stanford-crfm GPT-2 runs, `stepN-tokensMB` for OLMo).
/// A pattern holds `{step}` once and may hold `{*}` once (any text, e.g. OLMo's token count, which the
/// step alone does not determine).
public struct RevisionScheme: Sendable, Equatable {
    public let pattern: String
    private let prefix: String
    private let middle: String?
    private let suffix: String

    /// Pythia's `stepN` (`main` is the last step and has no step of its own).
    public static let pythia = RevisionScheme(validated: "step{step}")

    /// Nil unless `pattern` holds `{step}` exactly once and `{*}` at most once, after it.
    public init?(_ pattern: String) {
        guard let step = pattern.firstRange(of: "{step}"), pattern.ranges(of: "{step}").count == 1 else { return nil }
        let rest = String(pattern[step.upperBound...])
        let parts = rest.split(separator: "{*}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, pattern[..<step.lowerBound].firstRange(of: "{*}") == nil else { return nil }
        self.pattern = pattern
        prefix = String(pattern[..<step.lowerBound])
        middle = parts.count == 2 ? parts[0] : nil
        suffix = parts.count == 2 ? parts[1] : rest
    }

    private init(validated pattern: String) { self = RevisionScheme(pattern)! }

    /// The step a revision name stands for (a canonical decimal number), or nil for other names.
    public func step(of revision: String) -> Int? {
        guard revision.hasPrefix(prefix), revision.hasSuffix(suffix), revision.count >= prefix.count + suffix.count else { return nil }
        var body = Substring(revision.dropFirst(prefix.count).dropLast(suffix.count))
        if let middle {
            guard let cut = body.firstRange(of: middle) else { return nil }
            body = body[..<cut.lowerBound]
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(body), String(n) == body else { return nil }
        return n
    }

    /// The revision name of `step` when the scheme determines it (no `{*}`); else look it up with
    /// `revision(of:among:)`.
    public func revision(of step: Int) -> String? {
        middle == nil ? prefix + String(step) + suffix : nil
    }

    /// The name in `branches` that stands for `step`.
    public func revision(of step: Int, among branches: [String]) -> String? {
        if let name = revision(of: step) { return branches.contains(name) ? name : nil }
        return branches.first { self.step(of: $0) == step }
    }
}
