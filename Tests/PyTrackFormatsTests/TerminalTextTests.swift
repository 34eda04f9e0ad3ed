import XCTest
@testable import PyTrackFormats

final class TerminalTextTests: XCTestCase {
    func testControlCharactersBecomeVisibleEscapes() {
        XCTAssertEqual(TerminalText.escaped("x\u{1B}]2;pwned\u{07}"), "x\\e]2;pwned\\x07")
        XCTAssertEqual(TerminalText.escaped("a\0b\nc\rd\te\u{7F}f\u{9B}31m"), "a\\0b\\nc\\rd\\te\\x7Ff\\u{9B}31m")
        XCTAssertEqual(TerminalText.escaped("abc\u{202E}fdp.exe"), #"abc\u{202E}fdp.exe"#)
        XCTAssertEqual(TerminalText.escaped("zero\u{200B}width\u{FEFF}"), #"zero\u{200B}width\u{FEFF}"#)
        for plain in ["EleutherAI/pythia-160m@step1000", #"C:\path\x1B is text"#, "héllo é ü 中文 🙂 \\ ok", ""] {
            XCTAssertEqual(TerminalText.escaped(plain), plain)
        }
    }

    func testEveryControlAndFormatScalarIsEscapedAndNothingElse() {
        for v in UInt32(0)..<0x3000 {
            guard let u = Unicode.Scalar(v) else { continue }
            let category = u.properties.generalCategory
            let dangerous = v < 0x20 || (0x7F...0x9F).contains(v)
                || [.control, .format, .lineSeparator, .paragraphSeparator].contains(category)
            let out = TerminalText.escaped(String(Character(u)))
            XCTAssertEqual(out == String(Character(u)), !dangerous, "U+\(String(v, radix: 16))")
            XCTAssertFalse(out.unicodeScalars.contains { s in
                s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.properties.generalCategory == .format
            }, "U+\(String(v, radix: 16))")
        }
    }

    func testEscapingTwiceChangesNothing() {
        var all = ""
        for v in 0..<0x3000 { if let u = Unicode.Scalar(v) { all.unicodeScalars.append(u) } }
        all.unicodeScalars.append("\u{FEFF}")
        let once = TerminalText.escaped(all)
        XCTAssertFalse(once.contains("\n"))
        XCTAssertEqual(TerminalText.escaped(once), once)
    }
}
