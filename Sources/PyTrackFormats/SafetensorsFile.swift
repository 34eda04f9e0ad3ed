/// A `.safetensors` file, memory-mapped and fully validated on open.
///
/// Layout: u64 little-endian header length N, N bytes of UTF-8 JSON
/// `{name: {dtype, shape, data_offsets: [b, e]}, "__metadata__": {...}}`, then the data region,
/// which the tensors must tile exactly (no gaps, no overlap, `e - b == numel * dtype size`).
public final class SafetensorsFile: MappedTensorFile, @unchecked Sendable {  // immutable after init; reads use pread
    /// Largest header accepted (bytes).
    public static let maxHeaderLength: UInt64 = 100_000_000

    public let path: String
    /// Tensors in header order.
    public let tensors: [TensorInfo]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]
    let file: MappedFile
    private let offsets: [String: Int]

    private init(path: String, file: MappedFile, tensors: [TensorInfo], metadata: [String: String], offsets: [String: Int]) {
        self.path = path
        self.file = file
        self.tensors = tensors
        self.metadata = metadata
        self.offsets = offsets
    }

    func dataOffset(of name: String) -> Int? { offsets[name] }

    /// Maps and validates the file at `path`.
    public static func open(_ path: String) throws -> SafetensorsFile {
        let file = try MappedFile(path: path)
        guard let n64 = file.readLE(UInt64.self, at: 0) else {
            throw FormatError.truncated(path: path, detail: "\(file.count) bytes, shorter than the 8-byte header length")
        }
        guard n64 <= maxHeaderLength else { throw FormatError.headerTooLarge(path: path, length: n64) }
        let n = Int(n64)
        guard n <= file.count - 8 else {
            throw FormatError.truncated(path: path, detail: "header of \(n) bytes but only \(file.count - 8) follow")
        }
        // Copied with pread, not parsed in the map: a file truncated meanwhile is an error, not a SIGBUS.
        var headerBytes = [UInt8](repeating: 0, count: n)
        try headerBytes.withUnsafeMutableBytes { if let base = $0.baseAddress { try file.read(offset: 8, count: n, into: base) } }
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw FormatError.headerNotUTF8(path: path) }
        let json: JSONValue
        do {
            json = try StrictJSON.parse(headerBytes)
        } catch let f as StrictJSON.Failure {
            if let key = f.duplicateKey, f.duplicateDepth == 0 { throw FormatError.duplicateTensor(path: path, name: key) }
            throw FormatError.invalidJSON(path: path, detail: "header: \(f)")
        }
        guard case let .object(pairs) = json else { throw FormatError.invalidJSON(path: path, detail: "header is not an object") }

        let dataStart = 8 + n
        let dataLength = file.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(info: TensorInfo, begin: Int, end: Int)] = []
        entries.reserveCapacity(pairs.count)
        for (name, value) in pairs {
            if name == "__metadata__" {
                guard case let .object(m) = value else {
                    throw FormatError.invalidJSON(path: path, detail: "__metadata__ is not an object")
                }
                for (k, v) in m {
                    guard let s = v.stringValue else {
                        throw FormatError.invalidJSON(path: path, detail: "__metadata__ value of '\(k)' is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try entry(name: name, value: value, path: path))
        }

        // Offsets must lie in the data region; a file whose tensors tile a region longer than
        // what is on disk was cut short.
        if let last = entries.max(by: { $0.end < $1.end }), last.end > dataLength {
            var total = 0
            var fits = true
            for e in entries {
                let (s, o) = total.addingReportingOverflow(e.end - e.begin)
                if o { fits = false; break }
                total = s
            }
            if fits && total == last.end {
                throw FormatError.truncated(path: path, detail: "tensor data needs \(last.end) bytes after the header, \(dataLength) present")
            }
            throw FormatError.offsetsOutOfRange(path: path, tensor: last.info.name, begin: last.begin, end: last.end, dataLength: dataLength)
        }
        let sorted = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        var previous: String?
        for e in sorted {
            if e.begin < expected, let previous { throw FormatError.overlappingTensors(path: path, first: previous, second: e.info.name) }
            if e.begin > expected {
                throw FormatError.gapInData(path: path, after: previous ?? "(start)", begin: expected, end: e.begin)
            }
            expected = e.end
            previous = e.info.name
        }
        if expected != dataLength {
            throw FormatError.gapInData(path: path, after: previous ?? "(start)", begin: expected, end: dataLength)
        }
        var offsets: [String: Int] = [:]
        offsets.reserveCapacity(entries.count)
        for e in entries { offsets[e.info.name] = dataStart + e.begin }
        return SafetensorsFile(path: path, file: file, tensors: entries.map(\.info), metadata: metadata, offsets: offsets)
    }

    private static func entry(name: String, value: JSONValue, path: String) throws -> (info: TensorInfo, begin: Int, end: Int) {
        guard case .object = value else { throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "entry is not an object") }
        guard let dtypeName = value["dtype"]?.stringValue else {
            throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "missing or non-string dtype")
        }
        guard let dtype = DType(rawValue: dtypeName) else { throw FormatError.unknownDType(path: path, tensor: name, dtype: dtypeName) }
        guard case let .array(dims)? = value["shape"] else {
            throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "missing or non-array shape")
        }
        var shape: [Int] = []
        for d in dims {
            guard case let .number(text) = d else {
                throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "shape holds a non-integer")
            }
            guard let v = Int(text) else {
                if UInt64(text) != nil { throw FormatError.sizeOverflow(path: path, tensor: name) }
                throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "shape holds '\(text)', not a non-negative integer")
            }
            guard v >= 0 else {
                throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "shape holds '\(text)', not a non-negative integer")
            }
            shape.append(v)
        }
        guard case let .array(offs)? = value["data_offsets"], offs.count == 2 else {
            throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "data_offsets must be [begin, end]")
        }
        guard let b = offs[0].intValue, let e = offs[1].intValue, b >= 0, e >= b else {
            throw FormatError.invalidTensorEntry(path: path, tensor: name, detail: "data_offsets must be integers with 0 <= begin <= end")
        }
        guard let numel = TensorInfo.elementCount(of: shape) else { throw FormatError.sizeOverflow(path: path, tensor: name) }
        let (bytes, o) = numel.multipliedReportingOverflow(by: dtype.byteSize)
        guard !o else { throw FormatError.sizeOverflow(path: path, tensor: name) }
        guard e - b == bytes else { throw FormatError.byteCountMismatch(path: path, tensor: name, expected: bytes, actual: e - b) }
        return (TensorInfo(name: name, dtype: dtype, shape: shape, byteCount: bytes, sourceFile: path), b, e)
    }
}
