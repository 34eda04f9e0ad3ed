import Foundation

/// Properties every fuzz target checks; a violation traps, so libFuzzer saves the input as a crash.
enum FuzzChecks {
    /// Where file-based targets write each input (memory-backed when /dev/shm exists).
    static let folder: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = "\(base)/pytrack-libfuzzer-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func write(_ start: UnsafeRawPointer, _ count: Int, name: String) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count))
        return path
    }

    /// An error is one line naming the file.
    static func oneLine(_ error: Error, path: String) {
        let text = String(describing: error)
        precondition(!text.contains("\n") && text.hasPrefix(path), "bad error message: \(text)")
    }

    /// Every tensor of an accepted checkpoint reads (small ones converted to Float).
    static func readAll(_ ckpt: Checkpoint) throws {
        for t in ckpt.tensors {
            try ckpt.withRawBytes(t.name) { precondition($0.count == t.byteCount) }
            if t.dtype.convertsToFloat, t.elementCount <= 1 << 16 { _ = try ckpt.floats(t.name) }
        }
    }
}
