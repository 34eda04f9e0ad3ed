import PyTrackCache
import Foundation
import PyTrackContent
import PyTrackModel

/// One revision of a repository, resolved to a commit and the files to fetch.
public struct ResolvedCheckpoint: Equatable, Sendable {
    public var repo: String
    public var revision: String
    public var step: Int
    public var commit: String
    /// Files to fetch (weights first, then the rest of the selection), with sizes and hashes.
    public var files: [HubClient.TreeFile]
    /// Paths of the weight files (safetensors or .bin, shards included).
    public var weightPaths: [String]

    /// One sha256 for the weights: the LFS sha256 of a single weight file, else the sha256 of the
    /// sorted `path:sha256` lines of all of them. Equal values mean duplicated checkpoints.
    public var weightSHA256: String {
        WeightContentKey.make(files.filter { weightPaths.contains($0.path) }.map { ($0.path, $0.etag) })
    }
}

/// Turns (repository, revision) into the exact list of files to fetch: refs for the commit, the
/// recursive tree for sizes and hashes, then the selection: `weights` = safetensors if the revision has
/// any (single file or index + shards), else pytorch .bin (same rules); other entries are exact paths.
public struct CheckpointResolver {
    public let client: HubClient

    public init(client: HubClient) { self.client = client }

    /// Lists the files of `repo` at `commit` and applies `selection`; every hub name is validated.
    public func resolve(repo: String, revision: String, step: Int, commit: String, selection: [String]) throws -> ResolvedCheckpoint {
        guard HubCache.isCommit(commit) else { throw HubError.unsafeName(commit, reason: "commit must be 40 hex digits") }
        let tree = try client.tree(repo: repo, revision: commit)
        for f in tree {
            _ = try HubCache.pathComponents(f.path)
            try HubCache.checkEtag(f.etag)
        }
        let (files, weights) = try CheckpointResolver.select(tree, selection: selection, repo: repo, revision: revision)
        return ResolvedCheckpoint(repo: repo, revision: revision, step: step, commit: commit.lowercased(), files: files, weightPaths: weights)
    }

    /// Applies a file selection to a tree: returns the files (weights first) and the weight paths.
    public static func select(_ tree: [HubClient.TreeFile], selection: [String], repo: String, revision: String) throws
        -> (files: [HubClient.TreeFile], weights: [String]) {
        var chosen: [HubClient.TreeFile] = []
        var weights: [String] = []
        for item in selection {
            if item == "weights" {
                let w = weightFiles(tree)
                guard !w.isEmpty else { throw HubError.noWeights(repo: repo, revision: revision) }
                weights = w.filter { !$0.path.hasSuffix(".json") }.map(\.path)
                chosen += w
            } else {
                guard let f = tree.first(where: { $0.path == item }) else {
                    throw HubError.entryNotFound(repo: repo, revision: revision, path: item)
                }
                chosen.append(f)
            }
        }
        var seen = Set<String>()
        return (chosen.filter { seen.insert($0.path).inserted }, weights)
    }

    /// The weight files of a tree: safetensors preferred over .bin; a single `model.safetensors`
    /// (`pytorch_model.bin`) or the index json plus its shards at the top level.
    static func weightFiles(_ tree: [HubClient.TreeFile]) -> [HubClient.TreeFile] {
        let top = tree.filter { !$0.path.contains("/") }
        for (single, index, ext) in [("model.safetensors", "model.safetensors.index.json", ".safetensors"),
                                     ("pytorch_model.bin", "pytorch_model.bin.index.json", ".bin")] {
            if let f = top.first(where: { $0.path == single }) { return [f] }
            if let idx = top.first(where: { $0.path == index }) {
                let shards = top.filter { $0.path.hasSuffix(ext) }.sorted { $0.path < $1.path }
                if !shards.isEmpty { return shards + [idx] }
            }
            let any = top.filter { $0.path.hasSuffix(ext) }.sorted { $0.path < $1.path }
            if !any.isEmpty { return any }
        }
        return []
    }
}
