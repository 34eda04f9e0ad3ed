/// Text that came from outside (the hub, a file, a database) made safe to print on a terminal line.
public enum TerminalText {
    /// `s` with every control character written out visibly, so that it can neither move the cursor,
    /// retitle the window, hide text nor break a one-line message: C0 controls and DEL as `\0`, `\t`,
    /// `\n`, `\r`, `\e` or `\xHH`; C1 controls (U+0080-U+009F) as `\u{HH}`; Unicode format characters
    /// that reorder or hide text (bidi overrides and isolates, zero-width marks, soft hyphen, BOM:
    /// general category Cf) and the line and paragraph separators as `\u{XXXX}`. Everything else,
    /// backslashes included, is kept as it is, so escaping twice gives the same text as escaping once.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            guard needsEscape(u) else { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x00: out += "\\0"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(u.value)
            default: out += "\\u{" + hex(u.value) + "}"
            }
        }
        return out
    }

    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x20 || (0x7F...0x9F).contains(u.value) { return true }  // C0, DEL, C1 (CSI, OSC, ...)
        if u.value < 0xA0 { return false }
        switch u.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true  // bidi, zero-width, BOM, U+2028/9
        default: return false
        }
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return h.count < 2 ? "0" + h : h
    }
}
