import Foundation

/// Where the hub and the cache are, and the credentials, from the environment as huggingface_hub reads
/// it: HF_ENDPOINT, HF_TOKEN (else `$HF_HOME/token`), HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE; explicit
/// `--endpoint` / `--cache` values override. The token is never printed: `description` only says
/// whether one is set.
public struct HubEnvironment: CustomStringConvertible, Sendable {
    /// The hub endpoint without a trailing slash, e.g. `https://huggingface.co`.
    public var endpoint: String
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
        self.endpoint = ep
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

    private static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
