import Foundation

/// A sharded checkpoint's index (`model.safetensors.index.json` / `pytorch_model.bin.index.json`):
/// which shard file, relative to the index's directory, holds each tensor.
public struct ShardIndex: Sendable {
    /// Tensor name -> shard file name, in the index's order.
    public let weightMap: [(tensor: String, shard: String)]
    /// Distinct shard names in first-seen order.
    public let shards: [String]

    /// Reads and validates the index at `path`: every shard must be a relative path that stays inside
    /// the index's directory (no `..`, no absolute paths), and no tensor may be listed twice.
    public static func read(_ path: String) throws -> ShardIndex {
        let data = try BoundedFile.read(path, limit: BoundedFile.indexLimit)
        guard String(data: data, encoding: .utf8) != nil else { throw FormatError.invalidJSON(path: path, detail: "not UTF-8") }
        let json: JSONValue
        do { json = try StrictJSON.parse(data) } catch let f as StrictJSON.Failure {
            if let key = f.duplicateKey, f.duplicateDepth == 1 { throw FormatError.duplicateTensor(path: path, name: key) }
            throw FormatError.invalidJSON(path: path, detail: f.description)
        }
        guard case let .object(map)? = json["weight_map"] else {
            throw FormatError.invalidJSON(path: path, detail: "no weight_map object")
        }
        var weightMap: [(tensor: String, shard: String)] = []
        var shards: [String] = []
        var seen = Set<String>()
        for (tensor, value) in map {
            guard let shard = value.stringValue else { throw FormatError.invalidJSON(path: path, detail: "weight_map['\(tensor)'] is not a string") }
            guard isSafe(shard) else { throw FormatError.unsafeShardPath(path: path, shard: shard) }
            if seen.insert(shard).inserted { shards.append(shard) }
            weightMap.append((tensor, shard))
        }
        return ShardIndex(weightMap: weightMap, shards: shards)
    }

    /// A shard name is safe when it is relative, non-empty and has no `..` or `.` components.
    static func isSafe(_ shard: String) -> Bool {
        guard !shard.isEmpty, !shard.hasPrefix("/"), !shard.contains("\\"), !shard.contains("\0") else { return false }
        return shard.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." }
    }
}
