import Foundation

/// How a checkpoint is stored on disk.
public enum CheckpointFormat: String, Sendable, Codable {
    case safetensors
    case safetensorsSharded = "safetensors-sharded"
    case pytorch
    case pytorchSharded = "pytorch-sharded"
}

/// A checkpoint opened from a file or a directory, read by memory map. Immutable and safe to read
/// from several threads at once.
///
/// Directories are searched in this order: `model.safetensors`, `model.safetensors.index.json`,
/// `pytorch_model.bin`, `pytorch_model.bin.index.json`.
///
///     let ckpt = try Checkpoint.open("snapshots/abc123")
///     let w = try ckpt.floats("gpt_neox.layers.0.attention.dense.weight")
public final class Checkpoint: @unchecked Sendable {  // immutable after open; the files it reads from are Sendable readers
    /// The file or directory it was opened from.
    public let path: String
    public let format: CheckpointFormat
    /// Every tensor, in file order (shard by shard).
    public let tensors: [TensorInfo]
    private let files: [any MappedTensorFile]
    private let locations: [String: (file: Int, offset: Int, index: Int)]

    private init(path: String, format: CheckpointFormat, files: [any MappedTensorFile], only: [String: String]? = nil) throws {
        self.path = path
        self.format = format
        self.files = files
        var tensors: [TensorInfo] = []
        var locations: [String: (file: Int, offset: Int, index: Int)] = [:]
        for (k, f) in files.enumerated() {
            for t in f.tensors {
                if let only, only[t.name] != URL(fileURLWithPath: t.sourceFile).lastPathComponent { continue }
                guard locations[t.name] == nil else { throw FormatError.duplicateTensor(path: t.sourceFile, name: t.name) }
                guard let off = f.dataOffset(of: t.name) else { throw FormatError.unknownTensor(path: t.sourceFile, name: t.name) }
                locations[t.name] = (k, off, tensors.count)
                tensors.append(t)
            }
        }
        self.tensors = tensors
        self.locations = locations
    }

