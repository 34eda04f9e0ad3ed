/// The one content key of a checkpoint's weights, shared by sync (duplicate detection) and compute
/// (results keyed to the content they came from): the sha256 of a single weight file, else the sha256
/// of the sorted `path:sha256` lines (`\n`-terminated) of all of them, so a sharded checkpoint has one key
/// and any changed shard changes it.
public enum WeightContentKey {
    /// The key for weight files given as (path within the snapshot, lowercase hex sha256).
    public static func make(_ files: [(path: String, sha256: String)]) -> String {
        let sorted = files.sorted { $0.path < $1.path }
        if sorted.count == 1 { return sorted[0].sha256 }
        return SHA256Digest.hex(of: sorted.map { "\($0.path):\($0.sha256)\n" }.joined())
    }
}
