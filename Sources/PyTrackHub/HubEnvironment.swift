import Foundation

/// Where the hub and the cache are, and the credentials, from the environment as huggingface_hub reads
/// it: HF_ENDPOINT, HF_TOKEN (else `$HF_HOME/token`), HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE; explicit
/// `--endpoint` / `--cache` values override. The token is never printed: `description` only says
/// whether one is set. Credentials in the endpoint (`https://user:pw@host`) are taken out of it: they
/// are sent to that origin only, and never printed or stored.
public struct HubEnvironment: CustomStringConvertible, Sendable {
    /// `user:password` from an endpoint URL.
    public struct Credentials: Sendable, Equatable {
        public var user: String
        public var password: String
    }

    /// The hub endpoint without a trailing slash or credentials, e.g. `https://huggingface.co`: safe to
    /// print and to store.
    public var endpoint: String
    /// Credentials that were in the endpoint URL, if any. Kept out of `description`, logs and files.
    public let credentials: Credentials?
    /// The huggingface_hub cache folder (holds `models--ORG--NAME`).
    public var cacheDirectory: URL
    /// HF_HUB_OFFLINE: never touch the network.
    public var offline: Bool
    /// The bearer token, if any. Kept out of `description`, logs and files.
    public let token: String?

    public static let defaultEndpoint = "https://huggingface.co"

    public init(endpoint: String? = nil, cache: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: String = NSHomeDirectory()) {
        func nonEmpty(_ key: String) -> String? {
            guard let v = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        var ep = endpoint ?? nonEmpty("HF_ENDPOINT") ?? HubEnvironment.defaultEndpoint
        while ep.hasSuffix("/") { ep.removeLast() }
        (self.endpoint, self.credentials) = HubEnvironment.splitCredentials(ep)
        let hfHome = nonEmpty("HF_HOME").map { HubEnvironment.expandTilde($0, home: homeDirectory) }
            ?? (nonEmpty("XDG_CACHE_HOME").map { $0 + "/huggingface" } ?? homeDirectory + "/.cache/huggingface")
        let cachePath = cache.map { HubEnvironment.expandTilde($0, home: homeDirectory) }
            ?? nonEmpty("HF_HUB_CACHE").map { HubEnvironment.expandTilde($0, home: homeDirectory) }
            ?? hfHome + "/hub"
        self.cacheDirectory = URL(fileURLWithPath: cachePath, isDirectory: true)
        let off = nonEmpty("HF_HUB_OFFLINE")?.lowercased()
        self.offline = off.map { ["1", "true", "yes", "on"].contains($0) } ?? false
        if let t = nonEmpty("HF_TOKEN") {
            self.token = t
        } else if let data = FileManager.default.contents(atPath: hfHome + "/token"),
                  let t = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            self.token = t
        } else {
            self.token = nil
        }
    }

    /// Host (and port) of the endpoint: the only origin the token is sent to.
    public var authorizedOrigin: String? { HTTPTransfer.origin(of: endpoint) }

    public var description: String {
        "endpoint \(endpoint), cache \(cacheDirectory.path), token \(token == nil ? "none" : "set"), offline \(offline)"
    }

    /// `url` without its `user:password@` part, and that part (percent-decoded). A URL without one is
    /// returned unchanged.
    public static func splitCredentials(_ url: String) -> (url: String, credentials: Credentials?) {
        guard var c = URLComponents(string: url), c.user != nil || c.password != nil else {
            // Not parsable: still never keep anything that looks like userinfo before the host.
            if let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
               !url[scheme.upperBound..<at].contains("/") {
                return (String(url[..<scheme.upperBound]) + url[url.index(after: at)...], nil)
            }
            return (url, nil)
        }
        let credentials = Credentials(user: c.user ?? "", password: c.password ?? "")
        c.user = nil
        c.password = nil
        return (c.string ?? url, credentials)
    }

    private static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
