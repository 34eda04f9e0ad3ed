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

    public init(environment: HubEnvironment, retry: RetryPolicy = RetryPolicy()) throws {
        self.environment = environment
        self.transfer = try HTTPTransfer(token: environment.token, authorizedOrigin: environment.authorizedOrigin, retry: retry)
    }

    /// Branches of `repo` with their commits.
    public func refs(repo: String) throws -> [Branch] {
        let url = "\(environment.endpoint)/api/models/\(repo)/refs"
        let json = try getJSON(url, repo: repo, revision: nil)
        guard let dict = json as? [String: Any], let branches = dict["branches"] as? [[String: Any]] else {
            throw HubError.invalidResponse(url: url, reason: "no branches list")
        }
        return try branches.map { b in
            guard let name = b["name"] as? String, let commit = b["targetCommit"] as? String else {
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

    /// Every file of a revision (recursive), across all pages.
    public func tree(repo: String, revision: String) throws -> [TreeFile] {
        var next: String? = "\(environment.endpoint)/api/models/\(repo)/tree/\(HubClient.encode(revision))?recursive=1"
        var files: [TreeFile] = []
        var pages = 0
        while let url = next {
            pages += 1
            guard pages <= 10_000 else { throw HubError.invalidResponse(url: url, reason: "more than 10000 tree pages") }
            let (json, headers) = try getJSONWithHeaders(url, repo: repo, revision: revision)
            guard let entries = json as? [[String: Any]] else { throw HubError.invalidResponse(url: url, reason: "tree is not a list") }
            for e in entries where (e["type"] as? String) == "file" {
                guard let path = e["path"] as? String, let size = (e["size"] as? NSNumber)?.int64Value, size >= 0,
                      let oid = e["oid"] as? String else {
                    throw HubError.invalidResponse(url: url, reason: "tree entry without path/size/oid")
                }
                let lfs = (e["lfs"] as? [String: Any])?["oid"] as? String
                files.append(TreeFile(path: path, size: size, oid: oid.lowercased(), lfsSHA256: lfs?.lowercased()))
            }
            next = headers["link"].flatMap(HubClient.nextLink)
        }
        return files
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

    private func getJSON(_ url: String, repo: String, revision: String?) throws -> Any {
        try getJSONWithHeaders(url, repo: repo, revision: revision).0
    }

    private func getJSONWithHeaders(_ url: String, repo: String, revision: String?) throws -> (Any, [String: String]) {
        if environment.offline { throw HubError.offline(url) }
        let r = try transfer.request("GET", url: url)
        guard r.status == 200 else {
            throw HTTPTransfer.error(status: r.status, code: r.headers["x-error-code"], url: url, repo: repo, revision: revision)
        }
        do { return (try JSONSerialization.jsonObject(with: r.body), r.headers) } catch {
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
