import Foundation
import PyTrackTestSupport

/// One run of the built `pytrack` executable with what the hostile-hub tests assert on: exit status,
/// output, wall time and peak RSS, optionally under a file size limit (RLIMIT_FSIZE via util-linux
/// `prlimit`, which execs pytrack in place) and killed if it outlives `timeout`. The peak RSS comes
/// from GNU `time` (`%M`), which fork()s: a child spawned straight from this test process (vfork)
/// would report the test process's own high-water mark instead of pytrack's.
struct MeasuredRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
    var peakRSSBytes: Int64

    /// The lines pytrack printed as errors.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pytrack: error: ") } }

    struct Failed: Error, CustomStringConvertible { var description: String }

    static func pytrack(_ args: [String], environment: [String: String], fileSizeLimit: Int64? = nil, timeout: Double = 60) throws -> MeasuredRun {
        let binary = try PytrackCommand.binary().path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
        let rssPath = dir.appendingPathComponent("rss").path
        var argv = [binary] + args
        if let limit = fileSizeLimit { argv = ["/usr/bin/prlimit", "--fsize=\(limit)", "--"] + argv }
        argv = ["/usr/bin/time", "-f", "%M", "-o", rssPath] + argv

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))  // its own group, killed whole
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let started = Date()
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw Failed(description: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var killed = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw Failed(description: "waitpid: \(String(cString: strerror(errno)))") }
            if !killed && Date().timeIntervalSince(started) > timeout {
                kill(-pid, SIGKILL)
                killed = true
            }
            usleep(10_000)
        }
        let seconds = Date().timeIntervalSince(started)
        // Decode the wait status by hand (WIFEXITED and friends are macros Swift cannot import).
        let signal = status & 0x7f
        let code: Int32 = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        // GNU time writes "Command exited with non-zero status N" before the number when pytrack fails.
        let rssText = String(decoding: FileManager.default.contents(atPath: rssPath) ?? Data(), as: UTF8.self)
        guard killed || signal != 0 || rssText.split(separator: "\n").last.flatMap({ Int64($0) }) != nil else {
            throw Failed(description: "no peak RSS from /usr/bin/time: \(rssText)")
        }
        let kib = rssText.split(separator: "\n").last.flatMap { Int64($0) } ?? -1
        return MeasuredRun(status: killed ? -1 : code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                           seconds: seconds, peakRSSBytes: kib * 1024)
    }
}
