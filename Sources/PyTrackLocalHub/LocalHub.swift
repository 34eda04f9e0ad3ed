import Foundation

/// A local Hugging Face hub in-process: serves a folder laid out as `<org>/<name>/<revision>/<files>`
/// over HTTP/1.1 on 127.0.0.1 with the parts of the hub protocol `pytrack sync` speaks (DESIGN.md,
/// "The hub protocol"), on two listeners:
///
/// - the API listener (`endpoint`): `GET /api/models/{repo}/refs`, `/revision/{rev}`,
///   `/tree/{rev}[/{dir}]?recursive=1[&cursor=N]` (pages of `pageSize` entries, `Link: rel="next"`),
///   and `HEAD/GET /{repo}/resolve/{rev}/{path}`: regular files directly (`ETag` = git oid,
///   `X-Repo-Commit`), LFS files (`.safetensors`, `.bin`, ...) as a `302` to the CDN listener with
///   `X-Repo-Commit`, `X-Linked-Etag` (sha256), `X-Linked-Size` and `ETag`;
/// - the CDN listener (`cdnBase`, host `localhost`: another origin, so clients drop `Authorization`):
///   `HEAD/GET /cdn/{repo}/{revision folder}/{path}` with `Range: bytes=N-` / `bytes=N-M` (`206`).
///
/// Errors carry `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`). It answers the
/// same JSON and headers as tools/testhub/hub_server.py (without its fault injection), so `pytrack demo`
/// needs no Python. Every request is kept in a bounded log (`requests()`).
public final class LocalHub: @unchecked Sendable {  // `log` is guarded by `lock`; the rest is immutable after init
    /// One request as the hub saw it.
    public struct LoggedRequest: Equatable, Sendable {
        /// `api` or `cdn`.
        public var listener: String
        public var method: String
        public var target: String
        public var range: String?
        public var authorization: Bool
        public var status: Int
    }

    /// `http://127.0.0.1:PORT`: the hub endpoint to give `pytrack sync --endpoint`.
    public let endpoint: String
    /// `http://localhost:PORT`: where `resolve` redirects LFS files.
    public let cdnBase: String
    /// Tree entries per page.
    public let pageSize: Int

    private let folder: HubFolder
    private let api: HTTPServer
    private let cdn: HTTPServer
    private let lock = NSLock()
    private var log: [LoggedRequest] = []
    private static let maxLogged = 100_000

    /// Serves `root` on two ephemeral ports of 127.0.0.1 until `stop()` (or deinit).
    public init(root: URL, pageSize: Int = 1000) throws {
        folder = try HubFolder(root: root)
        self.pageSize = max(1, pageSize)
        // The handlers need `self`, which is complete only once both ports are known: bind first,
        // route through a box filled in right after.
        let box = RouterBox()
        let api = try HTTPServer { box.route("api", $0) }
        let cdn: HTTPServer
        do { cdn = try HTTPServer { box.route("cdn", $0) } } catch { api.stop(); throw error }
        endpoint = "http://127.0.0.1:\(api.port)"
        cdnBase = "http://localhost:\(cdn.port)"
        self.api = api
        self.cdn = cdn
        box.hub = self
    }

    deinit { stop() }

    /// Stops both listeners and closes open connections.
    public func stop() {
        api.stop()
        cdn.stop()
    }

    /// Every request so far (both listeners, in arrival order; the oldest are dropped past 100,000).
    public func requests() -> [LoggedRequest] {
        lock.withLock { log }
    }

    /// Empties the request log.
    public func clearLog() {
        lock.withLock { log.removeAll() }
    }

    // MARK: - Routing

    fileprivate func handle(listener: String, _ request: HTTPRequest) -> HTTPResponse {
        let response = route(listener: listener, request)
        lock.withLock {
            if log.count >= LocalHub.maxLogged { log.removeFirst(log.count / 2) }
            log.append(LoggedRequest(listener: listener, method: request.method, target: request.target,
                                     range: request.headers["range"], authorization: request.headers["authorization"] != nil,
                                     status: response.status))
        }
        return response
    }

