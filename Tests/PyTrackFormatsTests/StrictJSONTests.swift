import Foundation
import XCTest
@testable import PyTrackFormats

final class StrictJSONTests: XCTestCase {
    func testAgreesWithJSONSerializationOnValidInput() throws {
        let text = #"{"a": [1, -2.5e3, true, false, null], "b\u00e9\ud83d\ude00": {"c": "x\ny\"\\"}, "n": 18446744073709551615}"#
        let v = try StrictJSON.parse(Array(text.utf8))
        let ref = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(v["a"], .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        XCTAssertEqual(v["bé😀"]?["c"]?.stringValue, (ref["bé😀"] as? [String: String])?["c"])
        XCTAssertEqual(v["n"]?.intValue, nil) // beyond Int: kept as text, not rounded
        XCTAssertEqual(v["n"], .number("18446744073709551615"))
    }

    func testRefusesDuplicatesAtAnyDepthAndBadSyntax() {
        for (text, depth) in [(#"{"a":1,"a":2}"#, 0), (#"{"x":{"k":1,"k":1}}"#, 1)] {
            XCTAssertThrowsError(try StrictJSON.parse(Array(text.utf8))) { e in
                XCTAssertEqual((e as? StrictJSON.Failure)?.duplicateDepth, depth)
            }
        }
        for bad in ["{", "[1,]", "01", "\"\\x\"", "{\"a\":1} x", "\"\\ud800\"", "tru", "[" + String(repeating: "[", count: 100) + "]"] {
            XCTAssertThrowsError(try StrictJSON.parse(Array(bad.utf8)), bad)
        }
    }
}
