import Foundation

/// What can go wrong while planning or computing; each description is one line naming the file,
/// model/step or tensor and the problem.
public enum ComputeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The cache has no ref / snapshot for the revision.
    case revisionNotInCache(model: String, revision: String, cache: String)
    /// The snapshot exists but holds no weight file we can read.
    case noWeights(model: String, revision: String, directory: String)
    /// A local `--file` that does not exist.
    case fileNotFound(path: String)
    /// The checkpoint could not be opened or a tensor could not be read.
    case unreadable(path: String, reason: String)
    /// A tensor whose shape does not fit its role (e.g. a fused QKV that is not 3d x d).
    case badShape(path: String, tensor: String, shape: [Int], expected: String)
    /// Statistics failed for a matrix.
    case statistics(path: String, matrix: String, reason: String)
    /// The database refused the results.
    case store(model: String, step: Int, reason: String)

    public var description: String {
        switch self {
        case let .revisionNotInCache(model, revision, cache):
            return "\(model) \(revision): not in the checkpoint cache \(cache) (run pytrack sync first)"
        case let .noWeights(model, revision, directory):
            return "\(model) \(revision): no model.safetensors or pytorch_model.bin (or shard index) in \(directory)"
        case let .fileNotFound(path):
            return "\(path): no such checkpoint file"
        case let .unreadable(path, reason):
            return "\(path): cannot read checkpoint: \(reason)"
        case let .badShape(path, tensor, shape, expected):
            return "\(path): tensor \(tensor) has shape \(shape), expected \(expected)"
        case let .statistics(path, matrix, reason):
            return "\(path): statistics of \(matrix) failed: \(reason)"
        case let .store(model, step, reason):
            return "\(model) step \(step): could not store results: \(reason)"
        }
    }
}
