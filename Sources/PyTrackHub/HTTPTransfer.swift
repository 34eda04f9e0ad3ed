import CCurl
import Crypto
import Foundation

/// HTTP on one libcurl easy handle (connections are kept alive between calls). Not thread-safe: use one
/// per thread. Follows redirects itself and sends the bearer token only to the authorized origin, so
/// a redirect to another host (the CDN) never carries it. Retries 408/429/5xx and broken transfers.
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
    private let authorizedOrigin: String?
    public let retry: RetryPolicy
    private let userAgent = "pytrack/0.1 (libcurl)"

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK }()

    /// `token` goes only to `authorizedOrigin` (`scheme://host:port`, see `origin(of:)`).
    public init(token: String? = nil, authorizedOrigin: String? = nil, retry: RetryPolicy = RetryPolicy()) throws {
        _ = HTTPTransfer.globalInit
        guard let h = curl_easy_init() else { throw HubError.transport(url: "-", message: "curl_easy_init failed") }
        self.handle = h
        self.token = token
        self.authorizedOrigin = authorizedOrigin
        self.retry = retry
    }

    deinit { curl_easy_cleanup(handle) }

    /// `scheme://host:port` (port filled from the scheme), lowercased; nil if unparsable.
    public static func origin(of url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased() else { return nil }
        let port = c.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }

    // MARK: - Requests held in memory

    /// A request whose body is kept in memory (at most `maxBody` bytes). Follows redirects (dropping the
    /// token off-origin) and retries 408/429/5xx and transport errors; returns the final response,
    /// whatever its status.
    public func request(_ method: String = "GET", url: String, body: Data? = nil, headers: [String: String] = [:],
                        maxBody: Int = 64 << 20) throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let r = try performFollowing(method: method, url: url, body: body, headers: headers, maxBody: maxBody)
                if RetryPolicy.isRetryable(status: r.status) && attempt < retry.maxAttempts {
                    Thread.sleep(forTimeInterval: retry.delay(attempt: attempt, headers: r.headers))
                    continue
                }
                return r
            } catch let error as HubError {
                guard case .transport = error, attempt < retry.maxAttempts else { throw error }
                Thread.sleep(forTimeInterval: retry.delay(attempt: attempt, headers: [:]))
            }
        }
    }

    private func performFollowing(method: String, url: String, body: Data?, headers: [String: String], maxBody: Int) throws -> Response {
        var current = url
        for _ in 0..<10 {
            let ctx = TransferContext(sink: .memory(limit: maxBody))
            let code = perform(method: method, url: current, body: body, headers: headers, context: ctx)
            if ctx.overflow { throw HubError.invalidResponse(url: current, reason: "body larger than \(maxBody) bytes") }
            if code != CURLE_OK { throw HubError.transport(url: current, message: HTTPTransfer.message(code)) }
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
            throw HubError.redirect(url: url, reason: "unusable redirect Location")
        }
        return target.absoluteString
    }

    // MARK: - Downloads to a file

    /// Downloads `url` into `file` (normally `blobs/<etag>.incomplete`), continuing from the bytes already
    /// there with `Range: bytes=N-` (a 200 answer restarts from zero), following redirects, retrying
    /// 408/429/5xx and broken transfers with backoff, hashing while receiving. Returns when `file` holds
    /// exactly `expected.size` bytes with the expected hashes; on a hash mismatch the file is deleted and
    /// the download retried. Memory stays bounded (libcurl's buffer plus the hash state).
    @discardableResult
    public func download(url: String, to file: URL, expected: Expected,
                         progress: ((Int64) -> Void)? = nil) throws -> DownloadReport {
        let path = file.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HubError.cache(path: path, reason: "cannot open for writing: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var report = DownloadReport(bytesReceived: 0, resumedFrom: -1, attempts: 0)
        var hashers = Hashers()
        var hashed: Int64 = 0
        var lastHeaders: [String: String] = [:]
        var lastError: HubError?
        while report.attempts < retry.maxAttempts {
            report.attempts += 1
            if report.attempts > 1 {
                Thread.sleep(forTimeInterval: retry.delay(attempt: report.attempts - 1, headers: lastHeaders))
            }
            lastHeaders = [:]
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
            if report.resumedFrom < 0 { report.resumedFrom = offset }
            if offset == expected.size {
                if let error = verify(&hashers, expected: expected, path: path) {
                    lastError = error
                    ftruncate(fd, 0); hashed = 0
                    continue
                }
                return report
            }
            guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw HubError.cache(path: path, reason: "seek failed") }
            let ctx = TransferContext(sink: .file(fd: fd, offset: offset))
            ctx.hashers = hashers
            ctx.expectedGitSize = expected.size
            ctx.progress = progress
            var current = url
            var code = CURLE_OK
            var redirects = 0
            while true {
                ctx.resetForResponse()
                code = perform(method: "GET", url: current, body: nil,
                               headers: offset > 0 ? ["Range": "bytes=\(offset)-"] : [:], context: ctx)
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
            if let failure = ctx.failure { throw failure }
            lastHeaders = ctx.headers
            let status = ctx.status
            if code != CURLE_OK || status == 200 || status == 206 {
                if code != CURLE_OK {
                    lastError = HubError.transport(url: current, message: HTTPTransfer.message(code))
                    continue  // resume from what reached the disk
                }
                if ctx.position != expected.size {
                    lastError = HubError.sizeMismatch(path: path, expected: expected.size, actual: ctx.position)
                    if ctx.position > expected.size { ftruncate(fd, 0); hashed = 0 }
                    continue
                }
                if let error = verify(&hashers, expected: expected, path: path) {
                    lastError = error
                    ftruncate(fd, 0); hashed = 0
                    continue
                }
                return report
            }
            if status == 416 {  // our offset is past the end: start over
                ftruncate(fd, 0); hashed = 0
                lastError = HubError.http(url: current, status: 416, code: nil)
                continue
            }
            let errorCode = ctx.headers["x-error-code"]
            if RetryPolicy.isRetryable(status: status) {
                lastError = HubError.http(url: current, status: status, code: errorCode)
                continue
            }
            throw HTTPTransfer.error(status: status, code: errorCode, url: current)
        }
        throw lastError ?? HubError.transport(url: url, message: "gave up")
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
        if let token, let origin = HTTPTransfer.origin(of: url), origin == authorizedOrigin {
            all["Authorization"] = "Bearer \(token)"
        }
        for (k, v) in all { list = curl_slist_append(list, "\(k): \(v)") }
        defer { curl_slist_free_all(list) }
        _ = pytrack_curl_setopt_str(h, CURLOPT_URL, url)
        _ = pytrack_curl_setopt_str(h, CURLOPT_USERAGENT, userAgent)
        _ = pytrack_curl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        _ = pytrack_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = pytrack_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = pytrack_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = pytrack_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = pytrack_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, 60)
        _ = pytrack_curl_setopt_long(h, CURLOPT_BUFFERSIZE, 512 * 1024)
        switch method {
        case "GET": _ = pytrack_curl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = pytrack_curl_setopt_long(h, CURLOPT_NOBODY, 1)
        default: _ = pytrack_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        }
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        let ptr = unmanaged.toOpaque()
        _ = pytrack_curl_setopt_datacb(h, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_WRITEDATA, ptr)
        _ = pytrack_curl_setopt_datacb(h, CURLOPT_HEADERFUNCTION, curlHeader)
        _ = pytrack_curl_setopt_ptr(h, CURLOPT_HEADERDATA, ptr)
        if let body {
            return body.withUnsafeBytes { raw -> CURLcode in
                _ = pytrack_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                _ = pytrack_curl_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                return curl_easy_perform(h)
            }
        }
        return curl_easy_perform(h)
    }

    static func message(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code)) + " (curl \(code.rawValue))"
    }
}

