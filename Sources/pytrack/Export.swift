import ArgumentParser
import Foundation
import PyTrackStore

/// `pytrack export`: the store as tidy rows (`model, step, layer, matrix, metric, value`) for pandas/polars,
/// or with `--spectra` the stored spectra (`model, step, layer, matrix, kind, index, value`).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write computed metrics (or spectra) as tidy CSV or JSON rows.",
        discussion: """
        Metric rows include the derived comparison rows (dedup_*) and depth growth rates; layer is empty
        for embed_in, embed_out and the final LayerNorm.
        Example:
          pytrack export --format csv --out metrics.csv
          pytrack export --spectra --model EleutherAI/pythia-160m --format json --out - | head
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "csv or json.")
    var format: String = "csv"

    @Option(name: .long, help: "Output file, or - for standard output.")
    var out: String = "-"

    @Flag(name: .long, help: "Export the stored spectra (singular values and sampled references) instead of metrics.")
    var spectra = false

    @Option(name: .long, help: "Only this model (e.g. EleutherAI/pythia-160m).")
    var model: String?

    func validate() throws {
        guard TidyExporter.Format(rawValue: format) != nil else {
            throw ValidationError("--format must be csv or json, not '\(format)'")
        }
    }

    func run() throws {
        guard let format = TidyExporter.Format(rawValue: format) else { throw ExitCode.validationFailure }
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw ExportFailure(message: "\(database.db): no database here (run pytrack compute first)")
        }
        let db = try PyTrackDatabase(path: database.db, access: .readOnly)
        let exporter = TidyExporter(database: db)
        let sink = try OutputSink(path: out)
        defer { sink.close() }
        let count: Int
        if spectra {
            count = try exporter.exportSpectra(format: format, model: model, to: sink.write)
        } else {
            count = try exporter.exportMetrics(format: format, model: model, to: sink.write)
        }
        try sink.flush()
        if out != "-" {
            FileHandle.standardError.write(Data("pytrack export: \(count) rows -> \(out)\n".utf8))
        }
    }
}

/// A user-facing export failure (one line).
struct ExportFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Buffered writer to a file or standard output, so millions of small rows are not millions of syscalls.
final class OutputSink {
    private let handle: FileHandle
    private let path: String
    private let closes: Bool
    private var buffer = Data()

    init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            closes = false
        } else {
            let url = URL(fileURLWithPath: path)
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let h = FileHandle(forWritingAtPath: path) else {
                throw ExportFailure(message: "\(path): cannot create the output file")
            }
            handle = h
            closes = true
        }
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ExportFailure(message: "\(path): write failed: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        if closes { try? handle.close() }
    }
}
