import Foundation

/// Runs the built `pytrack` executable as a subprocess, the way a user does. SwiftPM builds it next to
/// the test bundle (the `pytrackTests` target depends on it), so tests of every module can call it.
public enum PytrackCommand {
    /// What a finished run printed and how it exited.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The executable could not be found next to the tests.
    public struct NotBuilt: Error, CustomStringConvertible {
        public var looked: [String]
        public var description: String { "pytrack executable not built next to the tests (looked in \(looked.joined(separator: ", ")))" }
    }

    /// The `pytrack` binary in the products directory that holds the test bundle.
    public static func binary() throws -> URL {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles + [Bundle.main] {
            var dir = bundle.bundleURL
            while dir.pathExtension == "xctest" || dir.lastPathComponent == "Contents" { dir.deleteLastPathComponent() }
            candidates.append(dir)
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            let url = dir.appendingPathComponent("pytrack")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw NotBuilt(looked: candidates.map(\.path))
    }

    /// The current environment with `changes` applied (a nil value removes the variable).
    public static func environment(_ changes: [String: String?]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in changes { env[key] = value }
        return env
    }

    /// Runs `pytrack args...` to completion, capturing stdout and stderr (`Subprocess`).
    public static func run(_ args: [String], environment: [String: String]? = nil) throws -> Result {
        let r = try Subprocess.run(try binary(), args, environment: environment)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// Starts `pytrack args...` without waiting (output discarded), e.g. to kill it mid-run.
    public static func start(_ args: [String], environment: [String: String]? = nil) throws -> Process {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        if let environment { p.environment = environment }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

}
