import XCTest
@testable import PyTrackReport

final class AxisScaleTests: XCTestCase {
    func testLinearMapping() {
        let s = AxisScale(kind: .linear, domain: (0, 10), range: (100, 300))
        XCTAssertEqual(s.map(0), 100)
        XCTAssertEqual(s.map(5), 200)
        XCTAssertEqual(s.map(10), 300)
        XCTAssertNil(s.map(.nan))
    }

    func testLogPlusOnePlacesStepZeroAtOrigin() {
        let s = AxisScale(kind: .logPlusOne, domain: (0, 143_000), range: (0, 500))
        XCTAssertEqual(s.map(0), 0)
        XCTAssertEqual(s.map(143_000)!, 500, accuracy: 1e-9)
        XCTAssertEqual(s.map(999)!, 500 * 3 / log10(143_001), accuracy: 1e-9)
        let labels = s.ticks(horizontal: true).map(\.label)
        XCTAssertEqual(labels.first, "0")
        XCTAssertTrue(labels.contains("1k") && labels.contains("100k"), "\(labels)")
    }

    func testLogAxisRejectsNonPositive() {
        let s = AxisScale(kind: .log, domain: (1, 1000), range: (0, 300))
        XCTAssertNil(s.map(0))
        XCTAssertNil(s.map(-1))
        XCTAssertEqual(s.map(10)!, 100, accuracy: 1e-9)
    }

    /// Over many domains and sizes, ticks are inside the domain, increasing, at least 2, and their
    /// labels never overlap (estimated width for x, font height for y); labels are distinct.
    func testTicksNeverOverlap() {
        var rng = SyntheticStore.RNG(state: 42)
        for kind in [AxisScale.Kind.linear, .log, .logPlusOne] {
            for _ in 0..<400 {
                let a = kind == .linear ? (rng.uniform() - 0.5) * pow(10, Double(Int(rng.uniform() * 12) - 6)) : pow(10, rng.uniform() * 8 - 4)
                let b = a + abs(a) * rng.uniform() * 50 + pow(10, Double(Int(rng.uniform() * 8) - 5))
                let length = 80 + rng.uniform() * 700
                for horizontal in [true, false] {
                    let s = AxisScale(kind: kind, domain: (a, b), range: horizontal ? (0, length) : (length, 0)).niced()
                    let ticks = s.ticks(horizontal: horizontal)
                    let placed = ticks.compactMap { t in s.map(t.value).map { ($0, t.label) } }
                    XCTAssertEqual(placed.count, ticks.count)
                    XCTAssertFalse(AxisScale.overlaps(placed, horizontal: horizontal, fontSize: 11), "\(kind) \(a)...\(b) len \(length): \(ticks.map(\.label))")
                    XCTAssertEqual(Set(ticks.map(\.label)).count, ticks.count, "duplicate labels \(ticks.map(\.label)) for \(a)...\(b)")
                    for t in ticks {
                        XCTAssertGreaterThanOrEqual(t.value, s.domain.lo - 1e-9 * max(1, abs(s.domain.lo)))
                        XCTAssertLessThanOrEqual(t.value, s.domain.hi + 1e-9 * max(1, abs(s.domain.hi)))
                    }
                    if kind == .linear && length > 150 { XCTAssertGreaterThanOrEqual(ticks.count, 2, "\(a)...\(b)") }
                }
            }
        }
    }

    func testLabels() {
        XCTAssertEqual(AxisScale.label(0, step: 1), "0")
        XCTAssertEqual(AxisScale.label(0.25, step: 0.25), "0.25")
        XCTAssertEqual(AxisScale.label(1500, step: 500), "1.5k")
        XCTAssertEqual(AxisScale.label(143_000, step: 1), "143k")
        XCTAssertEqual(AxisScale.label(2_000_000, step: 1_000_000), "2M")
        XCTAssertEqual(AxisScale.label(0.0001, step: 0.0001), "1e-4")
        XCTAssertEqual(AxisScale.label(-0.5, step: 0.5), "-0.5")
    }
}

final class SVGDocumentTests: XCTestCase {
    func testNumberFormatting() {
        XCTAssertEqual(SVGDocument.num(12), "12")
        XCTAssertEqual(SVGDocument.num(12.34), "12.3")
        XCTAssertEqual(SVGDocument.num(-0.26), "-0.3")
        XCTAssertEqual(SVGDocument.num(-3.05), "-3.1")
        XCTAssertEqual(SVGDocument.num(-0.04), "0")
        XCTAssertEqual(SVGDocument.num(.nan), "0")
        for v in stride(from: -50.0, through: 50.0, by: 0.37) {
            XCTAssertEqual(Double(SVGDocument.num(v))!, (v * 10).rounded() / 10, accuracy: 1e-9)
        }
    }

    func testLogTicksOnNarrowRanges() {
        let s = AxisScale(kind: .log, domain: (0.55, 2.6), range: (240, 0))
        let labels = s.ticks(horizontal: false).map(\.label)
        XCTAssertGreaterThanOrEqual(labels.count, 3, "\(labels)")
        XCTAssertTrue(labels.contains("1.5"), "\(labels)")
    }
}
