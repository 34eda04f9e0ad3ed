import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, plus its open descriptor for `pread`. Immutable after
/// `init`, so safe to read from many threads.
///
/// Headers and directories are parsed from the map; tensor data is read with `read(offset:count:into:)`,
/// which goes through `pread` and reports a file truncated underneath as an error (touching a mapped page
/// past the new end of the file would kill the process with SIGBUS instead).
public final class MappedFile: @unchecked Sendable {  // the mapping and descriptor never change after init; reads are pread
    /// The path the file was opened from.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private let fd: Int32

    /// Maps `path` read-only. Anything but a regular file (a FIFO, a device, a socket, a directory) is
    /// refused before a single byte is read: opening is non-blocking, so a FIFO cannot hang the process.
    public init(path: String) throws {
        self.path = path
        let fd = try Self.openRegular(path)
        let size: Int
        do { size = try Self.size(of: fd, path: path) } catch { close(fd); throw error }
        self.fd = fd
        if size == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            let code = errno
            close(fd)
            throw FormatError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(code)))", errno: code)
        }
        base = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
        close(fd)
    }

    /// Opens `path` for reading without blocking (a FIFO would block a plain `open`) and checks that it
    /// is a regular file; returns the descriptor (close-on-exec).
    static func openRegular(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { let code = errno; throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(code)), errno: code) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(code)), errno: code)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FormatError.cannotOpen(path: path, reason: "not a regular file (\(fileKind(st.st_mode)))")
        }
        return fd
    }

    static func size(of fd: Int32, path: String) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { let code = errno; throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(code)), errno: code) }
        return Int(st.st_size)
    }

    static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "mode \(String(mode & S_IFMT, radix: 8))"
        }
    }

    /// File size in bytes when it was opened.
    public var count: Int { bytes.count }

    /// The file's size now (it may have been truncated since it was opened).
    public func currentSize() throws -> Int { try Self.size(of: fd, path: path) }

    /// Throws `FormatError.truncated` unless the file still holds `[offset, offset + count)`: call it
    /// before touching mapped bytes of a file that another process may truncate.
    public func checkStillHolds(offset: Int, count: Int) throws {
        let now = try currentSize()
        guard offset >= 0, count >= 0, offset <= now, count <= now - offset else {
            throw FormatError.truncated(path: path, detail: "the file shrank from \(bytes.count) to \(now) bytes while it was being read")
        }
    }

    /// Copies `count` bytes at `offset` into `destination` with `pread`; a short read (the file was
    /// truncated underneath) is a `FormatError.truncated`, never a crash.
    public func read(offset: Int, count: Int, into destination: UnsafeMutableRawPointer) throws {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw FormatError.truncated(path: path, detail: "bytes [\(offset), +\(count)) outside the file of \(bytes.count) bytes")
        }
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw FormatError.cannotOpen(path: path, reason: "read failed: \(String(cString: strerror(code)))", errno: code)
            }
            if n == 0 {
                let now = (try? currentSize()) ?? -1
                throw FormatError.truncated(path: path, detail: "the file shrank from \(bytes.count) to \(now) bytes while it was being read")
            }
            done += n
        }
    }

    /// Reads a little-endian integer at `offset`; nil when it does not fit in the file.
    @inlinable
    public func readLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A view of `count` bytes at `offset`; nil when out of range.
    public func slice(offset: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        guard let start = bytes.baseAddress else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: start + offset, count: count)
    }
}
