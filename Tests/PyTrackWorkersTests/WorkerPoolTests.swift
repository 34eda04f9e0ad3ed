import PyTrackWorkers
import Synchronization
import XCTest

final class WorkerPoolTests: XCTestCase {
    /// Every index is taken exactly once whatever the number of workers, and run waits for all of them.
    func testEveryIndexOnceAcrossWorkers() {
        for workers in [1, 2, 7] {
            let queue = WorkQueue(count: 10_000)
            let seen = Seen()
            WorkerPool.run(workers: workers, stackSize: 256 << 10) { w in
                while let i = queue.take() { seen.add(i, worker: w) }
            }
            XCTAssertEqual(seen.sorted, Array(0..<10_000), "\(workers) workers")
            XCTAssertLessThanOrEqual(seen.workers.count, workers)
        }
        WorkerPool.run(workers: 0) { _ in XCTFail("no worker runs") }
    }

    private final class Seen: Sendable {
        private let state = Mutex<(indices: [Int], workers: Set<Int>)>(([], []))
        func add(_ i: Int, worker: Int) { state.withLock { $0.indices.append(i); $0.workers.insert(worker) } }
        var sorted: [Int] { state.withLock { $0.indices.sorted() } }
        var workers: Set<Int> { state.withLock { $0.workers } }
    }
}