/// Running sha256 (and git blob sha1) of a download.
struct Hashers {
    var sha256 = SHA256()
    var sha1: Insecure.SHA1?

    mutating func startGitBlob(size: Int64) {
        var s = Insecure.SHA1()
        s.update(data: Array("blob \(size)\0".utf8))
        sha1 = s
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        sha256.update(bufferPointer: bytes)
        sha1?.update(bufferPointer: bytes)
    }

    func finalize() -> (String, String?) {
        (HubCache.hex(sha256.finalize()), sha1.map { HubCache.hex($0.finalize()) })
    }
}

/// State of one libcurl perform, reached from the C callbacks through an opaque pointer.
final class TransferContext {
    enum Sink {
        case memory(limit: Int)
        case file(fd: Int32, offset: Int64)
    }

    let sink: Sink
    var status = 0
    var headers: [String: String] = [:]
    var body = Data()
    var overflow = false
    var hashers = Hashers()
    var position: Int64 = 0
    var received: Int64 = 0
    var failure: HubError?
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
    }

    func header(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].lowercased()
        headers[name] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
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
                if body.count < 64 * 1024 { body.append(bytes.bindMemory(to: UInt8.self)) }
                return bytes.count
            }
            if firstBody {
                firstBody = false
                if status == 200 && position != 0 {
                    // A full body although we asked for a range: start over from byte 0.
                    guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
                        failure = .cache(path: "download", reason: "cannot truncate for restart"); return 0
                    }
                    position = 0
                    let git = hashers.sha1 != nil
                    hashers = Hashers()
                    if git { hashers.startGitBlob(size: expectedGitSize) }
                }
                if status == 206 {
                    let start = headers["content-range"].flatMap { HTTPTransferRange.start(of: $0) }
                    guard start == position else {
                        failure = .invalidResponse(url: "range", reason: "Content-Range \(headers["content-range"] ?? "none") does not start at \(position)")
                        return 0
                    }
                }
            }
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .cache(path: "download", reason: "write failed: \(String(cString: strerror(errno)))")
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

    /// Size used to restart the git blob hash after a 200-instead-of-206.
    var expectedGitSize: Int64 = 0
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

private let curlHeader: pytrack_curl_data_cb = { data, size, count, user in
    guard let user else { return 0 }
    let ctx = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let (n, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow else { return 0 }
    guard n > 0, let data else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: n), as: UTF8.self)
    ctx.header(line)
    return n
}
