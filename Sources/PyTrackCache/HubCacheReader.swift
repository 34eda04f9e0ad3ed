import Foundation
import PyTrackContent
import PyTrackFormats


/// Reads checkpoints out of the huggingface_hub cache layout (read-only), through `HubCache`'s
/// validated paths: `<cache>/models--ORG--NAME/refs/<revision>` holds a commit, whose files are under
/// `snapshots/<commit>/<path>` (symlinks into `blobs/<etag>`; for LFS files the etag is the sha256).
public struct HubCacheReader: Sendable {
    /// The cache layout (its root is the folder holding `models--*`).
    public let cache: HubCache

    public init(root: URL) {
        cache = HubCache(root: root)
    }

    /// The cache root.
    public var root: URL { cache.root }

    /// The revisions that have a ref in the cache, e.g. `["main", "step1000"]` (none for an unsafe name).
    public func revisions(model: String) -> [String] {
        (try? cache.revisions(repo: model)) ?? []
    }

    /// Locates a revision's weights and config in the cache.
    public func locate(model: String, revision: String) throws -> LocatedCheckpoint {
        guard let commit = try? cache.ref(repo: model, revision: revision),
              let snapshot = try? cache.snapshot(repo: model, commit: commit),
              FileManager.default.fileExists(atPath: snapshot.path) else {
            throw CacheError.revisionNotInCache(model: model, revision: revision, cache: root.path)
        }
        guard var located = LocatedCheckpoint.find(in: snapshot) else {
            throw CacheError.noWeights(model: model, revision: revision, directory: snapshot.path)
        }
        located.commit = commit
        return located
    }
}

/// Where one checkpoint's files are: the weights entry point (a file or a shard index), its config.json,
/// the files that make up the weights, and their content hashes when the cache names blobs by sha256.
public struct LocatedCheckpoint: Sendable, Equatable {
    /// `model.safetensors`, `model.safetensors.index.json`, `pytorch_model.bin` or its index.
    public var weights: URL
    public var config: URL?
    public var commit: String?
    /// Relative names of the weight files (shards included) and config.json.
    public var files: [String]
    /// The weights' content key (`WeightContentKey`) when the cache names their blobs by sha256, else nil.
    public var weightSHA256: String?

    /// Finds the weights in a snapshot (or any) directory.
    public static func find(in directory: URL) -> LocatedCheckpoint? {
        let fm = FileManager.default
        for name in Checkpoint.directoryEntryNames {
            let url = directory.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { continue }
            var shardNames: [String] = [name]
            if name.hasSuffix(".index.json") {
                shardNames = (try? ShardIndex.read(url.path).shards) ?? [name]
            }
            let config = directory.appendingPathComponent("config.json")
            let hasConfig = fm.fileExists(atPath: config.path)
            let hashes = shardNames.map { blobSHA256(directory.appendingPathComponent($0)) }
            let sha = hashes.allSatisfy { $0 != nil }
                ? WeightContentKey.make(zip(shardNames, hashes.compactMap { $0 }).map { ($0, $1) }) : nil
            return LocatedCheckpoint(weights: url, config: hasConfig ? config : nil, commit: nil,
                                     files: shardNames + (hasConfig ? ["config.json"] : []), weightSHA256: sha)
        }
        return nil
    }

    /// A local file given with `--file` (config.json next to it is used when present), or a directory
    /// holding one of `Checkpoint.directoryEntryNames` (config.json inside it).
    public static func local(file: URL) throws -> LocatedCheckpoint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) else { throw CacheError.fileNotFound(path: file.path) }
        if isDirectory.boolValue, let found = find(in: file) { return found }
        let config = (isDirectory.boolValue ? file : file.deletingLastPathComponent()).appendingPathComponent("config.json")
        let hasConfig = FileManager.default.fileExists(atPath: config.path)
        return LocatedCheckpoint(weights: file, config: hasConfig ? config : nil, commit: nil,
                                 files: [file.lastPathComponent] + (hasConfig ? ["config.json"] : []), weightSHA256: nil)
    }

    /// The content key results are stored under: the cache's sha256 blob names when known, else the
    /// sha256 of the weight files read now (one sequential pass; `--file`).
    public func contentKey() throws -> String {
        if let weightSHA256 { return weightSHA256 }
        let folder = weights.deletingLastPathComponent()
        let weightFiles = files.filter { $0 != "config.json" && !$0.hasSuffix(".index.json") }
        let names = weightFiles.isEmpty ? [weights.lastPathComponent] : weightFiles
        return WeightContentKey.make(try names.map { ($0, try SHA256Digest.file(at: folder.appendingPathComponent($0).path)) })
    }

    /// The blob name a snapshot symlink points to when it looks like a sha256 (64 hex digits).
    static func blobSHA256(_ url: URL) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { return nil }
        let name = (target as NSString).lastPathComponent
        guard name.count == 64, name.allSatisfy({ $0.isHexDigit }) else { return nil }
        return name.lowercased()
    }
}
