/// Text that came from outside (the hub, a file, a database) made safe to print on a terminal line.
public enum TerminalText {
    /// `s` with every control character written out visibly, so that it can neither move the cursor,
    /// retitle the window, hide text nor break a one-line message: `\n`, `\r`, `\t`, other C0 and C1
    /// controls and DEL as `\xNN`, and Unicode format characters that reorder or hide text (bidi
    /// overrides and isolates, zero-width marks, BOM: general category Cf) and the line and paragraph
    /// separators as `\u{XXXX}` (or `\xNN` below U+0100). Everything else, backslashes
    /// included, is kept as it is, so escaping twice gives the same text as escaping once.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            guard needsEscape(u) else { out.unicodeScalars.append(u); continue }
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(u.value, radix: 16, uppercase: true)
                out += u.value <= 0xFF ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
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
}
