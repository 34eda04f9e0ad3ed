import Synchronization

/// Hands out 0, 1, 2, ... below `count` to worker threads, each index once.
public final class WorkQueue: Sendable {
    private let next = Mutex(0)
    public let count: Int

    public init(count: Int) { self.count = count }

    /// The next index, or nil when all are taken.
    public func take() -> Int? {
        next.withLock { value in
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
