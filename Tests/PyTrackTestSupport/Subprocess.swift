import Foundation

/// Runs a program to completion the way every test needs: both pipes read concurrently (a chatty
/// program cannot fill one and block), the exit collected with waitpid within a time limit
/// (Foundation's `waitUntilExit` was seen to miss the exit of a script that starts daemons).
public enum Subprocess {
    /// What a finished run printed and how it exited (128 + signal when killed by one).
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A program that exited non-zero where success was required.
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var stderr: String
        public var description: String { "\(command) exited \(status): \(stderr.prefix(400))" }
    }

    /// A program still running after its time limit (it was killed).
    public struct Timeout: Error, CustomStringConvertible {
        public var command: String
        public var seconds: Double
        public var description: String { "\(command) did not finish in \(Int(seconds)) s" }
    }

    /// Runs `executable args...`.
    public static func run(_ executable: URL, _ args: [String], environment: [String: String]? = nil,
                           timeout: Double = 1800) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let collected = OutputBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.stdout = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let status = try exitStatus(of: p, command: ([executable.lastPathComponent] + args).joined(separator: " "), timeout: timeout)
        return Result(status: status, stdout: String(decoding: collected.stdout, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Stdout of `/usr/bin/env args...`; throws `Failure` when it exits non-zero.
    public static func output(_ args: [String], environment: [String: String]? = nil, timeout: Double = 600) throws -> String {
        let r = try run(URL(fileURLWithPath: "/usr/bin/env"), args, environment: environment, timeout: timeout)
        guard r.status == 0 else { throw Failure(command: args.joined(separator: " "), status: r.status, stderr: r.stderr) }
        return r.stdout
    }

    /// The exit status of a started process, by waitpid, within `timeout` seconds (then SIGKILL).
    static func exitStatus(of p: Process, command: String, timeout: Double) throws -> Int32 {
        let pid = p.processIdentifier
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        while true {
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid { return (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
            if r == -1 {  // Foundation reaped it first
                p.waitUntilExit()
                return p.terminationStatus
            }
            if Date() > deadline {
                kill(pid, SIGKILL)
                throw Timeout(command: command, seconds: timeout)
            }
            usleep(5_000)
        }
    }

    private final class OutputBox: @unchecked Sendable {  // written by one reader thread, read after it joined
        var stdout = Data()
    }
}
