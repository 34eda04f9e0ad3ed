import Foundation

/// `Reports/index.html`: one row per model pair, linking its page.
public struct ReportIndex {
    public struct Entry {
        public var pair: ModelPair
        public var steps: [Int]
        public var isDemo: Bool
        public init(pair: ModelPair, steps: [Int], isDemo: Bool) {
            self.pair = pair
            self.steps = steps
            self.isDemo = isDemo
        }
    }

    public var header: [String]
    public var entries: [Entry]

    public init(header: [String], entries: [Entry]) {
        self.header = header
        self.entries = entries
    }

    public func html() -> String {
        let e = HTMLEscaping.escape
        var rows = ""
        for entry in entries {
            let range = entry.steps.isEmpty ? "none" : "\(entry.steps.count) (\(entry.steps.first!)–\(entry.steps.last!))"
            rows += "<tr><td><a href=\"\(e(entry.pair.folder))/index.html\">\(e(entry.pair.title))</a></td><td>\(e(entry.pair.standard ?? "—"))</td><td>\(e(entry.pair.deduped ?? "—"))</td><td>\(e(range))</td><td>\(entry.isDemo ? "<strong>demo data</strong>" : "hub checkpoints")</td></tr>\n"
        }
        let anyDemo = entries.contains(where: \.isDemo)
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>pytrack reports</title>
        <style>\(ReportPage.css)</style></head><body>
        <header><h1>pytrack reports: Pythia training dynamics, deduped vs standard</h1>

        """
        for line in header { out += "<p class=\"meta\">\(e(line))</p>\n" }
        if anyDemo { out += "<p class=\"demo\"><strong>Demo data.</strong> Pairs marked demo data come from models flagged is_demo in the database (synthetic or demo-suite weights, not the published Pythia checkpoints).</p>\n" }
        out += """
        </header><main>
        <h2>Model pairs</h2>
        <table><tr><th>pair</th><th>standard</th><th>deduped</th><th>computed steps</th><th>data</th></tr>
        \(rows)</table>
        </main></body></html>

        """
        return out
    }
}
