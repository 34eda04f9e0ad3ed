#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A bare HTTP/1.1 client on a POSIX socket for tests: sends exactly the bytes given and parses what
/// comes back (status, headers, a Content-Length body), so malformed requests, pipelining and the
/// headers of a 302 can be checked without a client library that would follow or repair them.
final class RawHTTP {
    struct Response {
        var status: Int
        /// Names lower-cased.
        var headers: [String: String]
        var body: Data
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var buffer = Data()

    /// Connects to 127.0.0.1:`port` (receive timeout 10 s).
    init(port: UInt16) throws {
        #if os(Linux)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw Failure(description: "connect: errno \(errno)") }
    }

    /// The port of an `http://host:PORT` URL.
    static func port(of url: String) -> UInt16 {
        UInt16(url.split(separator: ":").last.map(String.init) ?? "") ?? 0
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let data = Data(text.utf8)
        let n = data.withUnsafeBytes { sendBytes(fd, $0.baseAddress!, $0.count) }
        guard n == data.count else { throw Failure(description: "send: \(n) of \(data.count) bytes") }
    }

    /// A GET (or other method) with `Host` and the extra header lines.
    func request(_ method: String, _ target: String, headers: [String] = []) throws -> Response {
        try send("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n")
        return try readResponse(head: method == "HEAD")
    }

    /// Reads one response; `head` means no body follows whatever Content-Length says.
    func readResponse(head: Bool = false) throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil { try fill() }
        let end = buffer.range(of: separator)!
        let text = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line in \(text)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = head ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let body = Data(buffer.prefix(length))
        buffer = Data(buffer.dropFirst(length))
        return Response(status: status, headers: headers, body: body)
    }

    /// True when the server closed the connection (reads end of stream within the timeout).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(description: "connection ended (recv \(n), errno \(errno))") }
        buffer.append(contentsOf: chunk[0..<n])
    }
}

private func sendBytes(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
    #if os(Linux)
    return send(fd, base, count, Int32(MSG_NOSIGNAL))
    #else
    return send(fd, base, count, 0)
    #endif
}
