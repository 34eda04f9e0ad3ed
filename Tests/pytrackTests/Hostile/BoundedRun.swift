import Foundation
import PyTrackTestSupport
import XCTest

/// One run of the built `pytrack` under `/usr/bin/time` with a wall-clock limit: exit status, output,
/// elapsed seconds and peak resident memory, so a test can assert time and memory bounds.
struct BoundedRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
    var peakRSSMiB: Double
    /// True when the limit was hit and the process tree was killed.
    var killed: Bool

    /// stderr without trailing empty lines, split into lines.
    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }

    /// Runs `pytrack args...`; `shell` (e.g. `ulimit -f 8`) runs first in a bash that then execs the
    /// timed command; `user` runs it as that uid/gid via setpriv (the caller must be root).
    static func run(_ args: [String], limit: Double = 60, shell: String? = nil, user: UInt32? = nil,
                    binary: URL? = nil, environment: [String: String]? = nil) throws -> BoundedRun {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            throw XCTSkip("/usr/bin/time is not installed (Debian package 'time', tools/setup.sh installs it)")
        }
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-time-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: stats) }
        var command = ["/usr/bin/time", "-f", "%e %M", "-o", stats.path, try (binary ?? PytrackCommand.binary()).path] + args
        if let user {
            command = ["/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups"] + command
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", (shell.map { $0 + "; " } ?? "") + "exec \"$@\"", "bash"] + command
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let flag = KillFlag()
        let watchdog = DispatchWorkItem {
            flag.killed = true
            killTree(p.processIdentifier)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
        let box = OutputBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            box.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        watchdog.cancel()
        let text = (try? String(contentsOf: stats, encoding: .utf8)) ?? ""
        let last = text.split(separator: "\n").last.map { $0.split(separator: " ") } ?? []
        let seconds = last.count == 2 ? Double(last[0]) ?? .infinity : .infinity
        let kib = last.count == 2 ? Double(last[1]) ?? .infinity : .infinity
        return BoundedRun(status: p.terminationStatus, stdout: String(decoding: box.data, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self), seconds: seconds, peakRSSMiB: kib / 1024,
                          killed: flag.killed)
    }

    /// Asserts a one-line user-facing error: exit status 1, exactly one `pytrack: error:` line (the
    /// last line of stderr) containing `phrase`, within `seconds` and `mib` of peak RSS.
    func assertOneLineError(_ phrase: String, seconds bound: Double, mib: Double,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(killed, "killed at the time limit", file: file, line: line)
        XCTAssertEqual(status, 1, stderr, file: file, line: line)
        let errors = stderrLines.filter { $0.hasPrefix("pytrack: error:") }
        XCTAssertEqual(errors.count, 1, stderr, file: file, line: line)
        XCTAssertEqual(stderrLines.last.map(String.init), errors.first.map(String.init), stderr, file: file, line: line)
        XCTAssertTrue(errors.first?.contains(phrase) ?? false, "expected '\(phrase)' in: \(stderr)", file: file, line: line)
        assertBounds(seconds: bound, mib: mib, file: file, line: line)
    }

    /// Asserts the time and peak-RSS bounds.
    func assertBounds(seconds bound: Double, mib: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(seconds, bound, "took \(seconds) s", file: file, line: line)
        XCTAssertLessThan(peakRSSMiB, mib, "peak RSS \(peakRSSMiB) MiB", file: file, line: line)
    }

    /// SIGKILL to `pid` and every descendant (children first read from /proc).
    private static func killTree(_ pid: Int32) {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ Int32($0) }) { killTree(child) }
        kill(pid, SIGKILL)
    }

    private final class OutputBox: @unchecked Sendable { var data = Data() }   // written by one reader thread, read after it joins
    private final class KillFlag: @unchecked Sendable { var killed = false }     // set by the watchdog before the process exits
}
