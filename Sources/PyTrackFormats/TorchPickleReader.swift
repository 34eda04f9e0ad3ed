/// A strict reader for the pickle that `torch.save(state_dict)` writes as `data.pkl`.
///
/// It interprets only the opcodes and globals a state dict needs (an `OrderedDict` of
/// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` calls whose storages come from
/// `persistent_load(("storage", <Type>Storage, key, location, numel))`) and refuses everything else.
/// Nothing is ever executed: globals are names matched against an allow-list.
public struct TorchPickleReader {
    /// A storage referenced by a persistent id.
    public struct StorageRef: Sendable, Equatable {
        public let dtype: DType
        /// The archive member `<prefix>/data/<key>`.
        public let key: String
        public let elementCount: Int
    }

    /// One tensor of the state dict, as the pickle describes it.
    public struct TensorRef: Sendable, Equatable {
        public let name: String
        public let storage: StorageRef
        public let storageOffset: Int
        public let shape: [Int]
        public let stride: [Int]

        /// Whether `stride` is the row-major stride of `shape` (size-1 dimensions may have any stride).
        public var isContiguous: Bool {
            var expected = 1
            for (d, s) in zip(shape, stride).reversed() {
                if d != 1 && s != expected { return false }
                expected = expected &* d
            }
            return true
        }
    }

    /// The storage type globals torch writes, with their element type.
    static let storageTypes: [String: DType] = [
        "HalfStorage": .f16, "FloatStorage": .f32, "DoubleStorage": .f64, "BFloat16Storage": .bf16,
        "ByteStorage": .u8, "CharStorage": .i8, "ShortStorage": .i16, "IntStorage": .i32,
        "LongStorage": .i64, "BoolStorage": .bool,
    ]

    /// Deepest nesting of tuples and dicts accepted. A state dict needs about 4; a hostile pickle of
    /// 50,000 nested tuples would otherwise overflow the stack when the nested value is freed.
    public static let maxNestingDepth = 64

    /// A dict under construction. Once put inside another container it is sealed: a later SETITEM on
    /// it is refused, so the nesting depth recorded at insertion stays true (and no cycle can form).
    private final class Dict {
        var items: [(key: Value, value: Value)] = []
        var depth = 1
        var sealed = false
    }

    private indirect enum Value {
        case none, bool(Bool), int(Int), string(String), tuple([Value], depth: Int), dict(Dict)
        case global(module: String, name: String), storage(StorageRef)
        case tensor(StorageRef, offset: Int, shape: [Int], stride: [Int])
    }

    /// Reads the state dict from pickle bytes; `path` names the file in errors.
    public static func read(_ bytes: UnsafeRawBufferPointer, path: String) throws -> [TensorRef] {
        var r = TorchPickleReader(bytes: bytes, path: path)
        return try r.run()
    }

    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var pos = 0
    private var stack: [Value] = []
    private var marks: [Int] = []
    private var memo: [Int: Value] = [:]

