import CCurl
import PyTrackContent
import Foundation
import PyTrackFormats

/// HTTP on one libcurl easy handle (connections are kept alive between calls). Not thread-safe: use one
/// per thread. Follows redirects itself and sends the bearer token (and endpoint credentials) only to
/// the authorized origin, so a redirect to another host (the CDN) never carries them. Speaks only
/// http and https. Retries 408/429/5xx and broken transfers within `RetryPolicy`'s time budget, saying
/// each retry through `notice`; every request is bounded by `NetworkLimits` (timeouts, body sizes).
public final class HTTPTransfer {
    /// A complete response held in memory (API calls; bounded by `maxBody`).
    public struct Response {
        public var status: Int
        /// Header names lowercased; the last value wins.
        public var headers: [String: String]
        public var body: Data
        /// The URL that answered (after redirects).
        public var url: String
    }

    /// What a download must be.
    public struct Expected: Sendable {
        public var size: Int64
        /// Lowercase hex sha256 (LFS files), if known.
        public var sha256: String?
        /// Lowercase hex git blob sha1 (regular files), if known.
        public var gitOID: String?
        public init(size: Int64, sha256: String? = nil, gitOID: String? = nil) {
            self.size = size
            self.sha256 = sha256
            self.gitOID = gitOID
        }
    }

    /// What a finished download did.
    public struct DownloadReport: Sendable {
        /// Bytes received over the network (all attempts).
        public var bytesReceived: Int64
        /// Bytes already on disk that a Range request continued from (first attempt).
        public var resumedFrom: Int64
        /// Attempts made (1 = no retry).
        public var attempts: Int
    }

    private let handle: UnsafeMutableRawPointer
    private let token: String?
    private let credentials: HubEnvironment.Credentials?
    private let authorizedOrigin: String?
    public let retry: RetryPolicy
    public let limits: NetworkLimits
    /// Receives one line per retry (what failed, attempt k of n, the wait), control characters escaped.
    public var notice: ((String) -> Void)?
    private let userAgent = "pytrack/0.1 (libcurl)"
    /// libcurl's detailed error text (CURLOPT_ERRORBUFFER).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK }()

