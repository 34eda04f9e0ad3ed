import Foundation

/// The hub's HTTP API for model repositories: refs, revision info, the recursive file tree (following
/// `Link: rel="next"` pages) and file downloads, with `X-Error-Code` mapped onto `HubError`.
/// One client per thread (it owns one `HTTPTransfer`).
public final class HubClient {
    /// A git branch of a repository.
    public struct Branch: Equatable, Sendable {
        public var name: String
        public var commit: String
    }

    /// `GET /api/models/{repo}/revision/{rev}`.
    public struct RevisionInfo: Equatable, Sendable {
        public var sha: String
        public var siblings: [String]
    }

    /// A file of a revision's tree.
    public struct TreeFile: Equatable, Sendable {
        public var path: String
        public var size: Int64
        /// Git blob id (for LFS files: of the pointer).
        public var oid: String
        /// sha256 of an LFS file's content.
        public var lfsSHA256: String?
        /// The name huggingface_hub stores the blob under: the LFS sha256, else the git oid.
        public var etag: String { lfsSHA256 ?? oid }
    }

    public let environment: HubEnvironment
    let transfer: HTTPTransfer

    /// `notice` receives one line per retry (see `HTTPTransfer.notice`).
    public init(environment: HubEnvironment, retry: RetryPolicy = RetryPolicy(), limits: NetworkLimits = NetworkLimits(),
                notice: ((String) -> Void)? = nil) throws {
        self.environment = environment
        self.transfer = try HTTPTransfer(token: environment.token, credentials: environment.credentials,
                                         authorizedOrigin: environment.authorizedOrigin, retry: retry, limits: limits, notice: notice)
    }

    /// Branches of `repo` with their commits.
    public func refs(repo: String) throws -> [Branch] {
        let url = "\(environment.endpoint)/api/models/\(repo)/refs"
        struct Refs: Decodable {
            struct Ref: Decodable { var name: String?; var targetCommit: String? }
            var branches: [Ref]?
        }
        let (refs, _) = try getDecoded(Refs.self, url, repo: repo, revision: nil)
        guard let branches = refs.branches else { throw HubError.invalidResponse(url: url, reason: "no branches list") }
        guard branches.count <= transfer.limits.maxListingEntries else {
            throw HubError.invalidResponse(url: url, reason: "more than \(transfer.limits.maxListingEntries) branches")
        }
        return try branches.map { b in
            guard let name = b.name, let commit = b.targetCommit else {
                throw HubError.invalidResponse(url: url, reason: "branch without name/targetCommit")
            }
            return Branch(name: name, commit: commit)
        }
    }

    /// Commit and file names of a revision.
    public func revision(repo: String, revision: String) throws -> RevisionInfo {
        let url = "\(environment.endpoint)/api/models/\(repo)/revision/\(HubClient.encode(revision))"
        let json = try getJSON(url, repo: repo, revision: revision)
        guard let dict = json as? [String: Any], let sha = dict["sha"] as? String else {
            throw HubError.invalidResponse(url: url, reason: "no sha")
        }
        let siblings = (dict["siblings"] as? [[String: Any]] ?? []).compactMap { $0["rfilename"] as? String }
        return RevisionInfo(sha: sha, siblings: siblings)
    }

    /// Every file of a revision (recursive), across all pages. A next page is followed only on the
    /// endpoint's origin and never twice; the listing is bounded by `NetworkLimits` (entries, pages).
    public func tree(repo: String, revision: String) throws -> [TreeFile] {
        let first = "\(environment.endpoint)/api/models/\(repo)/tree/\(HubClient.encode(revision))?recursive=1"
        var next: String? = first
        var seen = Set<String>()
        var files: [TreeFile] = []
        var entriesSeen = 0
        let limits = transfer.limits
        while let url = next {
            guard seen.insert(url).inserted else {
                throw HubError.invalidResponse(url: url, reason: "the tree listing's next page repeats an earlier page")
            }
            guard seen.count <= limits.maxPages else { throw HubError.invalidResponse(url: url, reason: "more than \(limits.maxPages) tree pages") }
            let (entries, headers) = try getDecoded([TreeEntry].self, url, repo: repo, revision: revision)
            entriesSeen += entries.count
            guard entriesSeen <= limits.maxListingEntries else {
                throw HubError.invalidResponse(url: url, reason: "more than \(limits.maxListingEntries) entries in the tree listing")
            }
            for e in entries where e.type == "file" {
                guard let path = e.path, let size = e.size, size >= 0, let oid = e.oid else {
                    throw HubError.invalidResponse(url: url, reason: "tree entry without path/size/oid")
                }
                files.append(TreeFile(path: path, size: size, oid: oid.lowercased(), lfsSHA256: e.lfs?.oid?.lowercased()))
            }
            next = try headers["link"].flatMap(HubClient.nextLink).map { try sameOrigin($0, relativeTo: url) }
        }
        return files
    }