    private func route(listener: String, _ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .error(405, code: nil, "method \(request.method) not allowed")
        }
        guard let segments = request.pathSegments else { return .error(400, code: nil, "undecodable path") }
        if listener == "cdn" {
            // /cdn/{org}/{name}/{revision folder}/{path...}
            guard segments.count >= 5, segments[0] == "cdn" else { return .error(404, code: nil, "not found") }
            let repo = segments[1] + "/" + segments[2]
            guard folder.repositoryFolder(repo) != nil else { return .error(404, code: "RepoNotFound", "Repository \(repo) not found") }
            guard folder.revisions(repo).contains(segments[3]) else {
                return .error(404, code: "RevisionNotFound", "Invalid rev id: \(segments[3])")
            }
            return serveFile(repo, segments[3], segments[4...].joined(separator: "/"), request: request, commit: nil)
        }
        // /api/models/{org}/{name}/{refs|revision|tree}[/{rev}[/{dir...}]]
        if segments.count >= 5, segments[0] == "api", segments[1] == "models",
           ["refs", "revision", "tree"].contains(segments[4]) {
            let repo = segments[2] + "/" + segments[3]
            guard folder.repositoryFolder(repo) != nil else { return .error(404, code: "RepoNotFound", "Repository \(repo) not found") }
            if segments[4] == "refs" { return segments.count == 5 ? refs(repo) : .error(404, code: nil, "not found") }
            let rev = segments.count > 5 ? segments[5] : ""
            guard let revdir = folder.revisionFolder(repo, rev) else {
                return .error(404, code: "RevisionNotFound", "Invalid rev id: \(rev)")
            }
            if segments[4] == "revision" { return revision(repo, revdir) }
            let sub = segments.count > 6 ? segments[6...].filter { !$0.isEmpty }.joined(separator: "/") : ""
            return tree(repo, revdir, rev: rev, sub: sub, query: request.query)
        }
        // /{org}/{name}/resolve/{rev}/{path...}
        if segments.count >= 5, segments[2] == "resolve" {
            let repo = segments[0] + "/" + segments[1]
            guard folder.repositoryFolder(repo) != nil else { return .error(404, code: "RepoNotFound", "Repository \(repo) not found") }
            guard let revdir = folder.revisionFolder(repo, segments[3]) else {
                return .error(404, code: "RevisionNotFound", "Invalid rev id: \(segments[3])")
            }
            let path = segments[4...].joined(separator: "/")
            return resolve(repo, revdir, path, request: request)
        }
        return .error(404, code: nil, "not found: \(request.target)")
    }

    // MARK: - API

    private func refs(_ repo: String) -> HTTPResponse {
        let revs = folder.revisions(repo)
        var branches: [[String: Any]] = revs.map {
            ["name": $0, "ref": "refs/heads/\($0)", "targetCommit": folder.commit(repo, $0)]
        }
        if !revs.contains("main"), let main = folder.revisionFolder(repo, "main") {
            branches.append(["name": "main", "ref": "refs/heads/main", "targetCommit": folder.commit(repo, main)])
        }
        return .json(200, ["branches": branches, "converts": [Any](), "tags": [Any]()])
    }

    private func revision(_ repo: String, _ revdir: String) -> HTTPResponse {
        .json(200, ["id": repo, "modelId": repo, "sha": folder.commit(repo, revdir), "private": false,
                    "siblings": folder.files(repo, revdir).map { ["rfilename": $0] }])
    }

    private func tree(_ repo: String, _ revdir: String, rev: String, sub: String, query: [String: String]) -> HTTPResponse {
        let recursive = ["1", "true", "True"].contains(query["recursive"] ?? "0")
        var entries: [[String: Any]] = []
        var dirs = Set<String>()
        do {
            for p in folder.files(repo, revdir) {
                if !sub.isEmpty && !p.hasPrefix(sub + "/") { continue }
                let rel = sub.isEmpty ? p : String(p.dropFirst(sub.count + 1))
                if rel.contains("/") && !recursive {
                    let d = (sub.isEmpty ? "" : sub + "/") + rel.split(separator: "/")[0]
                    if dirs.insert(d).inserted { entries.append(["type": "directory", "path": d, "size": 0, "oid": String(repeating: "0", count: 40)]) }
                    continue
                }
                let parts = p.split(separator: "/").map(String.init)
                if recursive && parts.count > 1 {
                    for i in 1..<parts.count {
                        let d = parts[0..<i].joined(separator: "/")
                        if (sub.isEmpty || d.hasPrefix(sub + "/")) && dirs.insert(d).inserted {
                            entries.append(["type": "directory", "path": d, "size": 0, "oid": HubFolder.sha1(Data(d.utf8))])
                        }
                    }
                }
                entries.append(try folder.entry(repo, revdir, p))
            }
        } catch {
            return .error(500, code: nil, "\(error)")
        }
        guard let cursor = Int(query["cursor"] ?? "0").map({ max(0, $0) }) else { return .error(400, code: nil, "bad cursor") }
        let page = Array(entries.dropFirst(cursor).prefix(pageSize))
        var headers: [(String, String)] = []
        if cursor + pageSize < entries.count {
            var next = "\(endpoint)/api/models/\(repo)/tree/\(LocalHub.encode(rev))"
            if !sub.isEmpty { next += "/" + sub.split(separator: "/").map { LocalHub.encode(String($0)) }.joined(separator: "/") }
            next += "?cursor=\(cursor + pageSize)" + (recursive ? "&recursive=1" : "")
            headers.append(("Link", "<\(next)>; rel=\"next\""))
        }
        return .json(200, page, headers: headers)
    }

    // MARK: - Files

    private func resolve(_ repo: String, _ revdir: String, _ path: String, request: HTTPRequest) -> HTTPResponse {
        guard let full = folder.filePath(repo, revdir, path) else {
            return .error(404, code: "EntryNotFound", "\(path) does not exist at \(revdir)")
        }
        let commit = folder.commit(repo, revdir)
        guard HubFolder.isLFS(path) else { return serveFile(repo, revdir, path, request: request, commit: commit) }
        do {
            let h = try folder.hashes(full)
            let entry = try folder.entry(repo, revdir, path)
            let location = "\(cdnBase)/cdn/\(repo)/\(LocalHub.encode(revdir))/"
                + path.split(separator: "/").map { LocalHub.encode(String($0)) }.joined(separator: "/")
            return HTTPResponse(status: 302, headers: [
                ("Location", location), ("X-Repo-Commit", commit), ("X-Linked-Etag", "\"\(h.sha256)\""),
                ("X-Linked-Size", "\(try HubFolder.size(full))"), ("ETag", "\"\(entry["oid"] as? String ?? "")\""),
            ])
        } catch {
            return .error(500, code: nil, "\(error)")
        }
    }

    /// A file's bytes (or the `Range` asked for), with `ETag` = sha256 for LFS files, else the git oid.
    private func serveFile(_ repo: String, _ revdir: String, _ path: String, request: HTTPRequest, commit: String?) -> HTTPResponse {
        guard let full = folder.filePath(repo, revdir, path) else {
            return .error(404, code: "EntryNotFound", "\(path) does not exist")
        }
        let size: Int64, h: HubFolder.Hashes
        do { size = try HubFolder.size(full); h = try folder.hashes(full) } catch { return .error(500, code: nil, "\(error)") }
        var status = 200
        var start: Int64 = 0, end = size - 1
        if let range = request.headers["range"] {
            guard let (a, b) = LocalHub.parseRange(range) else { return .error(416, code: nil, "bad range") }
            if let b { end = min(b, size - 1) }
            guard a < size, a <= end else {
                return HTTPResponse(status: 416, headers: [("Content-Range", "bytes */\(size)")])
            }
            start = a
            status = 206
        }
        var headers: [(String, String)] = [
            ("Content-Type", "application/octet-stream"), ("Accept-Ranges", "bytes"),
            ("ETag", "\"\(HubFolder.isLFS(path) ? h.sha256 : h.gitSHA1)\""),
        ]
        if let commit { headers.append(("X-Repo-Commit", commit)) }
        if status == 206 { headers.append(("Content-Range", "bytes \(start)-\(end)/\(size)")) }
        let length = size > 0 ? end - start + 1 : 0
        return HTTPResponse(status: status, headers: headers, body: .file(path: full, offset: start, length: length))
    }

    /// `bytes=A-` or `bytes=A-B` (decimal, A <= 10^18); nil for anything else.
    static func parseRange(_ header: String) -> (Int64, Int64?)? {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("bytes=") else { return nil }
        let spec = value.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2, !spec[0].isEmpty, spec[0].count <= 18, spec[1].count <= 18,
              spec[0].allSatisfy({ $0.isASCII && $0.isNumber }), spec[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let a = Int64(spec[0]) else { return nil }
        if spec[1].isEmpty { return (a, nil) }
        guard let b = Int64(spec[1]) else { return nil }
        return (a, b)
    }

    /// Percent-encodes one path segment.
    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

/// Hands requests to the hub once it is fully initialised (the listeners start before `self` is).
private final class RouterBox: @unchecked Sendable {  // `hub` is written once, under `lock`, before any request is routed to it
    private let lock = NSLock()
    private weak var _hub: LocalHub?
    var hub: LocalHub? {
        get { lock.withLock { _hub } }
        set { lock.withLock { _hub = newValue } }
    }

    func route(_ listener: String, _ request: HTTPRequest) -> HTTPResponse {
        guard let hub else { return .error(503, code: nil, "starting") }
        return hub.handle(listener: listener, request)
    }
}