    /// `token` and `credentials` go only to `authorizedOrigin` (`scheme://host:port`, see `origin(of:)`).
    public init(token: String? = nil, credentials: HubEnvironment.Credentials? = nil, authorizedOrigin: String? = nil,
                retry: RetryPolicy = RetryPolicy(), limits: NetworkLimits = NetworkLimits(), notice: ((String) -> Void)? = nil) throws {
        _ = HTTPTransfer.globalInit
        guard let h = curl_easy_init() else { throw HubError.transport(url: "-", curlCode: Int32(truncatingIfNeeded: CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed") }
        self.handle = h
        self.token = token
        self.credentials = credentials
        self.authorizedOrigin = authorizedOrigin
        self.retry = retry
        self.limits = limits
        self.notice = notice
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// `scheme://host:port` (port filled from the scheme), lowercased; nil if unparsable.
    public static func origin(of url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased() else { return nil }
        let port = c.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }

    // MARK: - Requests held in memory

    /// A request whose body is kept in memory (at most `maxBody` bytes, default `limits.maxAPIBytes`), the
    /// whole of each attempt within `limits.apiTimeout`. Follows redirects (dropping the token
    /// off-origin) and retries 408/429/5xx and transport errors within the retry budget; returns the
    /// final response, whatever its status.
    public func request(_ method: String = "GET", url: String, body: Data? = nil, headers: [String: String] = [:],
                        maxBody: Int? = nil) throws -> Response {
        let started = HTTPTransfer.now()
        var attempt = 0
        while true {
            attempt += 1
            let failure: String
            var unreachable = false
            var curlCode: Int32 = 0
            var retryHeaders: [String: String] = [:]
            do {
                let r = try performFollowing(method: method, url: url, body: body, headers: headers, maxBody: maxBody ?? limits.maxAPIBytes)
                guard RetryPolicy.isRetryable(status: r.status) else { return r }
                failure = "HTTP \(r.status)"
                retryHeaders = r.headers
            } catch HubError.transport(_, let code, let message) {
                failure = message
                curlCode = code
            } catch HubError.unreachable(_, let code, let message) {
                failure = message
                curlCode = code
                unreachable = true
            }
            switch retry.decide(attempt: attempt, elapsed: HTTPTransfer.now() - started, unreachable: unreachable, headers: retryHeaders) {
            case .retry(let wait):
                say(url: url, failure: failure, attempt: attempt, wait: wait)
                Thread.sleep(forTimeInterval: wait)
            case .giveUp(let why):
                if unreachable { throw HubError.unreachable(url: url, curlCode: curlCode, message: "\(failure), gave up \(why)") }
                throw HubError.gaveUp(url: url, failure: failure, reason: why)
            }
        }
    }

    /// Says a retry on `notice`: what failed, attempt k of n, the wait.
    private func say(url: String, failure: String, attempt: Int, wait: Double) {
        guard let notice else { return }
        notice(TerminalText.escaped("pytrack: retry: \(url): \(failure) (attempt \(attempt) of \(retry.maxAttempts) failed, waiting \(RetryPolicy.seconds(wait)) s)"))
    }

    /// curl results that mean the host is not there (no such name, connection refused): retried only
    /// for `RetryPolicy.unreachableRetryTime`.
    static func isUnreachable(_ code: CURLcode) -> Bool {
        [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT].contains(code)
    }

    /// curl results that no retry can change.
    static func isPermanent(_ code: CURLcode) -> Bool {
        [CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_NOT_BUILT_IN, CURLE_PEER_FAILED_VERIFICATION,
         CURLE_SSL_CACERT_BADFILE, CURLE_FILESIZE_EXCEEDED].contains(code)
    }

    private func performFollowing(method: String, url: String, body: Data?, headers: [String: String], maxBody: Int) throws -> Response {
        var current = url
        for _ in 0..<10 {
            let ctx = TransferContext(sink: .memory(limit: maxBody))
            let code = perform(method: method, url: current, body: body, headers: headers, context: ctx)
            if ctx.overflow { throw HubError.invalidResponse(url: current, reason: "answer larger than the \(maxBody)-byte limit for API answers") }
            if ctx.abort == .headersTooLong { throw HubError.invalidResponse(url: current, reason: "more than 256 KiB of response headers") }
            if code != CURLE_OK {
                let message = self.message(code, context: ctx)
                if HTTPTransfer.isPermanent(code) { throw HubError.invalidResponse(url: current, reason: message) }
                let curlCode = Int32(truncatingIfNeeded: code.rawValue)
                if HTTPTransfer.isUnreachable(code) { throw HubError.unreachable(url: current, curlCode: curlCode, message: message) }
                throw HubError.transport(url: current, curlCode: curlCode, message: message)
            }
            if [301, 302, 303, 307, 308].contains(ctx.status), method == "GET" || method == "HEAD" {
                current = try redirectTarget(from: current, headers: ctx.headers)
                continue
            }
            return Response(status: ctx.status, headers: ctx.headers, body: ctx.body, url: current)
        }
        throw HubError.redirect(url: url, reason: "more than 10 redirects")
    }

    private func redirectTarget(from url: String, headers: [String: String]) throws -> String {
        guard let loc = headers["location"], !loc.isEmpty else { throw HubError.redirect(url: url, reason: "redirect without Location") }
        guard let base = URL(string: url), let target = URL(string: loc, relativeTo: base)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HubError.redirect(url: url, reason: "unusable redirect Location '\(loc.prefix(200))' (only http and https are followed)")
        }
        return target.absoluteString
    }

    // MARK: - Downloads to a file

    /// Downloads `url` into `file` (normally `blobs/<etag>.incomplete`), continuing from the bytes already
    /// there with `Range: bytes=N-` (a 200 answer restarts from zero), following redirects, retrying
    /// 408/429/5xx and broken transfers with backoff within the retry budget, hashing while receiving.
    /// Returns when `file` holds exactly `expected.size` bytes with the expected hashes. Never writes a
    /// byte past `expected.size`: a longer body is corrupt (the file is emptied) and retried once, then
    /// given up on. On a hash mismatch the file is emptied and the download retried. When it gives up
    /// on corrupt data, cannot write (disk full, file size limit) or fails before a byte arrived, `file`
    /// is removed; bytes received before transport failures are kept for the next run to resume.
    /// Memory stays bounded (libcurl's buffer plus the hash state).
    @discardableResult
    public func download(url: String, to file: URL, expected: Expected,
                         progress: ((Int64) -> Void)? = nil) throws -> DownloadReport {
        let path = file.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw HubError.cache(path: path, reason: "cannot open for writing: \(String(cString: strerror(code)))", errno: code)
        }
        defer { close(fd) }
        do {
            return try download(url: url, fd: fd, path: path, expected: expected, progress: progress)
        } catch {
            // Giving up: a partial file with nothing worth resuming (empty, corrupt, unwritable) goes.
            var st = stat()
            if fstat(fd, &st) == 0 && st.st_size == 0 { unlink(path) }
            throw error
        }
    }

    private func download(url: String, fd: Int32, path: String, expected: Expected,
                          progress: ((Int64) -> Void)?) throws -> DownloadReport {
        /// Empties the partial file (so that it is removed) and returns `error` to throw.
        func discard(_ error: HubError) -> HubError {
            ftruncate(fd, 0)
            return error
        }
        var report = DownloadReport(bytesReceived: 0, resumedFrom: -1, attempts: 0)
        var hashers = Hashers()
        var hashed: Int64 = 0
        var budgetStart = HTTPTransfer.now()
        var oversized = 0
        while true {
            report.attempts += 1
            // Where we stand on disk; re-hash it when our running state does not cover it.
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw HubError.cache(path: path, reason: "stat failed") }
            var offset = Int64(st.st_size)
            if offset > expected.size { offset = 0; ftruncate(fd, 0) }
            if offset != hashed || offset == 0 {
                hashers = Hashers()
                if expected.sha256 == nil && expected.gitOID != nil { hashers.startGitBlob(size: expected.size) }
                hashed = try HTTPTransfer.hashPrefix(fd: fd, length: offset, into: &hashers, path: path)
            }
            if report.resumedFrom < 0 {
                report.resumedFrom = offset
                // Refuse at once what cannot fit, rather than fill the disk and fail at the end.
                var fs = statvfs()
                if fstatvfs(fd, &fs) == 0 {
                    let free = Int64(fs.f_bavail).multipliedReportingOverflow(by: Int64(fs.f_frsize))
                    if !free.overflow && expected.size - offset > free.partialValue {
                        throw HubError.cache(path: path, reason: "needs \(SyncProgress.bytes(expected.size - offset)) more, only \(SyncProgress.bytes(free.partialValue)) free on its file system")
                    }
                }
            }
            // What went wrong in this attempt, if anything; `corrupt` ones leave nothing worth keeping.
            var failure: (error: HubError, text: String, headers: [String: String], corrupt: Bool)?
            if offset == expected.size {
                guard let error = verify(&hashers, expected: expected, path: path) else { return report }
                ftruncate(fd, 0); hashed = 0
                failure = (error, "\(error)", [:], true)
            } else {
                guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw HubError.cache(path: path, reason: "seek failed") }
                let ctx = TransferContext(sink: .file(fd: fd, offset: offset))
                ctx.hashers = hashers
                ctx.expectedSize = expected.size
                ctx.progress = progress
                var current = url
                var code = CURLE_OK
                var redirects = 0
                while true {
                    ctx.resetForResponse()
                    code = perform(method: "GET", url: current, body: nil,
                                   headers: offset > 0 ? ["Range": "bytes=\(offset)-"] : [:], context: ctx)
                    if ctx.abort == .errorBodyTooLong { code = CURLE_OK }  // we stopped reading an error page
                    if code == CURLE_OK, [301, 302, 303, 307, 308].contains(ctx.status) {
                        redirects += 1
                        if redirects > 10 { throw HubError.redirect(url: url, reason: "more than 10 redirects") }
                        current = try redirectTarget(from: current, headers: ctx.headers)
                        continue
                    }
                    break
                }
                hashers = ctx.hashers
                hashed = ctx.position
                report.bytesReceived += ctx.received
                if ctx.received > 0 { budgetStart = HTTPTransfer.now() }  // progress: a fresh retry budget
                let status = ctx.status
                switch ctx.abort {
                case .oversize?:
                    oversized += 1
                    ftruncate(fd, 0); hashed = 0
                    let error = HubError.oversize(path: path, expected: expected.size)
                    if oversized >= 2 { throw discard(error) }
                    failure = (error, "body longer than the declared \(expected.size) bytes", [:], true)
                case .writeFailed(let err)?:
                    throw discard(.cache(path: path, reason: "cannot write the download at byte \(ctx.position) of \(expected.size): \(String(cString: strerror(err)))\(err == EFBIG || err == ENOSPC || err == EDQUOT ? " (disk full or file size limit)" : ""); the partial file was removed", errno: err))
                case .badRange(let reason)?:
                    throw HubError.invalidResponse(url: current, reason: reason)
                case .headersTooLong?:
                    throw HubError.invalidResponse(url: current, reason: "more than 256 KiB of response headers")
                case .firstByteTimeout?, .errorBodyTooLong?, nil:
                    if code != CURLE_OK {
                        let message = self.message(code, context: ctx)
                        if HTTPTransfer.isPermanent(code) { throw HubError.invalidResponse(url: current, reason: message) }
                        let curlCode = Int32(truncatingIfNeeded: code.rawValue)
                        let error: HubError = HTTPTransfer.isUnreachable(code) ? .unreachable(url: current, curlCode: curlCode, message: message)
                                                                               : .transport(url: current, curlCode: curlCode, message: message)
                        failure = (error, message, [:], false)
                    } else if status == 200 || status == 206 {
                        if ctx.position != expected.size {
                            failure = (HubError.sizeMismatch(path: path, expected: expected.size, actual: ctx.position),
                                       "body ended at byte \(ctx.position) of \(expected.size)", ctx.headers, false)
                        } else if let error = verify(&hashers, expected: expected, path: path) {
                            ftruncate(fd, 0); hashed = 0
                            failure = (error, "\(error)", ctx.headers, true)
                        } else {
                            return report
                        }
                    } else if status == 416 {  // our offset is past the end: start over
                        ftruncate(fd, 0); hashed = 0
                        failure = (HubError.http(url: current, status: 416, code: nil), "HTTP 416", ctx.headers, false)
                    } else if RetryPolicy.isRetryable(status: status) {
                        let errorCode = ctx.headers["x-error-code"]
                        failure = (HubError.http(url: current, status: status, code: errorCode), "HTTP \(status)", ctx.headers, false)
                    } else {
                        throw HTTPTransfer.error(status: status, code: ctx.headers["x-error-code"], url: current)
                    }
                }
            }
            guard let failure else { continue }
            let unreachable: Bool
            if case .unreachable = failure.error { unreachable = true } else { unreachable = false }
            switch retry.decide(attempt: report.attempts, elapsed: HTTPTransfer.now() - budgetStart,
                                unreachable: unreachable, headers: failure.headers) {
            case .retry(let wait):
                say(url: url, failure: failure.text, attempt: report.attempts, wait: wait)
                Thread.sleep(forTimeInterval: wait)
            case .giveUp(let why):
                if unreachable {
                    throw HubError.unreachable(url: url, curlCode: failure.error.curlCode ?? 0, message: "\(failure.text), gave up \(why)")
                }
                if failure.corrupt {
                    throw discard(.gaveUp(url: url, failure: "\(failure.error)", reason: "\(why); the partial file was removed"))
                }
                throw HubError.gaveUp(url: url, failure: "\(failure.error)", reason: why)
            }
        }
    }