    private init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    private func malformed(_ d: String) -> FormatError { .pickleMalformed(path: path, detail: d) }

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - pos else { throw malformed("unexpected end at byte \(pos)") }
        let s = UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + n)])
        pos += n
        return s
    }

    private mutating func u8() throws -> Int { Int(try take(1)[0]) }

    private mutating func le(_ n: Int) throws -> UInt64 {
        let b = try take(n)
        var v: UInt64 = 0
        for k in (0..<n).reversed() { v = v << 8 | UInt64(b[k]) }
        return v
    }

    private mutating func line() throws -> String {
        guard let nl = bytes[pos...].firstIndex(of: 0x0A) else { throw malformed("unterminated GLOBAL at byte \(pos)") }
        let b = try take(nl - pos)
        pos += 1
        guard let s = String(validating: b, as: UTF8.self) else { throw malformed("non-UTF-8 GLOBAL name") }
        return s
    }

    private mutating func utf8(_ n: Int) throws -> String {
        guard let s = String(validating: try take(n), as: UTF8.self) else { throw malformed("invalid UTF-8 string at byte \(pos)") }
        return s
    }

    private mutating func pop() throws -> Value {
        guard let v = stack.popLast() else { throw malformed("stack underflow at byte \(pos)") }
        return v
    }

    private mutating func popMark() throws -> [Value] {
        guard let m = marks.popLast(), m <= stack.count else { throw malformed("no MARK at byte \(pos)") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    /// Nesting depth of `v` (1 for a scalar), known without walking it.
    private static func depth(_ v: Value) -> Int {
        switch v {
        case let .tuple(_, d): return d
        case let .dict(d): return d.depth
        case .tensor: return 2
        default: return 1
        }
    }

    /// Marks `v` as held by a container: a dict can no longer be modified.
    private static func seal(_ v: Value) {
        if case let .dict(d) = v { d.sealed = true }
    }

    private func tuple(_ items: [Value], at offset: Int) throws -> Value {
        var d = 1
        for v in items {
            Self.seal(v)
            d = max(d, 1 + Self.depth(v))
        }
        guard d <= Self.maxNestingDepth else { throw malformed("nesting deeper than \(Self.maxNestingDepth) at byte \(offset)") }
        return .tuple(items, depth: d)
    }

    private func insert(_ key: Value, _ value: Value, into d: Dict, at offset: Int) throws {
        Self.seal(key)
        Self.seal(value)   // first, so a dict inserted into itself is refused too
        guard !d.sealed else { throw malformed("dict modified after it was used at byte \(offset)") }
        d.depth = max(d.depth, 1 + Self.depth(key), 1 + Self.depth(value))
        guard d.depth <= Self.maxNestingDepth else { throw malformed("nesting deeper than \(Self.maxNestingDepth) at byte \(offset)") }
        d.items.append((key, value))
    }

    private func int(_ v: Value, _ what: String) throws -> Int {
        guard case let .int(i) = v else { throw malformed("\(what) is not an integer") }
        return i
    }

    private func ints(_ v: Value, _ what: String) throws -> [Int] {
        guard case let .tuple(items, _) = v else { throw malformed("\(what) is not a tuple") }
        return try items.map { try int($0, what) }
    }

    private mutating func run() throws -> [TensorRef] {
        while true {
            let at = pos
            let op = UInt8(try u8())
            switch op {
            case 0x80: // PROTO
                let v = try u8()
                guard v >= 2 && v <= 5 else { throw malformed("pickle protocol \(v)") }
            case 0x95: _ = try take(8) // FRAME (protocol 4): framing only
            case 0x7D: stack.append(.dict(Dict())) // EMPTY_DICT
            case 0x29: stack.append(.tuple([], depth: 1)) // EMPTY_TUPLE
            case 0x28: marks.append(stack.count) // MARK
            case 0x58: // BINUNICODE
                let n = try le(4)
                stack.append(.string(try utf8(Int(n))))
            case 0x8C: stack.append(.string(try utf8(try u8()))) // SHORT_BINUNICODE
            case 0x4B: stack.append(.int(try u8())) // BININT1
            case 0x4D: stack.append(.int(Int(try le(2)))) // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try le(4))))) // BININT
            case 0x8A: // LONG1: little-endian two's complement of n bytes
                let n = try u8()
                guard n <= 8 else { throw malformed("LONG1 of \(n) bytes at byte \(at)") }
                if n == 0 { stack.append(.int(0)); break }
                let raw = try le(n)
                let shift = UInt64(64 - 8 * n)
                stack.append(.int(Int(Int64(bitPattern: raw << shift) >> Int64(shift))))
            case 0x88: stack.append(.bool(true)) // NEWTRUE
            case 0x89: stack.append(.bool(false)) // NEWFALSE
            case 0x4E: stack.append(.none) // NONE
            case 0x74: stack.append(try tuple(try popMark(), at: at)) // TUPLE
            case 0x85: stack.append(try tuple([try pop()], at: at)) // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(try tuple([a, b], at: at)) // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(try tuple([a, b, c], at: at)) // TUPLE3
            case 0x63: // GLOBAL
                let module = try line(), name = try line()
                try checkGlobal(module: module, name: name)
                stack.append(.global(module: module, name: name))
            case 0x51: stack.append(try persistentLoad(try pop())) // BINPERSID
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(try reduce(callable, args))
            case 0x62: // BUILD: only an OrderedDict's instance state (e.g. `_metadata`), which is ignored
                let state = try pop()
                guard case .dict? = stack.last, case .dict = state else { throw malformed("BUILD on a non-dict at byte \(at)") }
            case 0x73: // SETITEM
                let v = try pop(), k = try pop()
                guard case let .dict(d)? = stack.last else { throw malformed("SETITEM on a non-dict at byte \(at)") }
                try insert(k, v, into: d, at: at)
            case 0x75: // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0, case let .dict(d)? = stack.last else { throw malformed("SETITEMS on a non-dict at byte \(at)") }
                for k in stride(from: 0, to: items.count, by: 2) { try insert(items[k], items[k + 1], into: d, at: at) }
            case 0x71: memo[try u8()] = stack.last // BINPUT
            case 0x72: memo[Int(try le(4))] = stack.last // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last // MEMOIZE
            case 0x68, 0x6A: // BINGET, LONG_BINGET
                let k = op == 0x68 ? try u8() : Int(try le(4))
                guard let v = memo[k] else { throw malformed("memo \(k) unset at byte \(at)") }
                stack.append(v)
            case 0x2E: // STOP
                return try stateDict(try pop())
            default:
                throw FormatError.pickleOpcode(path: path, opcode: op, offset: at)
            }
        }
    }

    private func checkGlobal(module: String, name: String) throws {
        switch (module, name) {
        case ("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_parameter"):
            return
        case ("torch", _) where Self.storageTypes[name] != nil:
            return
        default:
            throw FormatError.pickleGlobal(path: path, module: module, name: name)
        }
    }

    private func persistentLoad(_ pid: Value) throws -> Value {
        guard case let .tuple(t, _) = pid, t.count == 5, case .string("storage") = t[0],
              case let .global("torch", typeName) = t[1], let dtype = Self.storageTypes[typeName],
              case let .string(key) = t[2], case .string = t[3] else {
            throw malformed("persistent id is not ('storage', <Type>Storage, key, location, numel)")
        }
        let n = try int(t[4], "storage size")
        guard n >= 0 else { throw malformed("negative storage size") }
        return .storage(StorageRef(dtype: dtype, key: key, elementCount: n))
    }

    private func reduce(_ callable: Value, _ args: Value) throws -> Value {
        guard case let .global(module, name) = callable, case let .tuple(a, _) = args else {
            throw malformed("REDUCE of a non-global")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            guard a.isEmpty else { throw malformed("OrderedDict with arguments") }
            return .dict(Dict())
        case ("torch._utils", "_rebuild_tensor_v2"):
            guard a.count >= 4, case let .storage(s) = a[0] else { throw malformed("_rebuild_tensor_v2 arguments") }
            let offset = try int(a[1], "storage offset")
            let shape = try ints(a[2], "size"), stride = try ints(a[3], "stride")
            guard offset >= 0, shape.count == stride.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw malformed("tensor offset/size/stride invalid")
            }
            return .tensor(s, offset: offset, shape: shape, stride: stride)
        case ("torch._utils", "_rebuild_parameter"):
            guard let first = a.first, case .tensor = first else { throw malformed("_rebuild_parameter arguments") }
            return first
        default:
            throw FormatError.pickleGlobal(path: path, module: module, name: name)
        }
    }

    private func stateDict(_ top: Value) throws -> [TensorRef] {
        guard case let .dict(d) = top else { throw malformed("top-level object is not a dict") }
        var out: [TensorRef] = []
        var seen = Set<String>()
        for (k, v) in d.items {
            guard case let .string(name) = k else { throw malformed("state dict key is not a string") }
            guard case let .tensor(s, offset, shape, stride) = v else { throw malformed("value of '\(name)' is not a tensor") }
            guard seen.insert(name).inserted else { throw FormatError.duplicateTensor(path: path, name: name) }
            out.append(TensorRef(name: name, storage: s, storageOffset: offset, shape: shape, stride: stride))
        }
        return out
    }
}
