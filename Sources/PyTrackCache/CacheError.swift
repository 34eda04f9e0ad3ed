import PyTrackFormats

/// What can go wrong reading or writing the huggingface_hub cache layout; each description is one line
/// naming the path, repository or revision and the problem, with untrusted names escaped.
public enum CacheError: Error, Equatable, CustomStringConvertible {
    /// A name (from the hub or a file) that could escape or corrupt the cache.
    case unsafeName(String, reason: String)
    /// A cache file operation failed.
    case io(path: String, reason: String, errno: Int32? = nil)
    /// The cache has no ref / snapshot for the revision.
    case revisionNotInCache(model: String, revision: String, cache: String)
    /// The snapshot exists but holds no weight file we can read.
    case noWeights(model: String, revision: String, directory: String)
    /// A local `--file` that does not exist.
    case fileNotFound(path: String)

    public var description: String {
        let text: String
        switch self {
        case let .unsafeName(name, reason): text = "unsafe name from the hub '\(name)': \(reason)"
        case let .io(path, reason, _): text = "\(path): \(reason)"
        case let .revisionNotInCache(model, revision, cache):
            text = "\(model) \(revision): not in the checkpoint cache \(cache) (run pytrack sync first)"
        case let .noWeights(model, revision, directory):
            text = "\(model) \(revision): no model.safetensors or pytorch_model.bin (or shard index) in \(directory)"
        case let .fileNotFound(path): text = "\(path): no such checkpoint file"
        }
        return TerminalText.escaped(text)
    }
}
