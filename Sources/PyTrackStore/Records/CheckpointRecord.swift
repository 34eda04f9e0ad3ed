import Foundation

/// Where a checkpoint stands in the pipeline.
public enum CheckpointState: String, Codable, Sendable, CaseIterable {
    /// Requested but not fetched yet.
    case pending
    /// Weight files and config.json are in the cache, verified.
    case synced
    /// The hub has no such revision.
    case missing
    /// Its weight file has the same sha256 as another step's (the hub serves duplicated content).
    case duplicate
    /// Fetching or computing failed; `detail` says why.
    case failed
    /// Every matrix has been computed with the current metric versions.
    case computed
}

/// One (model, step) row of the `checkpoints` table.
public struct CheckpointRecord: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var revision: String
    public var commit: String?
    public var weightSHA256: String?
    public var files: [String]
    public var state: CheckpointState
    public var detail: String?
    public var source: String?
    public var updatedAt: String?

    public init(model: String, step: Int, revision: String, commit: String? = nil, weightSHA256: String? = nil,
                files: [String] = [], state: CheckpointState, detail: String? = nil, source: String? = nil,
                updatedAt: String? = nil) {
        self.model = model
        self.step = step
        self.revision = revision
        self.commit = commit
        self.weightSHA256 = weightSHA256
        self.files = files
        self.state = state
        self.detail = detail
        self.source = source
        self.updatedAt = updatedAt
    }
}
