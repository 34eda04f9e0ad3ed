/// The central directory of a zip archive read straight from a memory map (zip64 included),
/// giving each entry's data offset so stored entries can be read in place, never extracted.
public struct ZipDirectory: Sendable {
    /// One archive member.
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// 0 = stored, 8 = deflate, ...
        public let method: UInt16
        public let compressedSize: Int
        public let size: Int
        /// Absolute offset of the member's data (after its local header).
        public let dataOffset: Int
    }

    public let entries: [Entry]
    private let byName: [String: Int]

    /// The entry called `name`.
    public func entry(_ name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// Parses the directory of `file`; throws `FormatError.notZip` when the structure is broken.
    public init(file: MappedFile) throws {
        let path = file.path
        func bad(_ d: String) -> FormatError { .notZip(path: path, detail: d) }
        func u16(_ o: Int) throws -> Int {
            guard let v = file.readLE(UInt16.self, at: o) else { throw bad("record at byte \(o) runs past the end") }
            return Int(v)
        }
        func u32(_ o: Int) throws -> Int {
            guard let v = file.readLE(UInt32.self, at: o) else { throw bad("record at byte \(o) runs past the end") }
            return Int(v)
        }
        func u64(_ o: Int) throws -> Int {
            guard let v = file.readLE(UInt64.self, at: o) else { throw bad("record at byte \(o) runs past the end") }
            guard v <= UInt64(Int.max) else { throw bad("64-bit field at byte \(o) is too large") }
            return Int(v)
        }

        // End of central directory: the last 0x06054b50 within 22 + 65535 bytes of the end.
        let size = file.count
        guard size >= 22 else { throw bad("\(size) bytes, too short for a zip end record") }
        var eocd = -1
        var p = size - 22
        let lowest = max(0, size - 22 - 65535)
        while p >= lowest {
            if file.readLE(UInt32.self, at: p) == 0x0605_4B50, let clen = file.readLE(UInt16.self, at: p + 20),
               p + 22 + Int(clen) == size {
                eocd = p
                break
            }
            p -= 1
        }
        guard eocd >= 0 else { throw bad("no end-of-central-directory record (truncated?)") }
        var count = try u16(eocd + 10)
        var cdSize = try u32(eocd + 12)
        var cdOffset = try u32(eocd + 16)
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // zip64 end-of-central-directory locator sits right before the end record.
            guard eocd >= 20, try u32(eocd - 20) == 0x0706_4B50 else { throw bad("zip64 locator missing") }
            let z = try u64(eocd - 20 + 8)
            guard try u32(z) == 0x0606_4B50 else { throw bad("zip64 end record missing at byte \(z)") }
            count = try u64(z + 32)
            cdSize = try u64(z + 40)
            cdOffset = try u64(z + 48)
        }
        guard cdOffset <= size, cdSize <= size - cdOffset else { throw bad("central directory outside the file") }

        var entries: [Entry] = []
        var byName: [String: Int] = [:]
        var q = cdOffset
        for _ in 0..<count {
            guard try u32(q) == 0x0201_4B50 else { throw bad("bad central directory record at byte \(q)") }
            let method = UInt16(try u16(q + 10))
            var csize = try u32(q + 20)
            var usize = try u32(q + 24)
            let nameLen = try u16(q + 28), extraLen = try u16(q + 30), commentLen = try u16(q + 32)
            var lho = try u32(q + 42)
            guard let nameBytes = file.slice(offset: q + 46, count: nameLen),
                  let name = String(validating: nameBytes, as: UTF8.self) else { throw bad("bad entry name at byte \(q)") }
            // zip64 extended information (id 1): only the fields that were saturated, in this order.
            var e = q + 46 + nameLen
            let extraEnd = e + extraLen
            while e + 4 <= extraEnd {
                let id = try u16(e), len = try u16(e + 2)
                if id == 0x0001 {
                    var f = e + 4
                    if usize == 0xFFFF_FFFF { usize = try u64(f); f += 8 }
                    if csize == 0xFFFF_FFFF { csize = try u64(f); f += 8 }
                    if lho == 0xFFFF_FFFF { lho = try u64(f); f += 8 }
                    guard f <= e + 4 + len else { throw bad("short zip64 field for '\(name)'") }
                }
                e += 4 + len
            }
            guard try u32(lho) == 0x0403_4B50 else { throw bad("bad local header for '\(name)' at byte \(lho)") }
            let localName = try u16(lho + 26), localExtra = try u16(lho + 28)
            let dataOffset = lho + 30 + localName + localExtra
            guard dataOffset <= size, csize <= size - dataOffset else { throw bad("data of '\(name)' runs past the end (truncated?)") }
            guard byName[name] == nil else { throw bad("duplicate entry '\(name)'") }
            byName[name] = entries.count
            entries.append(Entry(name: name, method: method, compressedSize: csize, size: usize, dataOffset: dataOffset))
            q = q + 46 + nameLen + extraLen + commentLen
        }
        self.entries = entries
        self.byName = byName
    }
}
