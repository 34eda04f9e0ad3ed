import Foundation
import PyTrackFormats

/// Progress of a compute run: checkpoints done/total, matrices done, elapsed and ETA. On a terminal it
/// redraws one status line (at most ~5 times a second); otherwise it prints a plain line per checkpoint.
/// Warnings and per-checkpoint outcomes are always printed as whole lines, control characters escaped
/// (`TerminalText`). Thread-safe.
public final class ComputeProgress: @unchecked Sendable {  // every mutable field is guarded by `lock`
    private let lock = NSLock()
    private let isTTY: Bool
    private let write: @Sendable (String) -> Void
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lineShown = false

    private var checkpointsTotal = 0
    private var checkpointsDone = 0
    private var current = ""
    private var matricesInCheckpoint = 0
    private var matricesDoneInCheckpoint = 0
    private var matricesDone = 0
    /// Element counts give a better ETA than matrix counts (embeddings dwarf LayerNorm vectors).
    private var checkpointWorkTotal: Double = 0
    private var checkpointWorkDone: Double = 0

    /// - Parameters:
    ///   - isTTY: redraw a status line (true) or print plain lines (false).
    ///   - write: where text goes (default: standard error).
    public init(isTTY: Bool? = nil, write: (@Sendable (String) -> Void)? = nil) {
        self.isTTY = isTTY ?? (isatty(STDERR_FILENO) == 1)
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// A run of `checkpoints` units begins.
    public func begin(checkpoints: Int) {
        lock.withLock { checkpointsTotal = checkpoints }
    }

    /// A checkpoint starts, with this many matrices to compute (`work` = their total element count).
    public func beginCheckpoint(_ label: String, matrices: Int, work: Double) {
        lock.withLock {
            current = label
            matricesInCheckpoint = matrices
            matricesDoneInCheckpoint = 0
            checkpointWorkTotal = work
            checkpointWorkDone = 0
            drawLocked(force: true)
        }
    }

    /// One matrix of the current checkpoint finished (`work` = its element count).
    public func matrixDone(work: Double) {
        lock.withLock {
            matricesDone += 1
            matricesDoneInCheckpoint += 1
            checkpointWorkDone += work
            drawLocked(force: false)
        }
    }

    /// A checkpoint finished (`outcome` is printed as a whole line).
    public func endCheckpoint(_ outcome: String) {
        lock.withLock {
            checkpointsDone += 1
            clearLineLocked()
            write("[\(checkpointsDone)/\(checkpointsTotal)] \(TerminalText.escaped(outcome))\(etaTextLocked())\n")
            drawLocked(force: true)
        }
    }

    /// A warning line (NaN weights, missing heads, ...), printed above the status line.
    public func warn(_ message: String) {
        lock.withLock {
            clearLineLocked()
            write("warning: \(TerminalText.escaped(message))\n")
            drawLocked(force: true)
        }
    }

    /// An informational line.
    public func note(_ message: String) {
        lock.withLock {
            clearLineLocked()
            write("\(TerminalText.escaped(message))\n")
            drawLocked(force: true)
        }
    }

    /// Ends the status line.
    public func finish() {
        lock.withLock { clearLineLocked() }
    }

    /// Fraction of the run done, counting the current checkpoint's matrices by their element counts.
    private func fractionLocked() -> Double {
        guard checkpointsTotal > 0 else { return 0 }
        let inCheckpoint = checkpointWorkTotal > 0 ? min(1, checkpointWorkDone / checkpointWorkTotal) : 0
        let partial = checkpointsDone < checkpointsTotal ? inCheckpoint : 0
        return min(1, (Double(checkpointsDone) + partial) / Double(checkpointsTotal))
    }

    private func etaTextLocked() -> String {
        let elapsed = Date().timeIntervalSince(start)
        let fraction = fractionLocked()
        guard checkpointsDone < checkpointsTotal else { return ", elapsed \(Self.format(elapsed))" }
        guard fraction > 0.001, elapsed > 1 else { return "" }
        return ", ETA \(Self.format(elapsed * (1 - fraction) / fraction))"
    }

    private func drawLocked(force: Bool) {
        guard isTTY, checkpointsDone < checkpointsTotal, !current.isEmpty else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let line = "checkpoints \(checkpointsDone)/\(checkpointsTotal) | \(current): matrices \(matricesDoneInCheckpoint)/\(matricesInCheckpoint) | \(matricesDone) matrices done\(etaTextLocked())"
        write("\r\u{1B}[2K" + line)
        lineShown = true
    }

    private func clearLineLocked() {
        if isTTY && lineShown {
            write("\r\u{1B}[2K")
            lineShown = false
        }
    }

    static func format(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
