import Foundation
import PyTrackContent
import PyTrackDomain

/// A folder laid out as `<root>/<org>/<name>/<revision>/<files...>`, read as hub repositories:
/// each revision folder is a git branch, `main` is the highest `step<N>` when there is no `main/`
/// folder, and a revision's commit id is a stable sha1 of its paths and file sha256s (the same
/// value tools/testhub/hub_server.py gives). Names from requests are untrusted: a repository or
/// revision is only found by listing its parent folder, and a file only by listing the revision
/// (regular files; symbolic links are not served), so no request can reach outside `root`.
final class HubFolder: @unchecked Sendable {  // the hash cache is the only mutable state; `lock` guards it
    /// File name endings stored as LFS objects on the real hub (served through the CDN listener).
    static let lfsSuffixes = [".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt"]

    /// A file's hashes: sha256 of the content and the git blob sha1.
    struct Hashes: Equatable {
        var sha256: String
        var gitSHA1: String
    }

    let root: URL
    private let lock = NSLock()
    private var hashCache: [String: (size: Int64, mtime: Double, hashes: Hashes)] = [:]

    init(root: URL) throws {
        let resolved = root.standardizedFileURL.resolvingSymlinksInPath()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDir), isDir.boolValue else {
            throw LocalHubError.root(path: root.path, reason: "not a folder (expected <org>/<name>/<revision>/<files>)")
        }
        self.root = resolved
    }

    // MARK: - Repositories and revisions

    /// A name segment that is safe to look up in a listing (no separators, no `.`/`..`, no NUL).
    static func isPlainName(_ s: String) -> Bool {
        !s.isEmpty && s != "." && s != ".." && !s.contains("/") && !s.contains("\0")
    }

    /// The folder of `org/name`, when it is listed under the root.
    func repositoryFolder(_ repo: String) -> URL? {
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy(HubFolder.isPlainName),
              subfolders(of: root).contains(parts[0]) else { return nil }
        let org = root.appendingPathComponent(parts[0], isDirectory: true)
        guard subfolders(of: org).contains(parts[1]) else { return nil }
        return org.appendingPathComponent(parts[1], isDirectory: true)
    }

    /// The revision folders of `repo`, sorted.
    func revisions(_ repo: String) -> [String] {
        guard let dir = repositoryFolder(repo) else { return [] }
        return subfolders(of: dir).sorted()
    }

    /// The folder name a revision (branch, `main`, or a 40-hex commit id) maps to, or nil.
    func revisionFolder(_ repo: String, _ revision: String) -> String? {
        let revs = revisions(repo)
        if revs.contains(revision) { return revision }
        if revision == "main" { return HubFolder.highestStep(revs) }
        if revision.count == 40, revision.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            return revs.first { commit(repo, $0) == revision }
        }
        return nil
    }

    /// The `step<N>` name with the largest N.
    static func highestStep(_ names: [String]) -> String? {
        names.compactMap { name in RevisionScheme.pythia.step(of: name).map { ($0, name) } }.max { $0.0 < $1.0 }?.1
    }

    /// Relative paths (`/`-separated, sorted) of the regular files under a revision folder.
    func files(_ repo: String, _ revisionFolder: String) -> [String] {
        guard let dir = repositoryFolder(repo)?.appendingPathComponent(revisionFolder, isDirectory: true) else { return [] }
        var out: [String] = []
        walk(dir, prefix: "", depth: 0, into: &out)
        return out.sorted()
    }

    /// The on-disk path of `path` in a revision, when the revision lists it.
    func filePath(_ repo: String, _ revisionFolder: String, _ path: String) -> String? {
        guard files(repo, revisionFolder).contains(path),
              let dir = repositoryFolder(repo) else { return nil }
        return dir.appendingPathComponent(revisionFolder).appendingPathComponent(path).path
    }

    /// The commit id of a revision: sha1 over `path NUL sha256 LF` of its files, in path order.
    func commit(_ repo: String, _ revisionFolder: String) -> String {
        let sha1 = ContentDigest(.sha1)
        guard let dir = repositoryFolder(repo)?.appendingPathComponent(revisionFolder, isDirectory: true) else {
            return sha1.finalize()
        }
        for p in files(repo, revisionFolder) {  // listed just now: no second lookup needed
            guard let h = try? hashes(dir.appendingPathComponent(p).path) else { continue }
            sha1.update("\(p)\u{0}\(h.sha256)\n")
        }
        return sha1.finalize()
    }

    static func isLFS(_ path: String) -> Bool {
        lfsSuffixes.contains { path.hasSuffix($0) }
    }

    /// The tree entry of one file, as the hub API gives it (`lfs` for LFS files, whose `oid` is the
    /// git id of the LFS pointer).
    func entry(_ repo: String, _ revisionFolder: String, _ path: String) throws -> [String: Any] {
        guard let full = filePath(repo, revisionFolder, path) else {
            throw LocalHubError.root(path: path, reason: "not a file of \(repo)@\(revisionFolder)")
        }
        let size = try HubFolder.size(full)
        let h = try hashes(full)
        var e: [String: Any] = ["type": "file", "path": path, "size": size, "oid": h.gitSHA1]
        if HubFolder.isLFS(path) {
            let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:\(h.sha256)\nsize \(size)\n"
            e["oid"] = HubFolder.gitBlobSHA1(Data(pointer.utf8))
            e["lfs"] = ["oid": h.sha256, "size": size, "pointerSize": pointer.utf8.count]
        }
        return e
    }

    // MARK: - Hashes

    /// sha256 and git sha1 of a file, computed once per (path, size, mtime) in 1 MiB reads.
    func hashes(_ path: String) throws -> Hashes {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let hit = lock.withLock({ hashCache[path] }), hit.size == size, hit.mtime == mtime { return hit.hashes }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LocalHubError.root(path: path, reason: "cannot be read")
        }
        defer { try? handle.close() }
        let sha256 = ContentDigest(.sha256)
        let sha1 = ContentDigest(.sha1)
        sha1.update("blob \(size)\u{0}")
        var total: Int64 = 0
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            sha256.update(chunk)
            sha1.update(chunk)
            total += Int64(chunk.count)
        }
        guard total == size else { throw LocalHubError.root(path: path, reason: "changed while being hashed") }
        let result = Hashes(sha256: sha256.finalize(), gitSHA1: sha1.finalize())
        lock.withLock { hashCache[path] = (size, mtime, result) }
        return result
    }

    static func size(_ path: String) throws -> Int64 {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        return (attrs[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func gitBlobSHA1(_ data: Data) -> String {
        let sha1 = ContentDigest(.sha1)
        sha1.update("blob \(data.count)\u{0}")
        sha1.update(data)
        return sha1.finalize()
    }

    /// sha1 of raw bytes (folder entries of a tree carry the sha1 of their path).
    static func sha1(_ data: Data) -> String {
        let sha1 = ContentDigest(.sha1)
        sha1.update(data)
        return sha1.finalize()
    }

    // MARK: - Listing

    /// Names of the real (not symbolic-link) subfolders of `dir`.
    private func subfolders(of dir: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            let attrs = try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)
            return attrs?[.type] as? FileAttributeType == .typeDirectory
        }
    }

    private func walk(_ dir: URL, prefix: String, depth: Int, into out: inout [String]) {
        guard depth < 32 else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in names {
            let attrs = try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)
            switch attrs?[.type] as? FileAttributeType {
            case .typeRegular?: out.append(prefix + name)
            case .typeDirectory?: walk(dir.appendingPathComponent(name, isDirectory: true), prefix: prefix + name + "/", depth: depth + 1, into: &out)
            default: continue  // symbolic links, sockets, ...: not part of a served revision
            }
        }
    }
}
