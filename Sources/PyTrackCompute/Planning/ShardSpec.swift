/// `--shard i/N`: shard `index` (0-based) of `count` shards.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardSpecError(text: "\(index)/\(count)", why: "N must be at least 1") }
        guard index >= 0, index < count else {
            throw ShardSpecError(text: "\(index)/\(count)", why: "i must be in 0...\(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/N` (e.g. `3/64`; `i` is 0-based, as `SLURM_ARRAY_TASK_ID` over `--array=0-63`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardSpecError(text: text, why: "expected i/N, e.g. 0/4")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }
}

/// A malformed `--shard`.
public struct ShardSpecError: Error, CustomStringConvertible {
    public let text: String
    public let why: String
    public var description: String { "shard '\(text)': \(why)" }
}
