import ArgumentParser
import Foundation
import PyTrackFormats
import PyTrackStore

/// `pytrack status`: what is synced and computed, per model and step.
struct Status: AsyncParsableCommand {
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

    func run() async throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CLIError.noDatabase(path: database.db)
        }
        let db = try PyTrackDatabase(path: database.db, access: .readOnly)
        let rows = try db.checkpointStatus(model: model)
        if let model, rows.isEmpty { throw StoreError.unknownModel(path: database.db, model: model) }
        let byModel = Dictionary(grouping: rows, by: \.model)
        if json {
            let object: [[String: Any]] = byModel.keys.sorted().map { name in
                ["model": name, "checkpoints": byModel[name]!.map { r -> [String: Any] in
                    ["step": r.step, "state": r.state.rawValue, "matrices": r.matrices, "detail": r.detail ?? NSNull()]
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
            let counts = Dictionary(grouping: list, by: \.state).mapValues(\.count)
            let states = CheckpointState.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
            let matrices = list.reduce(0) { $0 + $1.matrices }
            print("\(TerminalText.escaped(name)): \(list.count) steps (\(states.joined(separator: ", "))), \(matrices) matrices stored")
            if steps {
                for r in list {
                    let detail = r.detail.map { "  \(TerminalText.escaped($0))" } ?? ""
                    let state = r.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                    print(String(format: "  step %-7d ", r.step) + state + String(format: " %5d matrices", r.matrices) + detail)
                }
            }
        }
    }
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
