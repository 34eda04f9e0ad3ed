/// Why a shard database could not be merged (one line naming the shard and the problem).
public struct MergeError: Error, CustomStringConvertible, Equatable {
    /// The shard's path.
    public let shard: String
    public let problem: String

    public init(shard: String, problem: String) {
        self.shard = shard
        self.problem = problem
    }

    public var description: String { "merge: \(shard): \(problem)" }
}
