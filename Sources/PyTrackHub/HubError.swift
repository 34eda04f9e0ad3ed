import PyTrackFormats

/// Everything that can go wrong talking to the hub or writing the cache. Each description is one line
/// naming the URL, repository/revision or file, and the problem, with every control character from the
/// hub escaped (`TerminalText.escaped`). Tokens and endpoint credentials never appear in it.
public enum HubError: Error, Equatable, CustomStringConvertible {
    /// The hub answered `X-Error-Code: RepoNotFound` (or 404 on a repository call).
    case repoNotFound(repo: String)
    /// `X-Error-Code: RevisionNotFound`.
    case revisionNotFound(repo: String, revision: String)
    /// `X-Error-Code: EntryNotFound`.
    case entryNotFound(repo: String, revision: String, path: String)
    /// `X-Error-Code: GatedRepo` (or 401/403).
    case gated(repo: String, status: Int)
    /// Any other HTTP failure after retries.
    case http(url: String, status: Int, code: String?)
    /// libcurl could not complete the transfer (after retries); `curlCode` is libcurl's `CURLcode`.
    case transport(url: String, curlCode: Int32, message: String)
    /// The hub sent something we cannot understand.
    case invalidResponse(url: String, reason: String)
    /// A downloaded file does not have the announced size.
    case sizeMismatch(path: String, expected: Int64, actual: Int64)
    /// A downloaded file does not hash to the announced sha256 / git oid.
    case hashMismatch(path: String, expected: String, actual: String)
    /// A name from the hub (file path, revision, etag) that could escape or corrupt the cache.
    case unsafeName(String, reason: String)
    /// A cache file operation failed.
    case cache(path: String, reason: String, errno: Int32? = nil)
    /// HF_HUB_OFFLINE=1 and the request needs the network.
    case offline(String)
    /// Too many redirects or a redirect without Location.
    case redirect(url: String, reason: String)
    /// The selection matched no weight file in the revision.
    case noWeights(repo: String, revision: String)
    /// The local hub server could not be started or controlled.
    case server(String)
    /// The host's name did not resolve or it refused the connection (after a short retry time);
    /// `curlCode` is libcurl's `CURLcode` (6, 5 or 7).
    case unreachable(url: String, curlCode: Int32, message: String)
    /// A download sent more than its declared size (twice); the partial file was removed.
    case oversize(path: String, expected: Int64)
    /// Retries stopped: `failure` was the last problem, `reason` says why no further attempt was made.
    case gaveUp(url: String, failure: String, reason: String)

    /// libcurl's result code behind a transport or unreachable failure.
    public var curlCode: Int32? {
        switch self {
        case .transport(_, let code, _), .unreachable(_, let code, _): return code
        default: return nil
        }
    }

    public var description: String { TerminalText.escaped(text) }

    private var text: String {
        switch self {
        case .repoNotFound(let repo): return "\(repo): repository not found on the hub (RepoNotFound)"
        case .revisionNotFound(let repo, let rev): return "\(repo)@\(rev): revision not found on the hub (RevisionNotFound)"
        case .entryNotFound(let repo, let rev, let path): return "\(repo)@\(rev): file \(path) not found (EntryNotFound)"
        case .gated(let repo, let status): return "\(repo): access denied (HTTP \(status)); the repository is gated or private: set HF_TOKEN"
        case .http(let url, let status, let code): return "\(url): HTTP \(status)\(code.map { " (\($0))" } ?? "")"
        case .transport(let url, _, let message): return "\(url): transfer failed: \(message)"
        case .invalidResponse(let url, let reason): return "\(url): unexpected response: \(reason)"
        case .sizeMismatch(let path, let e, let a): return "\(path): size \(a) bytes, expected \(e)"
        case .hashMismatch(let path, let e, let a): return "\(path): hash \(a), expected \(e)"
        case .unsafeName(let name, let reason): return "unsafe name from the hub '\(name)': \(reason)"
        case .cache(let path, let reason, _): return "\(path): \(reason)"
        case .offline(let what): return "\(what): HF_HUB_OFFLINE is set and it is not in the cache"
        case .redirect(let url, let reason): return "\(url): \(reason)"
        case .noWeights(let repo, let rev): return "\(repo)@\(rev): no weight file (safetensors or .bin) in the revision"
        case .server(let reason): return "local hub server: \(reason)"
        case .unreachable(let url, _, let message):
            return "\(url): cannot reach the hub: \(message); check --endpoint / HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cache"
        case .oversize(let path, let e):
            return "\(path): the server sent more than the declared \(e) bytes (twice); treated as corrupt, the partial file was removed"
        case .gaveUp(let url, let failure, let reason): return "\(url): \(failure); gave up \(reason)"
        }
    }
}
