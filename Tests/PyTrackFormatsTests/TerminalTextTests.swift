import XCTest
@testable import PyTrackFormats

final class TerminalTextTests: XCTestCase {
    func testControlCharactersBecomeVisibleEscapes() {
        XCTAssertEqual(TerminalText.escaped("x\u{1B}]2;pwned\u{07}"), "x\\e]2;pwned\\x07")
        XCTAssertEqual(TerminalText.escaped("a\0b\nc\rd\te\u{7F}f\u{9B}31m"), "a\\0b\\nc\\rd\\te\\x7Ff\\u{9B}31m")
        XCTAssertEqual(TerminalText.escaped("EleutherAI/pythia-160m é ü 中 \\ ok"), "EleutherAI/pythia-160m é ü 中 \\ ok")
    }

    func testEveryControlScalarIsEscapedAndNothingElse() {
        for v in UInt32(0)...0x2FF {
            guard let u = Unicode.Scalar(v) else { continue }
            let out = TerminalText.escaped(String(Character(u)))
            let isControl = v < 0x20 || (0x7F...0x9F).contains(v)
            XCTAssertEqual(out.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, false, "U+\(v)")
            XCTAssertEqual(out == String(Character(u)), !isControl, "U+\(v)")
        }
    }
}
