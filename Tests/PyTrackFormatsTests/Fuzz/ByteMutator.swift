/// Seeded byte-level mutations in the style of libFuzzer's: bit flips, interesting values, little-endian
/// integers at random offsets (lengths and offsets are what parsers trust), inserts, deletes, chunk
/// copies and splices with another input. Deterministic for a seed, so a failure can be replayed.
struct ByteMutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// splitmix64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    static let interesting: [UInt64] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF,
                                        0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, UInt64.max, 1 << 40]

    /// `input` with 1 to 8 mutations; `other` is spliced in sometimes.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(8)) {
            switch below(9) {
            case 0 where !b.isEmpty:   // flip a bit
                b[below(b.count)] ^= UInt8(1 << below(8))
            case 1 where !b.isEmpty:   // an interesting byte
                b[below(b.count)] = UInt8(truncatingIfNeeded: Self.interesting[below(Self.interesting.count)])
            case 2 where b.count >= 8: // an interesting little-endian integer of 2, 4 or 8 bytes
                let width = [2, 4, 8][below(3)]
                guard b.count >= width else { break }
                let at = below(b.count - width + 1)
                var v = Self.interesting[below(Self.interesting.count)]
                for k in 0..<width { b[at + k] = UInt8(truncatingIfNeeded: v); v >>= 8 }
            case 3:                    // insert random bytes
                let at = below(b.count + 1)
                b.insert(contentsOf: (0..<(1 + below(16))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
            case 4 where !b.isEmpty:   // delete a range
                let at = below(b.count)
                b.removeSubrange(at..<min(b.count, at + 1 + below(32)))
            case 5 where !b.isEmpty:   // copy a chunk elsewhere
                let from = below(b.count), n = 1 + below(min(64, b.count - from))
                let chunk = Array(b[from..<(from + n)])
                b.insert(contentsOf: chunk, at: below(b.count + 1))
            case 6 where !other.isEmpty: // splice: our head, the other input's tail
                b = Array(b.prefix(below(b.count + 1))) + Array(other.suffix(below(other.count + 1)))
            case 7 where !b.isEmpty:   // truncate
                b.removeLast(below(b.count) + 1)
            case 8 where !b.isEmpty:   // arithmetic on a byte
                let at = below(b.count)
                b[at] = b[at] &+ UInt8(truncatingIfNeeded: below(70)) &- 35
            default:
                break
            }
        }
        return b
    }
}
