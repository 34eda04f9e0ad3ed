import Foundation
import PyTrackFormats

/// Download progress on stderr. On a terminal: one updating line per active file plus an overall line
/// (bytes, rate, ETA), redrawn at most 10 times a second. Otherwise: a plain line every few seconds and
/// one per finished file. Thread-safe.
public final class SyncProgress {
    private struct Active { var label: String; var size: Int64; var done: Int64 }

    private let isTTY: Bool
    private let interval: Double
    private let write: (String) -> Void
    private let lock = NSLock()
    private var active: [Int: Active] = [:]
    private var nextID = 0
    private var totalFiles = 0, finishedFiles = 0
    private var totalBytes: Int64 = 0, finishedBytes: Int64 = 0
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var drawnLines = 0

    /// `isTTY` defaults to whether stderr is a terminal; `write` defaults to stderr.
    public init(isTTY: Bool = isatty(STDERR_FILENO) != 0, interval: Double? = nil, write: ((String) -> Void)? = nil) {
        self.isTTY = isTTY
        self.interval = interval ?? (isTTY ? 0.1 : 5)
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Announces the transfers to come.
    public func begin(files: Int, bytes: Int64) {
        lock.withLock {
            totalFiles = files
            totalBytes = bytes
            start = Date()
            if !isTTY && files > 0 { write("sync: \(files) files to download, \(SyncProgress.bytes(bytes))\n") }
        }
    }

    /// A file transfer starts; returns its id for the other calls.
    public func fileStarted(label: String, size: Int64) -> Int {
        lock.withLock {
            nextID += 1
            active[nextID] = Active(label: TerminalText.escaped(label), size: size, done: 0)
            return nextID
        }
    }

    /// Bytes of the file now on disk.
    public func fileProgress(_ id: Int, bytes: Int64) {
        lock.withLock {
            active[id]?.done = bytes
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= interval else { return }
            lastDraw = now
            draw()
        }
    }

    /// A file transfer ends.
    public func fileFinished(_ id: Int, ok: Bool) {
        lock.withLock {
            guard let a = active.removeValue(forKey: id) else { return }
            finishedFiles += 1
            // A failed file counts what it received, not its (possibly hostile) declared size.
            finishedBytes += ok ? a.size : a.done
            if !ok { totalBytes -= max(0, a.size - a.done) }
            if isTTY {
                clear()
                write("\(ok ? "done" : "FAILED") \(a.label) (\(SyncProgress.bytes(a.size)))\n")
                draw()
            } else {
                write("sync: \(ok ? "done" : "FAILED") \(a.label) (\(SyncProgress.bytes(a.size))) [\(finishedFiles)/\(totalFiles)]\n")
            }
        }
    }

    /// All transfers are over.
    public func end() {
        lock.withLock { if isTTY { clear() } }
    }

    /// One line of text between progress updates (control characters escaped).
    public func note(_ line: String) {
        lock.withLock {
            if isTTY { clear() }
            write(TerminalText.escaped(line) + "\n")
            if isTTY { draw() }
        }
    }

    private func overall() -> String {
        let done = finishedBytes + active.values.reduce(0) { $0 + $1.done }
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(max(0, totalBytes - done)) / rate : 0
        return String(format: "total %@ / %@  %@/s  ETA %@  files %d/%d", SyncProgress.bytes(done), SyncProgress.bytes(totalBytes),
                      SyncProgress.bytes(Int64(rate)), SyncProgress.duration(eta), finishedFiles, totalFiles)
    }

    private func draw() {  // lock held
        if !isTTY {
            write("sync: " + overall() + "\n")
            return
        }
        clear()
        var lines = active.keys.sorted().compactMap { k -> String? in
            guard let a = active[k] else { return nil }
            let pct = a.size > 0 ? Double(a.done) * 100 / Double(a.size) : 100
            return String(format: "  %5.1f%% %@ / %@  %@", pct, SyncProgress.bytes(a.done), SyncProgress.bytes(a.size), a.label)
        }
        lines.append(overall())
        write(lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\n") + "\n")
        drawnLines = lines.count
    }

    private func clear() {  // lock held
        guard isTTY, drawnLines > 0 else { return }
        write("\u{1B}[\(drawnLines)A\u{1B}[0J")
        drawnLines = 0
    }

    /// `1.5 GiB`-style sizes.
    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
