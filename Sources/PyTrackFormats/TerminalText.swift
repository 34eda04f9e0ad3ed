/// Text that came from a hub, a file or a database, made safe to print on a terminal.
public enum TerminalText {
    /// `s` with every control character shown as a visible escape, so no name can move the cursor,
    /// retitle the window, hide text or break a one-line message: C0 controls (NUL, newline, ESC, ...)
    /// and DEL become `\0`, `\t`, `\n`, `\r`, `\e` or `\xHH`; C1 controls (U+0080-U+009F) become
    /// `\u{HH}`; a backslash stays as it is. Everything else, non-ASCII letters included, is unchanged.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            guard isControl(u) else { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x00: out += "\\0"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            case 0x80...0x9F: out += "\\u{" + hex(u.value) + "}"
            default: out += "\\x" + hex(u.value)
            }
        }
        return out
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value)
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return h.count < 2 ? "0" + h : h
    }
}
