import Foundation

/// A PyTorch `.bin` written by `torch.save(state_dict)`: a zip of stored members
/// `<prefix>/data.pkl` and `<prefix>/data/<key>`. Tensors are read in place from the memory map.
public final class TorchCheckpointFile: MappedTensorFile, @unchecked Sendable {  // immutable after init; reads use pread
    public let path: String
    /// Tensors in state-dict order.
    public let tensors: [TensorInfo]
    let file: MappedFile
    private let offsets: [String: Int]

    private init(path: String, file: MappedFile, tensors: [TensorInfo], offsets: [String: Int]) {
        self.path = path
        self.file = file
        self.tensors = tensors
        self.offsets = offsets
    }

    func dataOffset(of name: String) -> Int? { offsets[name] }

    /// Maps `path`, reads its zip directory and its pickle (strictly), and resolves every tensor.
    public static func open(_ path: String) throws -> TorchCheckpointFile {
        let file = try MappedFile(path: path)
        // Before torch 1.6 files were a bare pickle stream (starting with PROTO 0x80).
        if file.count >= 2, file.bytes[0] == 0x80, file.readLE(UInt32.self, at: 0) != 0x0403_4B50 {
            throw FormatError.legacyTorchFormat(path: path)
        }
        let zip = try ZipDirectory(file: file)
        guard let pkl = zip.entries.first(where: { $0.name.hasSuffix("/data.pkl") && !$0.name.dropLast(9).contains("/") })
            ?? zip.entry("data.pkl") else {
            throw FormatError.missingEntry(path: path, entry: "<prefix>/data.pkl")
        }
        let prefix = String(pkl.name.dropLast("data.pkl".count))
        if let bo = zip.entry(prefix + "byteorder") {
            guard let b = try stored(bo, in: file, path: path).flatMap({ String(validating: $0, as: UTF8.self) }) else {
                throw FormatError.missingEntry(path: path, entry: bo.name)
            }
            guard b.trimmingCharacters(in: .whitespacesAndNewlines) == "little" else {
                throw FormatError.pickleMalformed(path: path, detail: "byteorder '\(b)' is not supported (little-endian only)")
            }
        }
        guard try stored(pkl, in: file, path: path) != nil else { throw FormatError.missingEntry(path: path, entry: pkl.name) }
        // Copied with pread, not parsed in the map: a file truncated meanwhile is an error, not a SIGBUS.
        var pklBytes = [UInt8](repeating: 0, count: pkl.size)
        try pklBytes.withUnsafeMutableBytes { if let base = $0.baseAddress { try file.read(offset: pkl.dataOffset, count: pkl.size, into: base) } }
        let refs = try pklBytes.withUnsafeBytes { try TorchPickleReader.read($0, path: path) }

        var tensors: [TensorInfo] = []
        var offsets: [String: Int] = [:]
        tensors.reserveCapacity(refs.count)
        for r in refs {
            let member = prefix + "data/" + r.storage.key
            guard let entry = zip.entry(member) else { throw FormatError.missingEntry(path: path, entry: member) }
            guard entry.method == 0, entry.compressedSize == entry.size else { throw FormatError.compressedEntry(path: path, entry: member) }
            let size = r.storage.dtype.byteSize
            guard let numel = TensorInfo.elementCount(of: r.shape) else { throw FormatError.sizeOverflow(path: path, tensor: r.name) }
            let (storageBytes, o1) = r.storage.elementCount.multipliedReportingOverflow(by: size)
            guard !o1, storageBytes == entry.size else {
                throw FormatError.invalidTensorEntry(path: path, tensor: r.name,
                                                     detail: "storage '\(member)' holds \(entry.size) bytes, expected \(r.storage.elementCount) x \(size)")
            }
            guard numel == 0 || r.isContiguous else { throw FormatError.nonContiguous(path: path, tensor: r.name) }
            let (end, o2) = r.storageOffset.addingReportingOverflow(numel)
            guard !o2, end <= r.storage.elementCount else {
                throw FormatError.invalidTensorEntry(path: path, tensor: r.name, detail: "elements [\(r.storageOffset), +\(numel)) exceed storage '\(member)'")
            }
            tensors.append(TensorInfo(name: r.name, dtype: r.storage.dtype, shape: r.shape, byteCount: numel * size, sourceFile: path))
            offsets[r.name] = entry.dataOffset + r.storageOffset * size
        }
        return TorchCheckpointFile(path: path, file: file, tensors: tensors, offsets: offsets)
    }

    private static func stored(_ e: ZipDirectory.Entry, in file: MappedFile, path: String) throws -> UnsafeRawBufferPointer? {
        guard e.method == 0, e.compressedSize == e.size else { throw FormatError.compressedEntry(path: path, entry: e.name) }
        return file.slice(offset: e.dataOffset, count: e.size)
    }
}
