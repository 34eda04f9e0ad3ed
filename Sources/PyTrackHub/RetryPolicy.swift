import Foundation

/// When and how long to wait before retrying a request: exponential backoff with a cap, overridden by
/// the server's `Retry-After` or `RateLimit: "api";r=0;t=N` header, within a total time budget per
/// request (attempts and waits together), shorter when the host cannot be reached at all.
public struct RetryPolicy: Sendable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    /// First backoff delay, seconds; doubled on each retry.
    public var baseDelay: Double
    /// Largest backoff delay, seconds.
    public var maxDelay: Double
    /// Largest delay accepted from a server header, seconds; a server asking for more is given up on.
    public var maxServerDelay: Double
    /// Total seconds one request may spend failing and waiting before it is given up on
    /// (`--max-retry-time`). A download that makes progress starts its budget again.
    public var maxRetryTime: Double
    /// Total seconds spent retrying when the host's name does not resolve or the connection is refused.
    public var unreachableRetryTime: Double

    public init(maxAttempts: Int = 8, baseDelay: Double = 0.25, maxDelay: Double = 30, maxServerDelay: Double = 300,
                maxRetryTime: Double = 600, unreachableRetryTime: Double = 10) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxServerDelay = maxServerDelay
        self.maxRetryTime = maxRetryTime
        self.unreachableRetryTime = unreachableRetryTime
    }

    /// What to do after a failed attempt.
    public enum Decision: Equatable, Sendable {
        /// Wait this many seconds, then try again.
        case retry(after: Double)
        /// Stop; the text says why (it completes "gave up ...").
        case giveUp(String)
    }

    /// True for statuses worth retrying: 408, 429 and 5xx.
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || (500...599).contains(status) }

    /// The delay before retry number `attempt` (1 = first retry), honouring server headers
    /// (keys lowercased), capped at `maxServerDelay`.
    public func delay(attempt: Int, headers: [String: String]) -> Double {
        if let server = RetryPolicy.serverDelay(headers: headers) { return min(server, maxServerDelay) }
        let exp = baseDelay * pow(2, Double(max(0, attempt - 1)))
        return min(exp, maxDelay)
    }

    /// Whether to retry after failed attempt number `attempt` (1 = the first), `elapsed` seconds into the
    /// request's budget. `unreachable`: the name did not resolve or the connection was refused.
    public func decide(attempt: Int, elapsed: Double, unreachable: Bool = false, headers: [String: String] = [:]) -> Decision {
        let spent = "after \(attempt) attempt\(attempt == 1 ? "" : "s") in \(RetryPolicy.seconds(elapsed)) s"
        guard attempt < maxAttempts else { return .giveUp(spent) }
        let budget = unreachable ? min(unreachableRetryTime, maxRetryTime) : maxRetryTime
        if let server = RetryPolicy.serverDelay(headers: headers) {
            if server > maxServerDelay {
                return .giveUp("\(spent): the server asked to wait \(RetryPolicy.seconds(server)) s, more than the \(RetryPolicy.seconds(maxServerDelay)) s accepted")
            }
            if elapsed + server > budget {
                return .giveUp("\(spent): the server asked to wait \(RetryPolicy.seconds(server)) s, past the \(RetryPolicy.seconds(budget)) s retry time (--max-retry-time)")
            }
            return .retry(after: server)
        }
        let wait = delay(attempt: attempt, headers: [:])
        if elapsed + wait > budget {
            return .giveUp("\(spent) (retry time \(RetryPolicy.seconds(budget)) s\(unreachable ? " for an unreachable host" : ", --max-retry-time"))")
        }
        return .retry(after: wait)
    }

    /// Seconds asked for by `Retry-After` (delta seconds) or `RateLimit` (`t=`), if any.
    public static func serverDelay(headers: [String: String]) -> Double? {
        if let ra = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), let s = Double(ra), s >= 0, s.isFinite {
            return s
        }
        if let rl = headers["ratelimit"] {
            for part in rl.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let kv = part.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix("t="), let s = Double(kv.dropFirst(2)), s >= 0, s.isFinite { return s }
            }
        }
        return nil
    }

    /// `1.5`-style seconds for messages.
    static func seconds(_ s: Double) -> String {
        if s == s.rounded() && abs(s) < 1e9 { return String(Int(s)) }
        var t = String(format: abs(s) < 10 ? "%.2f" : "%.1f", s)
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
