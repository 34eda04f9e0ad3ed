/// Where a checkpoint stands with sync: written by `pytrack sync` only.
public enum SyncState: String, Codable, Sendable, CaseIterable {
    /// Requested but not fetched yet.
    case pending
    /// Weight files and config.json are in the cache, verified.
    case synced
    /// The hub has no such revision.
    case missing
    /// Its weights have the same content key as another step's (the hub serves duplicated content).
    case duplicate
    /// Fetching failed; the detail says why.
    case failed
}
