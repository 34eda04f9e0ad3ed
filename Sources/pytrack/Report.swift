import ArgumentParser
import Foundation
import PyTrackReport
import PyTrackStore

/// `pytrack report`: renders the database as static HTML + SVG under Reports/.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render deduped-vs-standard comparisons as static HTML + SVG (opens from disk, no network).",
        discussion: """
        Reads only the database. Writes <out>/index.html linking every model pair, and per pair
        <out>/<pair>/index.html with standalone SVG charts (norms over training, norms vs depth,
        singular-value histograms with a step slider on fixed axes, rank spectra, distribution shape,
        LayerNorm outliers, deduped-vs-standard divergence).
        Example:
          pytrack report --db db/pytrack.sqlite --out Reports --model EleutherAI/pythia-160m --matrix-layer 6
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "Reports"

    @Option(name: .long, parsing: .upToNextOption, help: "Only pairs containing these models (repo names, e.g. EleutherAI/pythia-160m).")
    var model: [String] = []

    @Option(name: .long, help: "Layer of the matrices in the spectrum figures (default: the middle layer).")
    var matrixLayer: Int?

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw ReportError.noComputedData(database: database.db)
        }
        let db = try PyTrackDatabase(path: database.db, access: .readOnly)
        let started = Date()
        let builder = ReportBuilder(database: db, options: .init(
            outputDirectory: URL(fileURLWithPath: out, isDirectory: true),
            models: model.isEmpty ? nil : model, matrixLayer: matrixLayer))
        let summary = try builder.build()
        for page in summary.pages {
            print("\(out)/\(page.folder)/index.html: \(page.files) files, \(page.totalBytes / 1024) KiB in all, \(page.openBytes / 1024) KiB loaded on open")
        }
        print("\(summary.indexPath) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
    }
}
