import Foundation

/// The one thread pool pytrack's stages share (compute's matrix workers, sync's transfer workers):
/// `workers` threads with a chosen stack size, each running `body(worker index)`; `run` returns when
/// every thread has finished. Threads rather than Swift concurrency tasks: the bodies block in BLAS,
/// libcurl and file I/O for seconds at a time.
public enum WorkerPool {
    public static func run(workers: Int, stackSize: Int = 1 << 20, _ body: @escaping @Sendable (Int) -> Void) {
        guard workers > 0 else { return }
        let done = DispatchGroup()
        for w in 0..<workers {
            done.enter()
            let thread = Thread {
                body(w)
                done.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        done.wait()
    }
}