    /// Maps a final non-success status to a `HubError` (X-Error-Code first).
    static func error(status: Int, code: String?, url: String, repo: String? = nil, revision: String? = nil, path: String? = nil) -> HubError {
        switch code {
        case "RepoNotFound": return .repoNotFound(repo: repo ?? url)
        case "RevisionNotFound": return .revisionNotFound(repo: repo ?? url, revision: revision ?? "?")
        case "EntryNotFound": return .entryNotFound(repo: repo ?? url, revision: revision ?? "?", path: path ?? "?")
        case "GatedRepo": return .gated(repo: repo ?? url, status: status)
        default:
            if status == 401 || status == 403 { return .gated(repo: repo ?? url, status: status) }
            return .http(url: url, status: status, code: code)
        }
    }

    private func verify(_ hashers: inout Hashers, expected: Expected, path: String) -> HubError? {
        let (sha256, sha1) = hashers.finalize()
        if let want = expected.sha256?.lowercased(), want != sha256 {
            return .hashMismatch(path: path, expected: want, actual: sha256)
        }
        if expected.sha256 == nil, let want = expected.gitOID?.lowercased(), let sha1, want != sha1 {
            return .hashMismatch(path: path, expected: want, actual: sha1)
        }
        return nil
    }

    private static func hashPrefix(fd: Int32, length: Int64, into hashers: inout Hashers, path: String) throws -> Int64 {
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(chunk), length - done))
            let n = pread(fd, buffer, want, off_t(done))
            guard n > 0 else { throw HubError.cache(path: path, reason: "read failed while re-hashing a partial download") }
            hashers.update(UnsafeRawBufferPointer(start: buffer, count: n))
            done += Int64(n)
        }
        return done
    }

    // MARK: - libcurl

    private func perform(method: String, url: String, body: Data?, headers: [String: String], context: TransferContext) -> CURLcode {
        let h = handle
        curl_easy_reset(h)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var all = headers
        all["Accept-Encoding"] = "identity"
        let onOrigin = HTTPTransfer.origin(of: url).map { $0 == authorizedOrigin } ?? false
        if let token, onOrigin {
            all["Authorization"] = "Bearer \(token)"
        }
        for (k, v) in all { list = curl_slist_append(list, "\(k): \(v)") }
        defer { curl_slist_free_all(list) }
        _ = pytrack_curl_setopt_str(h, CURLOPT_URL, url)
        // http and https only, on every request and every redirect libcurl might follow.
        _ = pytrack_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = pytrack_curl_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = pytrack_curl_setopt_str(h, CURLOPT_USERAGENT, userAgent)
        _ = pytrack_curl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        if let credentials, onOrigin, token == nil {
            _ = pytrack_curl_setopt_str(h, CURLOPT_USERNAME, credentials.user)
            _ = pytrack_curl_setopt_str(h, CURLOPT_PASSWORD, credentials.password)
        }
        _ = pytrack_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = pytrack_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = pytrack_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, HTTPTransfer.milliseconds(limits.connectTimeout))
        _ = pytrack_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, max(1, limits.lowSpeedLimit))
        _ = pytrack_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.lowSpeedTime.rounded(.up))))
        if case .memory = context.sink {
            _ = pytrack_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, HTTPTransfer.milliseconds(limits.apiTimeout))
        }
        _ = pytrack_curl_setopt_long(h, CURLOPT_BUFFERSIZE, 512 * 1024)
        errorBuffer[0] = 0
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer)
        switch method {
        case "GET": _ = pytrack_curl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = pytrack_curl_setopt_long(h, CURLOPT_NOBODY, 1)
        default: _ = pytrack_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        }
        context.firstByteDeadline = HTTPTransfer.now() + limits.firstByteTimeout
        context.firstByteTimeout = limits.firstByteTimeout
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        let ptr = unmanaged.toOpaque()
        _ = pytrack_curl_setopt_datacb(h, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_WRITEDATA, ptr)
        _ = pytrack_curl_setopt_datacb(h, CURLOPT_HEADERFUNCTION, curlHeader)
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_HEADERDATA, ptr)
        _ = pytrack_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        _ = pytrack_curl_setopt_xfercb(h, CURLOPT_XFERINFOFUNCTION, curlProgress)
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_XFERINFODATA, ptr)
        if let body {
            return body.withUnsafeBytes { raw -> CURLcode in
                _ = pytrack_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                _ = pytrack_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                return curl_easy_perform(h)
            }
        }
        return curl_easy_perform(h)
    }

    /// One line for a failed perform: our own timeout, else libcurl's detailed text, with the curl code.
    private func message(_ code: CURLcode, context: TransferContext) -> String {
        if context.abort == .firstByteTimeout {
            return "no answer within \(RetryPolicy.seconds(context.firstByteTimeout)) s (--first-byte-timeout) (curl \(code.rawValue))"
        }
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !detail.isEmpty else { return HTTPTransfer.message(code) }
        return TerminalText.escaped(detail) + " (curl \(code.rawValue))"
    }

    static func message(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code)) + " (curl \(code.rawValue))"
    }

    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// Running sha256 (and git blob sha1) of a download.
