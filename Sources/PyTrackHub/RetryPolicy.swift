import Foundation

/// When and how long to wait before retrying a request: exponential backoff with a cap, overridden by
/// the server's `Retry-After` or `RateLimit: "api";r=0;t=N` header.
public struct RetryPolicy: Sendable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    /// First backoff delay, seconds; doubled on each retry.
    public var baseDelay: Double
    /// Largest backoff delay, seconds.
    public var maxDelay: Double
    /// Largest delay accepted from a server header, seconds.
    public var maxServerDelay: Double

    public init(maxAttempts: Int = 8, baseDelay: Double = 0.25, maxDelay: Double = 30, maxServerDelay: Double = 300) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxServerDelay = maxServerDelay
    }

    /// True for statuses worth retrying: 408, 429 and 5xx.
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || (500...599).contains(status) }

    /// The delay before retry number `attempt` (1 = first retry), honouring server headers
    /// (keys lowercased).
    public func delay(attempt: Int, headers: [String: String]) -> Double {
        if let server = RetryPolicy.serverDelay(headers: headers) { return min(server, maxServerDelay) }
        let exp = baseDelay * pow(2, Double(max(0, attempt - 1)))
        return min(exp, maxDelay)
    }

    /// Seconds asked for by `Retry-After` (delta seconds) or `RateLimit` (`t=`), if any.
    public static func serverDelay(headers: [String: String]) -> Double? {
        if let ra = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), let s = Double(ra), s >= 0 {
            return s
        }
        if let rl = headers["ratelimit"] {
            for part in rl.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let kv = part.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix("t="), let s = Double(kv.dropFirst(2)), s >= 0 { return s }
            }
        }
        return nil
    }
}
