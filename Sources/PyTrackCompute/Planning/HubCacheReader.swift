import Foundation
import PyTrackModel

/// Reads checkpoints out of the huggingface_hub cache layout (read-only):
/// `<cache>/models--ORG--NAME/refs/<revision>` holds a commit, whose files are under
/// `snapshots/<commit>/<path>` (symlinks into `blobs/<etag>`; for LFS files the etag is the sha256).
public struct HubCacheReader: Sendable {
    /// The cache root (the folder holding `models--*`).
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// `models--ORG--NAME` for `ORG/NAME`.
    public func repositoryFolder(_ model: String) -> URL {
        root.appendingPathComponent("models--" + model.replacingOccurrences(of: "/", with: "--"))
    }

    /// The revisions that have a ref in the cache, e.g. `["main", "step1000"]`.
    public func revisions(model: String) -> [String] {
        let refs = repositoryFolder(model).appendingPathComponent("refs")
        return ((try? FileManager.default.contentsOfDirectory(atPath: refs.path)) ?? []).sorted()
    }

    /// The commit a revision's ref points to, or nil.
    public func commit(model: String, revision: String) -> String? {
        let ref = repositoryFolder(model).appendingPathComponent("refs").appendingPathComponent(revision)
        guard let text = try? String(contentsOf: ref, encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty, !commit.contains("/"), commit != ".", commit != ".." else { return nil }
        return commit
    }

    /// Locates a revision's weights and config in the cache.
    public func locate(model: String, revision: String) throws -> LocatedCheckpoint {
        guard Manifest.isRepositoryName(model), !revision.contains("/"), !revision.hasPrefix(".") else {
            throw ComputeError.revisionNotInCache(model: model, revision: revision, cache: root.path)
        }
        guard let commit = commit(model: model, revision: revision) else {
            throw ComputeError.revisionNotInCache(model: model, revision: revision, cache: root.path)
        }
        let snapshot = repositoryFolder(model).appendingPathComponent("snapshots").appendingPathComponent(commit)
        guard FileManager.default.fileExists(atPath: snapshot.path) else {
            throw ComputeError.revisionNotInCache(model: model, revision: revision, cache: root.path)
        }
        guard var located = LocatedCheckpoint.find(in: snapshot) else {
            throw ComputeError.noWeights(model: model, revision: revision, directory: snapshot.path)
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
    /// `,`-joined sha256 of the weight files when their blob names are sha256 (the hub cache), else nil.
    public var weightSHA256: String?

    /// Entry points tried in order: safetensors first (mmap, no pickle), then torch.
    public static let weightNames = ["model.safetensors.index.json", "model.safetensors",
                                     "pytorch_model.bin.index.json", "pytorch_model.bin"]

    /// Finds the weights in a snapshot (or any) directory.
    public static func find(in directory: URL) -> LocatedCheckpoint? {
        let fm = FileManager.default
        for name in weightNames {
            let url = directory.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { continue }
            var shardNames: [String] = [name]
            if name.hasSuffix(".index.json") {
                shardNames = shardFiles(index: url) ?? [name]
            }
            let config = directory.appendingPathComponent("config.json")
            let hasConfig = fm.fileExists(atPath: config.path)
            let hashes = shardNames.map { blobSHA256(directory.appendingPathComponent($0)) }
            let sha = hashes.allSatisfy { $0 != nil } ? hashes.compactMap { $0 }.joined(separator: ",") : nil
            return LocatedCheckpoint(weights: url, config: hasConfig ? config : nil, commit: nil,
                                     files: shardNames + (hasConfig ? ["config.json"] : []), weightSHA256: sha)
        }
        return nil
    }

    /// A local file given with `--file` (config.json next to it is used when present).
    public static func local(file: URL) throws -> LocatedCheckpoint {
        guard FileManager.default.fileExists(atPath: file.path) else { throw ComputeError.fileNotFound(path: file.path) }
        let config = file.deletingLastPathComponent().appendingPathComponent("config.json")
        let hasConfig = FileManager.default.fileExists(atPath: config.path)
        return LocatedCheckpoint(weights: file, config: hasConfig ? config : nil, commit: nil,
                                 files: [file.lastPathComponent] + (hasConfig ? ["config.json"] : []), weightSHA256: nil)
    }

    /// Shard file names listed by an index json's `weight_map`, in order of first appearance.
    static func shardFiles(index: URL) -> [String]? {
        guard let data = try? Data(contentsOf: index),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let map = object["weight_map"] as? [String: String] else { return nil }
        var seen = Set<String>()
        return map.keys.sorted().compactMap { key in
            guard let file = map[key], seen.insert(file).inserted else { return nil }
            return file
        }.sorted()
    }

    /// The blob name a snapshot symlink points to when it looks like a sha256 (64 hex digits).
    static func blobSHA256(_ url: URL) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { return nil }
        let name = (target as NSString).lastPathComponent
        guard name.count == 64, name.allSatisfy({ $0.isHexDigit }) else { return nil }
        return name.lowercased()
    }
}
