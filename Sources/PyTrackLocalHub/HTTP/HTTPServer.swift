#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A small HTTP/1.1 server on a POSIX socket bound to 127.0.0.1: one accept thread, one thread per
/// connection (at most `maxConnections`; more are answered 503), keep-alive, bounded request heads,
/// idle connections closed after `idleTimeout` seconds, bodies streamed from files in bounded chunks.
final class HTTPServer: @unchecked Sendable {  // mutable state (`active`, `stopping`) is guarded by `state`
    typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// The port the listener is bound to.
    let port: UInt16
    private let listenFD: Int32
    private let handler: Handler
    private let maxConnections: Int
    private let idleTimeout: Int
    private let state = NSCondition()
    private var active: Set<Int32> = []
    private var stopping = false
    private var acceptLoopDone = false

    /// Binds `127.0.0.1:port` (0 = an ephemeral port) and starts accepting.
    init(port: UInt16 = 0, maxConnections: Int = 64, idleTimeout: Int = 30, handler: @escaping Handler) throws {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LocalHubError.socket(step: "socket", errno: errno) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let e = errno
            close(fd)
            throw LocalHubError.socket(step: "bind 127.0.0.1:\(port)", errno: e)
        }
        guard listen(fd, 128) == 0 else {
            let e = errno
            close(fd)
            throw LocalHubError.socket(step: "listen", errno: e)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        self.listenFD = fd
        self.handler = handler
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// Stops accepting, closes every open connection and waits (at most 5 s) for their threads.
    func stop() {
        state.lock()
        defer { state.unlock() }
        if stopping { return }
        stopping = true
        for fd in active { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        let deadline = Date().addingTimeInterval(5)
        while !(active.isEmpty && acceptLoopDone) && state.wait(until: deadline) {}
    }

    // MARK: - Accepting

    private func acceptLoop() {
        defer {
            close(listenFD)
            state.lock()
            acceptLoopDone = true
            state.broadcast()
            state.unlock()
        }
        while true {
            state.lock()
            let stop = stopping
            state.unlock()
            if stop { return }
            var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 200)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
            let client = accept(listenFD, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            #if canImport(Darwin)
            var yes: Int32 = 1
            _ = setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            state.lock()
            let admitted = !stopping && active.count < maxConnections
            if admitted { active.insert(client) }
            state.unlock()
            guard admitted else {
                let busy = HTTPResponse.error(503, code: nil, "too many connections")
                _ = HTTPServer.send(client, busy.head(keepAlive: false))
                if case let .bytes(d) = busy.body { _ = HTTPServer.send(client, d) }
                close(client)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(client)
                state.lock()
                active.remove(client)
                state.broadcast()
                state.unlock()
                close(client)
            }
        }
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: idleTimeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sendTimeout = timeval(tv_sec: 60, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        while true {
            let head: [UInt8]
            switch HTTPServer.readHead(fd, buffer: &buffer) {
            case .closed: return
            case .tooLarge:
                _ = write(fd, HTTPResponse.error(431, code: nil, "request head over \(HTTPRequest.maxHeadBytes) bytes"), keepAlive: false, sendBody: true)
                return
            case let .head(bytes): head = bytes
            }
            let request: HTTPRequest
            do {
                request = try HTTPRequest.parse(head: head)
            } catch let error as HTTPRequest.ParseError {
                let response: HTTPResponse
                switch error {
                case let .badRequest(why): response = .error(400, code: nil, why)
                case .headTooLarge: response = .error(431, code: nil, "request head too large")
                case let .unsupported(what): response = .error(what.hasPrefix("version") ? 505 : 501, code: nil, "unsupported: \(what)")
                }
                _ = write(fd, response, keepAlive: false, sendBody: true)
                return
            } catch {
                return
            }
            let response = handler(request)
            let keepAlive = request.keepAlive
            guard write(fd, response, keepAlive: keepAlive, sendBody: request.method != "HEAD"), keepAlive else { return }
        }
    }

    private enum HeadRead {
        case head([UInt8])
        case closed
        case tooLarge
    }

    /// Reads until the blank line that ends a request head; bytes after it stay in `buffer` (pipelining).
    private static func readHead(_ fd: Int32, buffer: inout [UInt8]) -> HeadRead {
        var searchFrom = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if buffer.count >= 4 {
                var i = max(0, searchFrom - 3)
                while i + 3 < buffer.count {
                    if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                        let head = Array(buffer[0..<i])
                        buffer.removeFirst(i + 4)
                        return .head(head)
                    }
                    i += 1
                }
                searchFrom = buffer.count
            }
            if buffer.count > HTTPRequest.maxHeadBytes { return .tooLarge }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .closed }  // end of stream, idle timeout, or reset
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes a response; false when the connection broke (it is then closed by the caller).
    private func write(_ fd: Int32, _ response: HTTPResponse, keepAlive: Bool, sendBody: Bool) -> Bool {
        guard HTTPServer.send(fd, response.head(keepAlive: keepAlive)) else { return false }
        guard sendBody else { return true }
        switch response.body {
        case let .bytes(data):
            return data.isEmpty || HTTPServer.send(fd, data)
        case let .file(path, offset, length):
            return HTTPServer.sendFile(fd, path: path, offset: offset, length: length)
        }
    }

    private static func send(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in sendAll(fd, raw.baseAddress!, raw.count) }
    }

    private static func sendAll(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Bool {
        var sent = 0
        while sent < count {
            #if os(Linux)
            let n = Glibc.send(fd, base + sent, count - sent, Int32(MSG_NOSIGNAL))
            #else
            let n = Darwin.send(fd, base + sent, count - sent, 0)
            #endif
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Streams `length` bytes of `path` from `offset` in 256 KiB chunks (memory stays bounded).
    private static func sendFile(_ fd: Int32, path: String, offset: Int64, length: Int64) -> Bool {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(chunk.count), length - done))
            let n = chunk.withUnsafeMutableBytes { pread(file, $0.baseAddress, want, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }  // the file shrank under us: break the connection
            guard chunk.withUnsafeBytes({ sendAll(fd, $0.baseAddress!, n) }) else { return false }
            done += Int64(n)
        }
        return true
    }
}