    /// The weight entry points a checkpoint directory is searched for, in order of preference
    /// (safetensors first: mmap and no pickle).
    public static let directoryEntryNames = ["model.safetensors", "model.safetensors.index.json",
                                             "pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// Opens a `.safetensors` file, a `.bin` file, an index json, or a directory holding one of them.
    public static func open(_ path: String) throws -> Checkpoint {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FormatError.cannotOpen(path: path, reason: "no such file or directory")
        }
        if isDir.boolValue {
            let dir = URL(fileURLWithPath: path)
            for name in directoryEntryNames {
                let p = dir.appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: p) { return try openFile(p) }
            }
            throw FormatError.noCheckpoint(path: path)
        }
        return try openFile(path)
    }

    private static func openFile(_ path: String) throws -> Checkpoint {
        if path.hasSuffix(".index.json") {
            let index = try ShardIndex.read(path)
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
            let pytorch = path.hasSuffix(".bin.index.json")
            let files: [any MappedTensorFile] = try index.shards.map { shard in
                let p = dir.appendingPathComponent(shard).path
                return pytorch ? try TorchCheckpointFile.open(p) : try SafetensorsFile.open(p)
            }
            var only: [String: String] = [:]
            for (t, s) in index.weightMap { only[t] = URL(fileURLWithPath: s).lastPathComponent }
            let ckpt = try Checkpoint(path: path, format: pytorch ? .pytorchSharded : .safetensorsSharded, files: files, only: only)
            for (t, s) in index.weightMap where ckpt.locations[t] == nil {
                throw FormatError.unknownTensor(path: dir.appendingPathComponent(s).path, name: t)
            }
            return ckpt
        }
        // A zip, or a torch file extension, is a torch file; anything else safetensors.
        let isZip = try MappedFile(path: path).readLE(UInt32.self, at: 0) == 0x0403_4B50
        if isZip || [".bin", ".pt", ".pth"].contains(where: { path.hasSuffix($0) }) {
            return try Checkpoint(path: path, format: .pytorch, files: [try TorchCheckpointFile.open(path)])
        }
        return try Checkpoint(path: path, format: .safetensors, files: [try SafetensorsFile.open(path)])
    }

    /// The tensor called `name`, if present.
    public func info(_ name: String) -> TensorInfo? { locations[name].map { tensors[$0.index] } }

    /// Calls `body` with the tensor's raw little-endian bytes, in place in the memory map. The file's
    /// current size is checked first (a truncated file is an error, not a SIGBUS), but a file truncated
    /// while `body` runs can still fault: read tensor data with `readFloats`/`withFloats`, which use `pread`.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let loc = locations[name] else { throw FormatError.unknownTensor(path: path, name: name) }
        let t = tensors[loc.index]
        let file = files[loc.file].file
        guard let bytes = file.slice(offset: loc.offset, count: t.byteCount) else {
            throw FormatError.truncated(path: t.sourceFile, detail: "data of '\(name)' out of range")
        }
        try file.checkStillHolds(offset: loc.offset, count: t.byteCount)
        return try body(bytes)
    }

    /// Elements converted per `pread` chunk in `readFloats` (the raw chunk is at most 8 MiB).
    static let chunkElements = 1 << 20

    /// Converts the tensor into `buffer`, whose count must equal the tensor's element count. The bytes
    /// are read with `pread` (F32 straight into `buffer`, other dtypes chunk by chunk), so a file
    /// truncated underneath gives `FormatError.truncated` naming it instead of a SIGBUS.
    public func readFloats(_ name: String, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let loc = locations[name] else { throw FormatError.unknownTensor(path: path, name: name) }
        let t = tensors[loc.index]
        guard t.dtype.convertsToFloat else { throw FormatError.unsupportedConversion(path: t.sourceFile, tensor: name, dtype: t.dtype) }
        guard buffer.count == t.elementCount else {
            throw FormatError.bufferSize(path: t.sourceFile, tensor: name, expected: t.elementCount, actual: buffer.count)
        }
        let file = files[loc.file].file
        guard file.slice(offset: loc.offset, count: t.byteCount) != nil else {
            throw FormatError.truncated(path: t.sourceFile, detail: "data of '\(name)' out of range")
        }
        guard let out = buffer.baseAddress, t.elementCount > 0 else { return }
        if t.dtype == .f32 {
            try file.read(offset: loc.offset, count: t.byteCount, into: UnsafeMutableRawPointer(out))
            return
        }
        let size = t.dtype.byteSize
        let chunk = min(Self.chunkElements, t.elementCount)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: chunk * size, alignment: 16)
        defer { raw.deallocate() }
        var first = 0
        while first < t.elementCount {
            let n = min(chunk, t.elementCount - first)
            try file.read(offset: loc.offset + first * size, count: n * size, into: raw)
            _ = DTypeConversion.convert(UnsafeRawBufferPointer(start: raw, count: n * size), dtype: t.dtype,
                                        into: UnsafeMutableBufferPointer(start: out + first, count: n))
            first += n
        }
    }

    /// The tensor as a new `[Float]` (row-major).
    public func floats(_ name: String) throws -> [Float] {
        guard let t = info(name) else { throw FormatError.unknownTensor(path: path, name: name) }
        var error: Error?
        let out = [Float](unsafeUninitializedCapacity: t.elementCount) { buf, count in
            do { try readFloats(name, into: buf) } catch let e {
                error = e
                buf.initialize(repeating: 0)
            }
            count = t.elementCount
        }
        if let error { throw error }
        return out
    }

    /// Calls `body` with the tensor as Floats, read (and converted) into a temporary buffer that lives
    /// for the call.
    public func withFloats<R>(_ name: String, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard let t = info(name) else { throw FormatError.unknownTensor(path: path, name: name) }
        let buf = UnsafeMutableBufferPointer<Float>.allocate(capacity: t.elementCount)
        defer { buf.deallocate() }
        try readFloats(name, into: buf)
        return try body(UnsafeBufferPointer(buf))
    }
}
