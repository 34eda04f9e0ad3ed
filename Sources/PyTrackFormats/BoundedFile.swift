import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small files (config.json, shard indexes) whole, with a size cap, refusing anything but a
/// regular file before reading: a FIFO cannot hang the reader and a 400 MB "config" is never loaded.
public enum BoundedFile {
    /// Largest `config.json` read (1 MiB; Pythia's are under 1 KB).
    public static let configLimit = 1 << 20
    /// Largest shard index json read (64 MiB; the 12b index is about 30 KB).
    public static let indexLimit = 64 << 20

    /// The whole file at `path`; throws `FormatError.fileTooLarge` above `limit` bytes.
    public static func read(_ path: String, limit: Int) throws -> Data {
        let fd = try MappedFile.openRegular(path)
        defer { close(fd) }
        let size = try MappedFile.size(of: fd, path: path)
        guard size <= limit else { throw FormatError.fileTooLarge(path: path, bytes: size, limit: limit) }
        var data = Data(count: size)
        var done = 0
        try data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            while done < size, let base = raw.baseAddress {
                let n = pread(fd, base + done, size - done, off_t(done))
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    throw FormatError.cannotOpen(path: path, reason: "read failed: \(String(cString: strerror(code)))", errno: code)
                }
                if n == 0 { break }
                done += n
            }
        }
        // A file that grew meanwhile is read up to the size checked; one that shrank is read as it is now.
        return done == size ? data : data.prefix(done)
    }
}
