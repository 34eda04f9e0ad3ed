import Foundation
import PyTrackDomain

/// Where a checkpoint stands with compute, judged from what is stored against the code's metric-group
/// versions (never written as such: derived, so it cannot go out of date).
public enum ComputeState: String, Codable, Sendable, CaseIterable {
    /// Nothing stored for it yet.
    case pending
    /// Some of its matrices are stored, not all the catalog names.
    case partial
    /// Every matrix is stored with current metric versions, from the content sync last recorded.
    case computed
    /// Stored with an older metric version, or from other content than the cache now holds.
    case stale
    /// The last compute of it failed; the detail says why (rows it stored before are kept).
    case failed
}

/// What sync records about one (model, step). Sync never writes compute's columns.
public struct SyncRecord: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var revision: String
    public var commit: String?
    /// The weights' content key (`WeightContentKey`): sha256 of one file, or of the shards' list.
    public var weightSHA256: String?
    public var files: [String]
    public var state: SyncState
    public var detail: String?
    /// Where it came from (the endpoint, credentials stripped).
    public var source: String?

    public init(model: String, step: Int, revision: String, commit: String? = nil, weightSHA256: String? = nil,
                files: [String] = [], state: SyncState, detail: String? = nil, source: String? = nil) {
        self.model = model
        self.step = step
        self.revision = revision
        self.commit = commit
        self.weightSHA256 = weightSHA256
        self.files = files
        self.state = state
        self.detail = detail
        self.source = source
    }
}

/// One (model, step) row of the `checkpoints` table, both lifecycles.
public struct CheckpointRecord: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var revision: String
    public var commit: String?
    /// The content key sync last recorded.
    public var weightSHA256: String?
    /// The content key the stored matrices came from.
    public var computedSHA256: String?
    public var files: [String]
    /// nil: never synced (e.g. computed from `--file`).
    public var syncState: SyncState?
    public var syncDetail: String?
    public var computeFailure: String?
    public var expectedMatrices: Int?
    public var source: String?
    public var updatedAt: String?
}
