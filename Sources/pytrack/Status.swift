import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackDomain
import PyTrackFormats
import PyTrackStore

/// `pytrack status`: what is synced and computed, per model and step.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what is synced and computed, per model and step.",
        discussion: """
        Example:
          pytrack status --db db/pytrack.sqlite
          pytrack status --model EleutherAI/pythia-160m --steps
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Only this model (ORG/NAME).")
    var model: String?

    @Flag(name: .long, help: "List every step, not only the per-model summary.")
    var steps = false

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CLIError.noDatabase(path: database.db)
        }
        let db = try PyTrackDatabase(path: database.db, access: .readOnly)
        let rows = try db.checkpointStatus(model: model, required: MetricGroups.required)
        if let model, rows.isEmpty { throw StoreError.unknownModel(path: database.db, model: model) }
        let byModel = Dictionary(grouping: rows, by: { $0.model })
        if json {
            let object: [[String: Any]] = byModel.keys.sorted().map { name in
                ["model": name, "checkpoints": byModel[name]!.map { r -> [String: Any] in
                    ["step": r.step, "sync_state": r.syncState?.rawValue ?? NSNull(), "compute_state": r.computeState.rawValue,
                     "matrices": r.matrices, "expected_matrices": r.expectedMatrices ?? NSNull(),
                     "detail": r.detail ?? NSNull()]
                }]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("database: \(TerminalText.escaped(database.db))")
        if rows.isEmpty { print("no checkpoints recorded yet (run `pytrack sync` or `pytrack compute`)") }
        for name in byModel.keys.sorted() {
            let list = byModel[name]!
            let synced = Dictionary(grouping: list, by: { $0.syncState }).mapValues(\.count)
            let computed = Dictionary(grouping: list, by: { $0.computeState }).mapValues(\.count)
            var sync = SyncState.allCases.compactMap { s in synced[s].map { "\($0) \(s.rawValue)" } }
            if let never = synced[nil] { sync.append("\(never) not synced") }
            let compute = ComputeState.allCases.compactMap { s in computed[s].map { "\($0) \(s.rawValue)" } }
            let matrices = list.reduce(0) { $0 + $1.matrices }
            print("\(TerminalText.escaped(name)): \(list.count) steps; sync: \(sync.joined(separator: ", ")); compute: \(compute.joined(separator: ", ")); \(matrices) matrices stored")
            if steps {
                for r in list {
                    let detail = r.detail.map { "  \(TerminalText.escaped($0))" } ?? ""
                    let sync = (r.syncState?.rawValue ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0)
                    let compute = r.computeState.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                    let counts = r.expectedMatrices.map { "\(r.matrices)/\($0)" } ?? "\(r.matrices)"
                    print(String(format: "  step %-7d ", r.step) + sync + " " + compute + " " + counts.leftPadded(9) + " matrices" + detail)
                }
            }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// Errors of the CLI layer itself (one line each).
enum CLIError: Error, CustomStringConvertible {
    case noDatabase(path: String)

    var description: String {
        switch self {
        case let .noDatabase(path): return "\(path): no such database (run `pytrack sync` or `pytrack compute` first, or pass --db)"
        }
    }
}
