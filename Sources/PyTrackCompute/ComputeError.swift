import Foundation
import PyTrackFormats
import PyTrackStats
import PyTrackStore

/// What can go wrong while planning or computing; each description is one line naming the file,
/// model/step or tensor and the problem (control characters in names escaped).
public enum ComputeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The checkpoint could not be opened or a tensor could not be read.
    case unreadable(path: String, reason: String)
    /// A tensor whose shape does not fit its role (e.g. a fused QKV that is not 3d x d).
    case badShape(path: String, tensor: String, shape: [Int], expected: String)
    /// Statistics failed for a matrix; `cause` is the statistics error where there was one.
    case statistics(path: String, matrix: String, reason: String, cause: StatsError? = nil)
    /// The database refused the results; `cause` keeps the store's error (and its SQLite code).
    case store(model: String, step: Int, cause: StoreError)
    /// No tensor of the checkpoint is one the catalog knows (with a 2-D/1-D shape as its role needs).
    case noRecognisedTensors(path: String, tensors: Int, examples: [String])
    /// A matrix would need more memory than the budget (`--max-memory-gb`); refused before allocating.
    case overMemoryBudget(path: String, tensor: String, shape: [Int], bytes: Int, budget: Int)

    static func gib(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_073_741_824) }

    public var description: String { TerminalText.escaped(unescapedDescription) }

    private var unescapedDescription: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read checkpoint: \(reason)"
        case let .badShape(path, tensor, shape, expected):
            return "\(path): tensor \(tensor) has shape \(shape), expected \(expected)"
        case let .statistics(path, matrix, reason, _):
            return "\(path): statistics of \(matrix) failed: \(reason)"
        case let .store(model, step, cause):
            return "\(model) step \(step): could not store results: \(cause)"
        case let .noRecognisedTensors(path, count, examples):
            let shown = examples.isEmpty ? "" : " (e.g. \(examples.joined(separator: ", ")))"
            return "\(path): none of its \(count) tensor(s) is a GPT-NeoX weight this catalog recognises\(shown)"
        case let .overMemoryBudget(path, tensor, shape, bytes, budget):
            return "\(path): tensor \(tensor) \(shape) needs about \(Self.gib(bytes)) GiB, over the memory budget of \(Self.gib(budget)) GiB (--max-memory-gb)"
        }
    }
}
