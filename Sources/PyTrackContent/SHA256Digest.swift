import COpenSSL
import Foundation

/// A streaming digest over OpenSSL's EVP interface (SHA-NI/AVX2 code paths where the CPU has them).
/// `finalize()` reads the digest of what was added so far and leaves the digest usable. A reference
/// type owning its OpenSSL context: use one per thread (not Sendable).
public final class ContentDigest {
    /// The hash functions pytrack uses: SHA-256 for content (LFS oids, content keys) and SHA-1 only for
    /// git object ids, which the hub protocol names files by (never for security).
    public enum Algorithm: Sendable {
        case sha256, sha1
    }

    private let context: OpaquePointer

    public init(_ algorithm: Algorithm) {
        let md = algorithm == .sha256 ? EVP_sha256() : EVP_sha1()
        guard let ctx = EVP_MD_CTX_new(), EVP_DigestInit_ex(ctx, md, nil) == 1 else {
            fatalError("OpenSSL could not initialise a digest context (out of memory)")
        }
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds the bytes of `data`.
    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Adds the UTF-8 bytes of a string.
    public func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The lowercase hex digest of the bytes added so far (computed on a copy of the state).
    public func finalize() -> String {
        guard let copy = EVP_MD_CTX_new() else { fatalError("OpenSSL could not copy a digest context (out of memory)") }
        defer { EVP_MD_CTX_free(copy) }
        EVP_MD_CTX_copy_ex(copy, context)
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(copy, $0.baseAddress, &length) }
        return out.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}

/// SHA-256 helpers: whole files (bounded memory) and strings.
public enum SHA256Digest {
    /// The hex SHA-256 of a whole file, read sequentially in 4 MiB chunks (bounded memory).
    public static func file(at path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let code = errno
            throw ContentError.unreadable(path: path, reason: String(cString: strerror(code)), errno: code)
        }
        defer { try? handle.close() }
        let digest = ContentDigest(.sha256)
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw ContentError.unreadable(path: path, reason: error.localizedDescription)
            }
            if chunk.isEmpty { break }
            digest.update(chunk)
        }
        return digest.finalize()
    }

    /// The hex SHA-256 of a string's UTF-8 bytes.
    public static func hex(of text: String) -> String {
        let digest = ContentDigest(.sha256)
        digest.update(text)
        return digest.finalize()
    }
}
