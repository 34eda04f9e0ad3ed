import Foundation

/// An answer of the local hub: status, header fields and a body held in memory or read from a file range.
struct HTTPResponse: Sendable {
    /// Where the body comes from.
    enum Body: Sendable {
        case bytes(Data)
        /// `length` bytes of the file at `path` from `offset`, streamed in bounded chunks.
        case file(path: String, offset: Int64, length: Int64)

        var count: Int64 {
            switch self {
            case let .bytes(d): return Int64(d.count)
            case let .file(_, _, length): return length
            }
        }
    }

    var status: Int
    /// Header fields in the order sent (Content-Length is added when the head is written).
    var headers: [(String, String)]
    var body: Body

    init(status: Int, headers: [(String, String)] = [], body: Body = .bytes(Data())) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (`Content-Type: application/json`).
    static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: .bytes(data))
    }

    /// The hub's error shape: `{"error": message}` with the code in `X-Error-Code` when there is one.
    static func error(_ status: Int, code: String?, _ message: String) -> HTTPResponse {
        json(status, ["error": message], headers: code.map { [("X-Error-Code", $0)] } ?? [])
    }

    /// The status line and header block, Content-Length included.
    func head(keepAlive: Bool) -> Data {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        text += "Server: pytrack-localhub/1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        return Data(text.utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 206: return "Partial Content"
        case 302: return "Found"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 416: return "Range Not Satisfiable"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
