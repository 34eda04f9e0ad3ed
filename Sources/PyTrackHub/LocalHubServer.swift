import Foundation

/// Runs tools/testhub/hub_server.py (a real local hub with fault injection) with python3 through
/// Foundation.Process, waits for its `READY <url>` line, and stops it. Used by the tests; `pytrack demo`
/// serves its suite with the Swift `LocalHub` (PyTrackLocalHub) instead, so it needs no Python.
public final class LocalHubServer {
    /// A request the server saw (`GET /_control/log`).
    public struct LoggedRequest: Equatable {
        public var listener: String
        public var method: String
        public var path: String
        public var range: String?
        public var auth: Bool
        public var status: Int
    }

    /// `http://127.0.0.1:PORT`: use as the hub endpoint.
    public let endpoint: String
    private let process: Process
    private let stdinPipe: Pipe
    private let control: HTTPTransfer

    /// Starts the server on `root` (`<org>/<name>/<revision>/<files>`), ephemeral ports.
    /// `extraArguments` go to hub_server.py (e.g. `--page-size 2`, `--fault JSON`).
    public init(root: URL, script: URL, extraArguments: [String] = [], python: String = "python3", timeout: Double = 30) throws {
        guard FileManager.default.fileExists(atPath: script.path) else { throw HubError.server("\(script.path) does not exist") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, script.path, "--root", root.path] + extraArguments
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        p.standardError = FileHandle.standardError
        do { try p.run() } catch { throw HubError.server("cannot run \(python) \(script.path): \(error.localizedDescription)") }
        // Read the READY line (bounded wait).
        let ready = DispatchSemaphore(value: 0)
        let box = LineBox()
        let reader = out.fileHandleForReading
        Thread.detachNewThread {
            var bytes = [UInt8]()
            while true {
                let chunk = reader.readData(ofLength: 1)
                if chunk.isEmpty { break }
                if chunk[0] == UInt8(ascii: "\n") { box.set(String(decoding: bytes, as: UTF8.self)); break }
                bytes.append(chunk[0])
                if bytes.count > 4096 { break }
            }
            ready.signal()
        }
        let timedOut = ready.wait(timeout: .now() + timeout) == .timedOut
        guard !timedOut, let line = box.get(), line.hasPrefix("READY ") else {
            p.terminate()
            throw HubError.server("\(script.path) did not print READY within \(Int(timeout)) s (got: \(box.get() ?? "nothing"))")
        }
        self.endpoint = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        self.process = p
        self.stdinPipe = input
        self.control = try HTTPTransfer(retry: RetryPolicy(maxAttempts: 1))
    }

    deinit { stop() }

    /// Stops the server (closing its stdin, then SIGTERM) and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        try? stdinPipe.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    /// Replaces the active faults with a JSON list (see hub_server.py).
    public func setFaults(_ json: String) throws {
        let r = try control.request("POST", url: endpoint + "/_control/faults", body: Data(json.utf8))
        guard r.status == 200 else { throw HubError.server("setting faults: HTTP \(r.status)") }
    }

    /// Every request seen so far by both listeners.
    public func requestLog() throws -> [LoggedRequest] {
        let r = try control.request("GET", url: endpoint + "/_control/log")
        guard r.status == 200, let items = try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]] else {
            throw HubError.server("reading the request log: HTTP \(r.status)")
        }
        return items.map {
            LoggedRequest(listener: $0["listener"] as? String ?? "", method: $0["method"] as? String ?? "",
                          path: $0["path"] as? String ?? "", range: $0["range"] as? String,
                          auth: $0["auth"] as? Bool ?? false, status: ($0["status"] as? NSNumber)?.intValue ?? 0)
        }
    }

    /// Empties the request log.
    public func clearLog() throws {
        _ = try control.request("DELETE", url: endpoint + "/_control/log")
    }
}

/// The READY line, handed from the reader thread.
private final class LineBox: @unchecked Sendable {  // `line` is guarded by `lock`
    private let lock = NSLock()
    private var line: String?
    func set(_ s: String) { lock.withLock { line = s } }
    func get() -> String? { lock.withLock { line } }
}
