/// Why a checkpoint could not be read. Each description is one line naming the file and the problem;
/// names taken from the file (tensor, zip entry, pickle global) have their control characters escaped.
public enum FormatError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(path: String, reason: String, errno: Int32? = nil)
    case truncated(path: String, detail: String)
    case headerTooLarge(path: String, length: UInt64)
    case headerNotUTF8(path: String)
    case invalidJSON(path: String, detail: String)
    case duplicateTensor(path: String, name: String)
    case unknownDType(path: String, tensor: String, dtype: String)
    case invalidTensorEntry(path: String, tensor: String, detail: String)
    case sizeOverflow(path: String, tensor: String)
    case byteCountMismatch(path: String, tensor: String, expected: Int, actual: Int)
    case offsetsOutOfRange(path: String, tensor: String, begin: Int, end: Int, dataLength: Int)
    case overlappingTensors(path: String, first: String, second: String)
    case gapInData(path: String, after: String, begin: Int, end: Int)
    case notZip(path: String, detail: String)
    case legacyTorchFormat(path: String)
    case compressedEntry(path: String, entry: String)
    case missingEntry(path: String, entry: String)
    case pickleOpcode(path: String, opcode: UInt8, offset: Int)
    case pickleGlobal(path: String, module: String, name: String)
    case pickleMalformed(path: String, detail: String)
    case nonContiguous(path: String, tensor: String)
    case unsafeShardPath(path: String, shard: String)
    case noCheckpoint(path: String)
    case unknownTensor(path: String, name: String)
    case unsupportedConversion(path: String, tensor: String, dtype: DType)
    case bufferSize(path: String, tensor: String, expected: Int, actual: Int)
    case fileTooLarge(path: String, bytes: Int, limit: Int)

    public var description: String { TerminalText.escaped(unescapedDescription) }

    private var unescapedDescription: String {
        switch self {
        case let .cannotOpen(p, r, _): return "\(p): cannot open: \(r)"
        case let .truncated(p, d): return "\(p): truncated file: \(d)"
        case let .headerTooLarge(p, n): return "\(p): safetensors header length \(n) exceeds the limit (100 MB) or the file size"
        case let .headerNotUTF8(p): return "\(p): safetensors header is not valid UTF-8"
        case let .invalidJSON(p, d): return "\(p): invalid JSON: \(d)"
        case let .duplicateTensor(p, n): return "\(p): duplicate tensor name '\(n)'"
        case let .unknownDType(p, t, d): return "\(p): tensor '\(t)' has unknown dtype '\(d)'"
        case let .invalidTensorEntry(p, t, d): return "\(p): tensor '\(t)': \(d)"
        case let .sizeOverflow(p, t): return "\(p): tensor '\(t)': size overflows"
        case let .byteCountMismatch(p, t, e, a): return "\(p): tensor '\(t)': data spans \(a) bytes, shape and dtype need \(e)"
        case let .offsetsOutOfRange(p, t, b, e, n): return "\(p): tensor '\(t)': data offsets [\(b), \(e)] outside the data region of \(n) bytes"
        case let .overlappingTensors(p, a, b): return "\(p): tensors '\(a)' and '\(b)' overlap"
        case let .gapInData(p, a, b, e): return "\(p): unused bytes [\(b), \(e)) in the data region after '\(a)'"
        case let .notZip(p, d): return "\(p): not a readable zip archive: \(d)"
        case let .legacyTorchFormat(p): return "\(p): legacy (pre-zip) torch.save format is not supported"
        case let .compressedEntry(p, e): return "\(p): zip entry '\(e)' is compressed; torch checkpoints store entries uncompressed"
        case let .missingEntry(p, e): return "\(p): missing archive entry '\(e)'"
        case let .pickleOpcode(p, o, off): return "\(p): pickle opcode 0x\(String(o, radix: 16)) at byte \(off) is not allowed in a state dict"
        case let .pickleGlobal(p, m, n): return "\(p): pickle refers to global '\(m).\(n)', which is not allowed (nothing executed)"
        case let .pickleMalformed(p, d): return "\(p): malformed pickle: \(d)"
        case let .nonContiguous(p, t): return "\(p): tensor '\(t)' is not contiguous (strided views are not supported)"
        case let .unsafeShardPath(p, s): return "\(p): shard path '\(s)' leaves the checkpoint directory"
        case let .noCheckpoint(p): return "\(p): no model.safetensors, safetensors index, pytorch_model.bin or bin index found"
        case let .unknownTensor(p, n): return "\(p): no tensor named '\(n)'"
        case let .unsupportedConversion(p, t, d): return "\(p): tensor '\(t)': dtype \(d.rawValue) cannot be converted to Float"
        case let .bufferSize(p, t, e, a): return "\(p): tensor '\(t)': buffer holds \(a) elements, tensor has \(e)"
        case let .fileTooLarge(p, n, l): return "\(p): \(n) bytes, over the limit of \(l) bytes for this file"
        }
    }
}
