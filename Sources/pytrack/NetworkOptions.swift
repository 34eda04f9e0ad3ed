import ArgumentParser
import Foundation
import PyTrackHub

/// Timeouts and the retry budget of hub requests: a flag, else its `PYTRACK_*` environment variable,
/// else the default (docs/security.md, "Hostile hub").
struct NetworkOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds to connect to a host (env PYTRACK_CONNECT_TIMEOUT; default 10).", valueName: "s"))
    var connectTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("Seconds from a request to the first byte of its answer (env PYTRACK_FIRST_BYTE_TIMEOUT; default 30).", valueName: "s"))
    var firstByteTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("Abort a transfer slower than --low-speed-limit bytes/s for this many seconds (env PYTRACK_LOW_SPEED_TIME; default 30).", valueName: "s"))
    var lowSpeedTime: Double?

    @Option(name: .long, help: ArgumentHelp("Bytes per second below which a transfer counts as stalled (env PYTRACK_LOW_SPEED_LIMIT; default 1024).", valueName: "bytes"))
    var lowSpeedLimit: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds one API request (refs, revision, a tree page) may take in all (env PYTRACK_API_TIMEOUT; default 120).", valueName: "s"))
    var apiTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("Seconds one request may spend failing and waiting, server Retry-After included; a download that makes progress starts again (env PYTRACK_MAX_RETRY_TIME; default 600).", valueName: "s"))
    var maxRetryTime: Double?

    /// The limits and retry policy these options (and the environment) ask for.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (NetworkLimits, RetryPolicy) {
        func value(_ flag: Double?, _ name: String, _ env: String) throws -> Double? {
            if let flag {
                guard flag.isFinite, flag > 0 else { throw ValidationError("--\(name) must be a positive number of seconds") }
                return flag
            }
            guard let text = environment[env]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let v = Double(text), v.isFinite, v > 0 else { throw ValidationError("\(env)=\(text): expected a positive number of seconds") }
            return v
        }
        var limits = NetworkLimits()
        var retry = RetryPolicy()
        if let v = try value(connectTimeout, "connect-timeout", "PYTRACK_CONNECT_TIMEOUT") { limits.connectTimeout = v }
        if let v = try value(firstByteTimeout, "first-byte-timeout", "PYTRACK_FIRST_BYTE_TIMEOUT") { limits.firstByteTimeout = v }
        if let v = try value(lowSpeedTime, "low-speed-time", "PYTRACK_LOW_SPEED_TIME") { limits.lowSpeedTime = v }
        if let v = try value(lowSpeedLimit.map(Double.init), "low-speed-limit", "PYTRACK_LOW_SPEED_LIMIT") { limits.lowSpeedLimit = Int(v) }
        if let v = try value(apiTimeout, "api-timeout", "PYTRACK_API_TIMEOUT") { limits.apiTimeout = v }
        if let v = try value(maxRetryTime, "max-retry-time", "PYTRACK_MAX_RETRY_TIME") { retry.maxRetryTime = v }
        if let v = try value(nil, "", "PYTRACK_UNREACHABLE_RETRY_TIME") { retry.unreachableRetryTime = v }
        return (limits, retry)
    }
}
