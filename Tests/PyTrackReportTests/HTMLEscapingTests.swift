import XCTest
@testable import PyTrackReport
#if canImport(FoundationXML)
import FoundationXML
#endif

final class HTMLEscapingTests: XCTestCase {
    func testEscapesMarkupCharacters() {
        XCTAssertEqual(HTMLEscaping.escape("<script>alert(1)</script>&\"'"),
                       "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;")
        XCTAssertEqual(HTMLEscaping.escape("plain pythia-160m"), "plain pythia-160m")
        // Control characters XML forbids are dropped, tab/newline kept.
        XCTAssertEqual(HTMLEscaping.escape("a\u{01}b\tc\n"), "ab\tc\n")
    }

    func testEscapedTextParsesBackAsXML() throws {
        let nasty = "<script>alert(1)</script>&\"' ü ‖W‖"
        let xml = "<?xml version=\"1.0\"?><r a=\"\(HTMLEscaping.escape(nasty))\">\(HTMLEscaping.escape(nasty))</r>"
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "\(String(describing: parser.parserError))")
        XCTAssertEqual(collector.text, nasty)
        XCTAssertEqual(collector.attributes["a"], nasty)
    }

    func testSafeFileName() {
        XCTAssertEqual(HTMLEscaping.safeFileName("pythia-160m_v1.0"), "pythia-160m_v1.0")
        XCTAssertEqual(HTMLEscaping.safeFileName("<script>alert(1)</script>&\"'"), "_script_alert_1___script____")
        XCTAssertEqual(HTMLEscaping.safeFileName("../.."), ".._..")
        XCTAssertEqual(HTMLEscaping.safeFileName(".."), "_..")
        XCTAssertEqual(HTMLEscaping.safeFileName(""), "_")
    }
}