struct Hashers {
    var sha256 = ContentDigest(.sha256)
    var sha1: ContentDigest?

    mutating func startGitBlob(size: Int64) {
        let s = ContentDigest(.sha1)
        s.update("blob \(size)\0")
        sha1 = s
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        sha256.update(bytes)
        sha1?.update(bytes)
    }

    func finalize() -> (String, String?) {
        (sha256.finalize(), sha1?.finalize())
    }
}

/// State of one libcurl perform, reached from the C callbacks through an opaque pointer.
final class TransferContext {
    enum Sink {
        case memory(limit: Int)
        case file(fd: Int32, offset: Int64)
    }

    /// Why our callbacks stopped a transfer.
    enum Abort: Equatable {
        /// The body went past the declared size (nothing past it was written).
        case oversize
        /// write() failed with this errno (disk full, file size limit, ...).
        case writeFailed(Int32)
        /// A 206 whose Content-Range does not continue our file.
        case badRange(String)
        /// No byte of an answer within the first-byte timeout.
        case firstByteTimeout
        /// An error page longer than we keep (the status is all we need).
        case errorBodyTooLong
        /// More than 256 KiB of headers in one answer.
        case headersTooLong
    }

    let sink: Sink
    var status = 0
    var headers: [String: String] = [:]
    var body = Data()
    var overflow = false
    var abort: Abort?
    /// Set by `perform`: when the first byte of an answer must have arrived.
    var firstByteDeadline = Double.infinity
    var firstByteTimeout = 0.0
    var gotFirstByte = false
    var headerBytes = 0
    var hashers = Hashers()
    var position: Int64 = 0
    var received: Int64 = 0
    var progress: ((Int64) -> Void)?
    private var firstBody = true