    /// `link` resolved against `base`, if it is an http(s) URL on the endpoint's origin without
    /// credentials; anything else (another host or port, `file:`, `gopher:`, ...) is refused.
    func sameOrigin(_ link: String, relativeTo base: String) throws -> String {
        guard let b = URL(string: base), let target = URL(string: link, relativeTo: b)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https",
              target.user == nil, target.password == nil,
              let origin = HTTPTransfer.origin(of: target.absoluteString), origin == HTTPTransfer.origin(of: environment.endpoint) else {
            throw HubError.invalidResponse(url: base, reason: "refused a next-page link off the endpoint's origin: \(link.prefix(200))")
        }
        return target.absoluteString
    }

    /// `{endpoint}/{repo}/resolve/{revision}/{path}`.
    public func resolveURL(repo: String, revision: String, path: String) -> String {
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map { HubClient.encode(String($0)) }.joined(separator: "/")
        return "\(environment.endpoint)/\(repo)/resolve/\(HubClient.encode(revision))/\(encodedPath)"
    }

    /// Downloads one file of `repo@revision` into `destination` (resuming, verified); see
    /// `HTTPTransfer.download`.
    @discardableResult
    public func download(repo: String, revision: String, file: TreeFile, to destination: URL,
                         progress: ((Int64) -> Void)? = nil) throws -> HTTPTransfer.DownloadReport {
        let url = resolveURL(repo: repo, revision: revision, path: file.path)
        do {
            return try transfer.download(url: url, to: destination,
                                         expected: .init(size: file.size, sha256: file.lfsSHA256, gitOID: file.lfsSHA256 == nil ? file.oid : nil),
                                         progress: progress)
        } catch HubError.http(let u, let status, let code) {
            throw HTTPTransfer.error(status: status, code: code, url: u, repo: repo, revision: revision, path: file.path)
        }
    }

    // MARK: - Helpers

    /// One entry of a tree page (decoded compactly: a page may hold many thousands).
    private struct TreeEntry: Decodable {
        struct LFS: Decodable { var oid: String? }
        var type: String?
        var path: String?
        var size: Int64?
        var oid: String?
        var lfs: LFS?
    }

    private func getDecoded<T: Decodable>(_ type: T.Type, _ url: String, repo: String, revision: String?) throws -> (T, [String: String]) {
        if environment.offline { throw HubError.offline(url) }
        let r = try transfer.request("GET", url: url)
        guard r.status == 200 else {
            throw HTTPTransfer.error(status: r.status, code: r.headers["x-error-code"], url: url, repo: repo, revision: revision)
        }
        do { return (try JSONDecoder().decode(T.self, from: r.body), r.headers) } catch {
            throw HubError.invalidResponse(url: url, reason: "invalid JSON or unexpected field types")
        }
    }

    private func getJSON(_ url: String, repo: String, revision: String?) throws -> Any {
        if environment.offline { throw HubError.offline(url) }
        let r = try transfer.request("GET", url: url)
        guard r.status == 200 else {
            throw HTTPTransfer.error(status: r.status, code: r.headers["x-error-code"], url: url, repo: repo, revision: revision)
        }
        do { return try JSONSerialization.jsonObject(with: r.body) } catch {
            throw HubError.invalidResponse(url: url, reason: "invalid JSON")
        }
    }

    /// The URL of `rel="next"` in a Link header.
    static func nextLink(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = fields.first, first.hasPrefix("<"), first.hasSuffix(">") else { continue }
            if fields.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" || $0 == "rel=next" }) {
                return String(first.dropFirst().dropLast())
            }
        }
        return nil
    }

    /// Percent-encodes one path segment (a revision like `refs/pr/1` becomes `refs%2Fpr%2F1`).
    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
