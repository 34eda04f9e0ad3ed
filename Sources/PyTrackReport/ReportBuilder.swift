import Foundation
import PyTrackStore

/// Builds the whole report from the database: `index.html` linking every pair, and per pair
/// `<pair>/index.html` with its SVG files. Entry point of `pytrack report`.
///
/// Everything is first written into a staging folder inside the output folder; only when all of it is
/// written are the pair folders and then `index.html` renamed into place (renames need no space), so a
/// full disk or a failure half-way leaves the previous report as it was.
public struct ReportBuilder {
    public struct Options {
        public var outputDirectory: URL
        /// Only pairs containing one of these models (nil: all models with computed data).
        public var models: [String]?
        /// Layer of the matrices in the spectrum figures (nil: the middle layer).
        public var matrixLayer: Int?
        public var now: Date

        public init(outputDirectory: URL, models: [String]? = nil, matrixLayer: Int? = nil, now: Date = Date()) {
            self.outputDirectory = outputDirectory
            self.models = models
            self.matrixLayer = matrixLayer
            self.now = now
        }
    }

    /// What was written for one pair.
    public struct PageSummary: Sendable {
        public var folder: String
        public var files: Int
        /// Bytes of every file of the pair.
        public var totalBytes: Int
        /// Bytes a browser loads on opening the page (HTML, static figures, one step of each stepped figure).
        public var openBytes: Int
    }

    public struct Summary: Sendable {
        public var pages: [PageSummary]
        public var indexPath: String
    }

    public let database: PyTrackDatabase
    public let options: Options

    public init(database: PyTrackDatabase, options: Options) {
        self.database = database
        self.options = options
    }

    /// Writes the report; throws `ReportError.noComputedData` when nothing is computed.
    public func build() throws -> Summary {
        let models = try database.models()
        var computed: [String: [Int]] = [:]
        for m in models {
            let steps = try database.computedSteps(model: m.name)
            if !steps.isEmpty { computed[m.name] = steps }
        }
        guard !computed.isEmpty else { throw ReportError.noComputedData(database: database.path) }
        var pairs = ModelPair.pairs(of: Array(computed.keys), groups: try database.groups())
        if let wanted = options.models {
            for w in wanted where computed[w] == nil { throw ReportError.unknownModel(database: database.path, model: w) }
            pairs = pairs.filter { !Set($0.members).isDisjoint(with: wanted) }
        }
        let isDemo = Dictionary(uniqueKeysWithValues: models.map { ($0.name, $0.isDemo) })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let builtAt = formatter.string(from: options.now)
        let root = options.outputDirectory
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ReportError.cannotWrite(path: root.path, reason: error.localizedDescription)
        }
        let staging = root.appendingPathComponent(".pytrack-report-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ReportError.cannotWrite(path: staging.path, reason: error.localizedDescription)
        }
        defer { try? FileManager.default.removeItem(at: staging) }
        var summaries: [PageSummary] = []
        var entries: [ReportIndex.Entry] = []
        for pair in pairs {
            var report = try PairReport(database: database, pair: pair, modelInfo: isDemo, outputRoot: staging,
                                        layer: options.matrixLayer, builtAt: builtAt)
            let demo = pair.members.filter { isDemo[$0] ?? false }
            var header = ["Database: \(database.path)", "Built: \(builtAt) by pytrack report"]
            for m in report.models {
                let missing = report.steps.filter { !m.steps.contains($0) }
                header.append("\(m.name): \(Self.describeSteps(m.steps))" + (missing.isEmpty ? "" : "; not computed: \(Self.describeSteps(missing))"))
            }
            header.append("Spectra and LayerNorm figures: layer \(report.layer) of \(report.models.map(\.layers).max() ?? 0); all step-by-step figures share fixed axes.")
            let page = try report.build(
                header: header,
                demoNote: demo.isEmpty ? nil : "\(demo.joined(separator: ", ")) \(demo.count == 1 ? "is" : "are") flagged is_demo in the database: synthetic or demo-suite weights, not the published Pythia checkpoints.")
            entries.append(ReportIndex.Entry(pair: pair, steps: report.steps, isDemo: !demo.isEmpty))
            summaries.append(Self.summarise(report, page: page))
        }
        let index = ReportIndex(header: ["Database: \(database.path)", "Built: \(builtAt) by pytrack report"], entries: entries)
        let staged = staging.appendingPathComponent("index.html")
        do {
            try Data(index.html().utf8).write(to: staged)
        } catch {
            throw ReportError.cannotWrite(path: staged.path, reason: error.localizedDescription)
        }
        try Self.install(staging: staging, into: root, folders: pairs.map(\.folder))
        return Summary(pages: summaries, indexPath: root.appendingPathComponent("index.html").path)
    }

    /// Moves the complete staged report into `root`: each pair folder replaces the old one (moved aside
    /// into the staging folder, which is then deleted), and `index.html` last, by an atomic rename.
    static func install(staging: URL, into root: URL, folders: [String]) throws {
        let replaced = staging.appendingPathComponent(".replaced", isDirectory: true)
        func move(_ from: URL, _ to: URL) throws {
            guard rename(from.path, to.path) == 0 else {
                let code = errno
                throw ReportError.cannotWrite(path: to.path, reason: String(cString: strerror(code)), errno: code)
            }
        }
        do {
            try FileManager.default.createDirectory(at: replaced, withIntermediateDirectories: false)
        } catch {
            throw ReportError.cannotWrite(path: replaced.path, reason: error.localizedDescription)
        }
        for folder in folders {
            let destination = root.appendingPathComponent(folder, isDirectory: true)
            var st = stat()
            if lstat(destination.path, &st) == 0 { try move(destination, replaced.appendingPathComponent(folder)) }
            try move(staging.appendingPathComponent(folder, isDirectory: true), destination)
        }
        try move(staging.appendingPathComponent("index.html"), root.appendingPathComponent("index.html"))
    }

    static func summarise(_ report: PairReport, page: ReportPage) -> PageSummary {
        let total = report.written.reduce(0) { $0 + $1.bytes }
        let last = report.steps.last.map { "step-\($0).svg" }
        var open = 0
        for (path, bytes) in report.written {
            let parts = path.split(separator: "/")
            if parts.count == 2, parts[1].hasPrefix("step-") {
                if let last, parts[1] == last { open += bytes }
            } else {
                open += bytes
            }
        }
        return PageSummary(folder: report.pair.folder, files: report.written.count, totalBytes: total, openBytes: open)
    }

    /// "154 steps (0–143000)" or "3 steps: 0, 1, 512".
    static func describeSteps(_ steps: [Int]) -> String {
        guard let first = steps.first, let last = steps.last else { return "no steps" }
        if steps.count <= 8 { return "\(steps.count) step\(steps.count == 1 ? "" : "s"): " + steps.map(String.init).joined(separator: ", ") }
        return "\(steps.count) steps (\(first)–\(last))"
    }
}