    init(sink: Sink) {
        self.sink = sink
        if case .file(_, let offset) = sink { position = offset }
    }

    func resetForResponse() {
        status = 0
        headers = [:]
        body = Data()
        firstBody = true
        abort = nil
        gotFirstByte = false
        headerBytes = 0
    }

    /// Called by libcurl about once a second and on progress: false stops the transfer.
    func keepGoing() -> Bool {
        if !gotFirstByte && HTTPTransfer.now() > firstByteDeadline {
            abort = .firstByteTimeout
            return false
        }
        return true
    }

    /// Returns false (stop the transfer) once the headers of one answer pass 256 KiB.
    func header(_ line: String) -> Bool {
        gotFirstByte = true
        headerBytes += line.utf8.count
        guard headerBytes <= 256 * 1024 else { abort = .headersTooLong; return false }
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
            return true
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        let name = trimmed[..<colon].lowercased()
        headers[name] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return true
    }

    /// Returns the number of bytes consumed; anything else makes libcurl abort the transfer.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch sink {
        case .memory(let limit):
            guard body.count + bytes.count <= limit else { overflow = true; return 0 }
            body.append(bytes.bindMemory(to: UInt8.self))
            return bytes.count
        case .file(let fd, _):
            guard status == 200 || status == 206 else {
                guard body.count + bytes.count <= 64 * 1024 else { abort = .errorBodyTooLong; return 0 }
                body.append(bytes.bindMemory(to: UInt8.self))
                return bytes.count
            }
            if firstBody {
                firstBody = false
                if status == 200 && position != 0 {
                    // A full body although we asked for a range: start over from byte 0.
                    guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { abort = .writeFailed(errno); return 0 }
                    position = 0
                    let git = hashers.sha1 != nil
                    hashers = Hashers()
                    if git { hashers.startGitBlob(size: expectedSize) }
                }
                if status == 206 {
                    let start = headers["content-range"].flatMap { HTTPTransferRange.start(of: $0) }
                    guard start == position else {
                        abort = .badRange("Content-Range \(headers["content-range"] ?? "none") does not start at \(position)")
                        return 0
                    }
                }
                // A declared length past the expected size is oversize before a byte is written.
                if let length = headers["content-length"].flatMap({ Int64($0) }), length > expectedSize - position {
                    abort = .oversize
                    return 0
                }
            }
            guard Int64(bytes.count) <= expectedSize - position else { abort = .oversize; return 0 }
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    abort = .writeFailed(errno)
                    return 0
                }
                done += n
            }
            hashers.update(bytes)
            position += Int64(bytes.count)
            received += Int64(bytes.count)
            progress?(position)
            return bytes.count
        }
    }

    /// The declared size: no byte past it is written (also restarts the git blob hash after a
    /// 200-instead-of-206).
    var expectedSize: Int64 = 0
}

/// Parses `Content-Range: bytes A-B/T`.
enum HTTPTransferRange {
    static func start(of header: String) -> Int64? {
        let s = header.trimmingCharacters(in: .whitespaces)
        guard s.hasPrefix("bytes ") else { return nil }
        let rest = s.dropFirst(6)
        guard let dash = rest.firstIndex(of: "-") else { return nil }
        return Int64(rest[..<dash])
    }
}

private let curlWrite: pytrack_curl_data_cb = { data, size, count, user in
    guard let user else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let (n, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow else { return 0 }
    guard n > 0, let data else { return n }
    return ctx.write(UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: n))
}

private let curlProgress: pytrack_curl_xfer_cb = { user, _, _, _, _ in
    guard let user else { return 0 }
    return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue().keepGoing() ? 0 : 1
}

private let curlHeader: pytrack_curl_data_cb = { data, size, count, user in
    guard let user else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let (n, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow else { return 0 }
    guard n > 0, let data else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: n), as: UTF8.self)
    return ctx.header(line) ? n : 0
}
