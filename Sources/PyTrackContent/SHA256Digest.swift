import COpenSSL
import Foundation

/// Streaming SHA-256 over OpenSSL's EVP interface (SHA-NI/AVX2 code paths where the CPU has them).
/// Not thread-safe: one digest per thread.
public struct SHA256Digest: ~Copyable {
    private let context: OpaquePointer

    public init() {
        guard let ctx = EVP_MD_CTX_new(), EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not initialise a SHA-256 context (out of memory)")
        }
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds the UTF-8 bytes of a string.
    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Ends the digest; returns the lowercase hex form.
    public consuming func finalize() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// The hex SHA-256 of a whole file, read sequentially in 4 MiB chunks (bounded memory).
    public static func file(at path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ContentError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        var digest = SHA256Digest()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw ContentError.unreadable(path: path, reason: error.localizedDescription)
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { digest.update($0) }
        }
        return digest.finalize()
    }

    /// The hex SHA-256 of a byte string.
    public static func hex(of text: String) -> String {
        var digest = SHA256Digest()
        digest.update(text)
        return digest.finalize()
    }
}
