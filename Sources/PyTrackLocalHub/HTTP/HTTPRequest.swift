import Foundation

/// One parsed HTTP/1.1 request head (request line and headers; the local hub serves no bodies).
struct HTTPRequest: Sendable {
    var method: String
    /// The request target as sent (`/api/models/org/name/tree/step0?recursive=1`).
    var target: String
    var version: String
    /// Header fields, names lower-cased; a repeated field keeps its last value.
    var headers: [String: String]

    /// The target's path, split on `/` and percent-decoded per segment (so `%2F` stays inside a
    /// segment); nil when a segment does not decode.
    var pathSegments: [String]? {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard path.hasPrefix("/") else { return nil }
        var out: [String] = []
        for raw in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let s = String(raw).removingPercentEncoding else { return nil }
            out.append(s)
        }
        return out
    }

    /// The query string's fields (`a=1&b=2`), percent-decoded; the last of a repeated name wins.
    var query: [String: String] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [:] }
        var out: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            out[key] = value
        }
        return out
    }

    /// Whether the connection stays open after the answer (HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive`).
    var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// Why a request head could not be parsed: the status to answer with.
    enum ParseError: Error, Equatable {
        case badRequest(String)
        case headTooLarge
        case unsupported(String)
    }

    /// The longest request head accepted (request line plus headers).
    static let maxHeadBytes = 64 * 1024

    /// Parses a request head (the bytes before the blank line, without it).
    static func parse(head: [UInt8]) throws -> HTTPRequest {
        guard head.count <= maxHeadBytes else { throw ParseError.headTooLarge }
        guard let text = String(bytes: head, encoding: .isoLatin1) else { throw ParseError.badRequest("undecodable head") }
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { throw ParseError.badRequest("malformed request line") }
        let method = String(requestLine[0]), target = String(requestLine[1]), version = String(requestLine[2])
        guard !method.isEmpty, method.allSatisfy({ $0.isASCII && $0.isUppercase }) else { throw ParseError.badRequest("bad method") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw ParseError.unsupported("version \(version)") }
        guard target.hasPrefix("/"), !target.contains(where: { $0.isWhitespace || !$0.isASCII }) else {
            throw ParseError.badRequest("bad request target")
        }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line.first!.isWhitespace else { throw ParseError.badRequest("malformed header line") }
            let name = line[..<colon].lowercased()
            guard !name.contains(where: { $0.isWhitespace }) else { throw ParseError.badRequest("malformed header name") }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["transfer-encoding"] != nil { throw ParseError.unsupported("request bodies (Transfer-Encoding)") }
        if let length = headers["content-length"], length != "0" { throw ParseError.unsupported("request bodies") }
        return HTTPRequest(method: method, target: target, version: version, headers: headers)
    }
}
