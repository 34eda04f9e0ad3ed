import Foundation

/// The huggingface_hub cache layout, shared with Python's huggingface_hub and transformers:
/// `<root>/models--ORG--NAME/{blobs/<etag>, snapshots/<commit>/<path> -> ../../blobs/<etag>, refs/<rev>}`,
/// downloads in progress as `blobs/<etag>.incomplete`. Every name that comes from the hub is validated
/// so that no path can leave the cache folder.
public struct HubCache: Sendable {
    /// The cache folder (HF_HUB_CACHE).
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// `models--ORG--NAME`.
    public func repositoryFolder(_ repo: String) throws -> URL {
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw CacheError.unsafeName(repo, reason: "repository must be ORG/NAME") }
        for p in parts { try HubCache.checkComponent(p, what: "repository") }
        return root.appendingPathComponent("models--\(parts[0])--\(parts[1])", isDirectory: true)
    }

    /// `blobs/<etag>`.
    public func blob(repo: String, etag: String) throws -> URL {
        try HubCache.checkEtag(etag)
        return try repositoryFolder(repo).appendingPathComponent("blobs", isDirectory: true).appendingPathComponent(etag)
    }

    /// `blobs/<etag>.incomplete`, where a download in progress lives (and resumes from).
    public func incomplete(repo: String, etag: String) throws -> URL {
        try HubCache.checkEtag(etag)
        return try repositoryFolder(repo).appendingPathComponent("blobs", isDirectory: true).appendingPathComponent(etag + ".incomplete")
    }

    /// `snapshots/<commit>/`: one revision's files.
    public func snapshot(repo: String, commit: String) throws -> URL {
        try HubCache.checkCommit(commit)
        return try repositoryFolder(repo).appendingPathComponent("snapshots", isDirectory: true).appendingPathComponent(commit, isDirectory: true)
    }

    /// `snapshots/<commit>/<path>`.
    public func snapshotFile(repo: String, commit: String, path: String) throws -> URL {
        var url = try snapshot(repo: repo, commit: commit)
        for c in try HubCache.pathComponents(path) { url.appendPathComponent(c) }
        return url
    }

    /// The revisions with a ref recorded (`refs/*`), sorted; names that are not safe are left out.
    public func revisions(repo: String) throws -> [String] {
        let refs = try repositoryFolder(repo).appendingPathComponent("refs", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: refs.path)) ?? []
        return names.filter { (try? HubCache.pathComponents($0)) != nil }.sorted()
    }

    /// The commit `refs/<revision>` points at, if recorded.
    public func ref(repo: String, revision: String) throws -> String? {
        let url = try refFile(repo: repo, revision: revision)
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              HubCache.isCommit(text) else { return nil }
        return text
    }

    /// Records `refs/<revision>` = commit (atomically).
    public func setRef(repo: String, revision: String, commit: String) throws {
        try HubCache.checkCommit(commit)
        let url = try refFile(repo: repo, revision: revision)
        try makeFolder(url.deletingLastPathComponent())
        do { try Data(commit.utf8).write(to: url, options: .atomic) } catch {
            throw CacheError.io(path: url.path, reason: "cannot write ref: \(error.localizedDescription)")
        }
    }

    /// True when `snapshots/<commit>/<path>` resolves to a file of `size` bytes (a file fetched by us or by
    /// Python's huggingface_hub).
    public func hasSnapshotFile(repo: String, commit: String, path: String, size: Int64) -> Bool {
        guard let url = try? snapshotFile(repo: repo, commit: commit, path: path),
              let attrs = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path),
              let n = (attrs[.size] as? NSNumber)?.int64Value else { return false }
        return n == size
    }

    /// True when `blobs/<etag>` exists with `size` bytes.
    public func hasBlob(repo: String, etag: String, size: Int64) -> Bool {
        guard let url = try? blob(repo: repo, etag: etag),
              let attrs = try? FileManager.default.attributesOfItem(atPath: url.path),
              let n = (attrs[.size] as? NSNumber)?.int64Value else { return false }
        return n == size
    }

    /// A download's own temp file, `blobs/<etag>.<host>-<pid>-<random>.incomplete`, so processes on
    /// different nodes sharing one cache (NFS, Lustre, GPFS: no reliable flock) never write the same file.
    /// A partial left by an earlier run (`blobs/<etag>.incomplete`, or the temp file of a process of this
    /// host that is gone) is taken over with an atomic rename, so only one process resumes it.
    public func claimIncomplete(repo: String, etag: String) throws -> URL {
        let shared = try incomplete(repo: repo, etag: etag)
        let folder = shared.deletingLastPathComponent()
        let host = HubCache.hostTag
        let mine = folder.appendingPathComponent("\(etag).\(host)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).incomplete")
        if rename(shared.path, mine.path) == 0 { return mine }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasPrefix(etag + "." + host + "-") && name.hasSuffix(".incomplete") {
            let pidText = name.dropFirst(etag.count + host.count + 2).split(separator: "-").first ?? ""
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            if rename(folder.appendingPathComponent(name).path, mine.path) == 0 { break }
        }
        return mine
    }

    /// Moves a verified temp file from `claimIncomplete` to `blobs/<etag>` (atomic rename; a blob another
    /// process finished meanwhile is replaced by identical, verified bytes).
    public func commitIncomplete(repo: String, etag: String, from temp: URL) throws {
        let to = try blob(repo: repo, etag: etag)
        guard rename(temp.path, to.path) == 0 else {
            let code = errno
            throw CacheError.io(path: to.path, reason: "cannot rename the finished download: \(String(cString: strerror(code)))", errno: code)
        }
    }

    /// After a failed download: leaves its partial as `blobs/<etag>.incomplete` for a later run to resume.
    public func releaseIncomplete(repo: String, etag: String, from temp: URL) {
        guard let shared = try? incomplete(repo: repo, etag: etag) else { return }
        if rename(temp.path, shared.path) != 0 { unlink(temp.path) }
    }

    /// This host's name as a file-name component.
    static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        let safe = name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return safe.isEmpty ? "host" : String(safe.prefix(64))
    }()

    /// Points `snapshots/<commit>/<path>` at `blobs/<etag>` with a relative symlink (replacing any
    /// previous entry), like huggingface_hub.
    public func linkSnapshot(repo: String, commit: String, path: String, etag: String) throws {
        let link = try snapshotFile(repo: repo, commit: commit, path: path)
        _ = try blob(repo: repo, etag: etag)  // validates the etag
        try makeFolder(link.deletingLastPathComponent())
        let depth = try HubCache.pathComponents(path).count  // folders below snapshots/<commit>/
        let target = String(repeating: "../", count: depth + 1) + "blobs/" + etag
        let tmp = link.path + ".pytrack-link.\(getpid())-\(UInt32.random(in: 0...UInt32.max))"  // one per process
        unlink(tmp)
        guard symlink(target, tmp) == 0 else {
            let code = errno
            throw CacheError.io(path: link.path, reason: "cannot create symlink: \(String(cString: strerror(code)))", errno: code)
        }
        guard rename(tmp, link.path) == 0 else {
            let code = errno
            unlink(tmp)
            throw CacheError.io(path: link.path, reason: "cannot place symlink: \(String(cString: strerror(code)))", errno: code)
        }
    }

    /// Creates `blobs/` for a repository (before a download).
    public func prepare(repo: String) throws {
        try makeFolder(try repositoryFolder(repo).appendingPathComponent("blobs", isDirectory: true))
    }

    private func refFile(repo: String, revision: String) throws -> URL {
        var url = try repositoryFolder(repo).appendingPathComponent("refs", isDirectory: true)
        for c in try HubCache.pathComponents(revision) { url.appendPathComponent(c) }
        return url
    }

    private func makeFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CacheError.io(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }

    // MARK: - Validation of untrusted names

    /// Splits a relative hub path into safe components; rejects absolute paths, `.`/`..`, empty
    /// components, backslashes, control characters and overlong names.
    public static func pathComponents(_ path: String) throws -> [String] {
        guard !path.isEmpty, path.utf8.count <= 1024 else { throw CacheError.unsafeName(path, reason: "empty or too long") }
        guard !path.hasPrefix("/") else { throw CacheError.unsafeName(path, reason: "absolute path") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for p in parts { try checkComponent(p, what: "path") }
        return parts
    }

    public static func checkComponent(_ c: String, what: String) throws {
        guard !c.isEmpty else { throw CacheError.unsafeName(c, reason: "empty \(what) component") }
        guard c != ".", c != ".." else { throw CacheError.unsafeName(c, reason: "'\(c)' in a \(what)") }
        guard c.utf8.count <= 255 else { throw CacheError.unsafeName(c, reason: "component too long") }
        guard !c.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7f }) else {
            throw CacheError.unsafeName(c, reason: "backslash or control character in a \(what)")
        }
    }

    public static func checkEtag(_ etag: String) throws {
        guard !etag.isEmpty, etag.count <= 128, etag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw CacheError.unsafeName(etag, reason: "etag must be alphanumeric")
        }
    }

    public static func checkCommit(_ commit: String) throws {
        guard isCommit(commit) else { throw CacheError.unsafeName(commit, reason: "commit must be 40 hex digits") }
    }

    /// True for a 40-hex-digit commit id.
    public static func isCommit(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }

    /// An ETag header value without `W/` and quotes.
    public static func normalizeEtag(_ value: String) -> String {
        var s = value.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("W/") { s.removeFirst(2) }
        return s.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

}
