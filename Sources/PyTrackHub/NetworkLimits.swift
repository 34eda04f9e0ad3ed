import Foundation

/// Timeouts and size limits of every hub request, so that a slow, silent or hostile server costs
/// bounded time and memory. Defaults are in docs/security.md ("Hostile hub"); the CLI sets them from
/// flags, else `PYTRACK_*` environment variables.
public struct NetworkLimits: Sendable, Equatable {
    /// Seconds to establish a TCP (and TLS) connection (`--connect-timeout`).
    public var connectTimeout: Double
    /// Seconds from sending a request to the first byte of the answer (`--first-byte-timeout`).
    public var firstByteTimeout: Double
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds is aborted
    /// (`--low-speed-limit`, `--low-speed-time`); headers followed by silence end the same way.
    public var lowSpeedLimit: Int
    public var lowSpeedTime: Double
    /// Seconds one API request (refs, revision, one tree page) may take in all (`--api-timeout`).
    public var apiTimeout: Double
    /// Largest API answer held in memory, bytes.
    public var maxAPIBytes: Int
    /// Most entries (files and folders, or branches) one listing may have, across all its pages.
    public var maxListingEntries: Int
    /// Most pages one listing may have.
    public var maxPages: Int

    public init(connectTimeout: Double = 10, firstByteTimeout: Double = 30, lowSpeedLimit: Int = 1024, lowSpeedTime: Double = 30,
                apiTimeout: Double = 120, maxAPIBytes: Int = 8 << 20, maxListingEntries: Int = 100_000, maxPages: Int = 1000) {
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.apiTimeout = apiTimeout
        self.maxAPIBytes = maxAPIBytes
        self.maxListingEntries = maxListingEntries
        self.maxPages = maxPages
    }
}
