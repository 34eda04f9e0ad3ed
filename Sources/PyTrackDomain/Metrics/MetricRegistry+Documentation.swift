extension MetricRegistry {
    /// The groups and metrics as Markdown tables: the generated part of docs/metrics.md.
    public static var markdownTables: String {
        var out = "| group | version | scope | history |\n| --- | --- | --- | --- |\n"
        for g in groups {
            out += "| `\(g.name)` | \(g.version) | \(g.scope.rawValue) | \(g.history.joined(separator: "; ")) |\n"
        }
        out += "\n| metric | group | scope | unit | meaning |\n| --- | --- | --- | --- | --- |\n"
        for m in metrics {
            let name = m.scope == .runSpread ? "`\(m.name)<metric>`" : "`\(m.name)`"
            out += "| \(name) | \(m.group) | \(m.scope.rawValue) | \(m.unit) | \(m.meaning.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")) |\n"
        }
        return out
    }

    /// One line per group: its version and the names and meanings of its metrics. A change to a line
    /// that keeps its version means a definition changed without a version bump.
    public static var groupFingerprints: [String] {
        groups.map { g in
            let defs = metrics.filter { $0.group == g.name }.map { "\($0.name)[\($0.scope.rawValue)]: \($0.meaning)" }
            return "\(g.name) v\(g.version) | " + defs.joined(separator: " | ")
        }
    }
}
