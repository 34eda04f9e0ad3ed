import XCTest
@testable import PyTrackFormats

final class TerminalTextTests: XCTestCase {
    func testControlCharactersAreWrittenOutAndTextIsKept() {
        XCTAssertEqual(TerminalText.escaped("x\u{1B}]2;pwned\u{07}"), #"x\x1B]2;pwned\x07"#)
        XCTAssertEqual(TerminalText.escaped("a\nb\rc\td\0e\u{7F}"), #"a\nb\rc\td\x00e\x7F"#)
        XCTAssertEqual(TerminalText.escaped("csi\u{9B}31m"), #"csi\x9B31m"#)
        XCTAssertEqual(TerminalText.escaped("abc\u{202E}fdp.exe"), #"abc\u{202E}fdp.exe"#)
        XCTAssertEqual(TerminalText.escaped("zero\u{200B}width\u{FEFF}"), #"zero\u{200B}width\u{FEFF}"#)
        for plain in ["EleutherAI/pythia-160m@step1000", #"C:\path\x1B is text"#, "héllo 中文 🙂", ""] {
            XCTAssertEqual(TerminalText.escaped(plain), plain)
        }
    }

    func testNoControlCharacterSurvivesAndEscapingTwiceChangesNothing() {
        var all = ""
        for v in 0..<0x3000 { if let u = Unicode.Scalar(v) { all.unicodeScalars.append(u) } }
        all.unicodeScalars.append("\u{FEFF}")
        let once = TerminalText.escaped(all)
        XCTAssertFalse(once.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format },
                       "every Cc and Cf scalar below U+3000 is escaped")
        XCTAssertFalse(once.contains("\n"))
        XCTAssertEqual(TerminalText.escaped(once), once)
    }
}
