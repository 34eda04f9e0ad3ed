import XCTest
@testable import PyTrackFormats

final class DTypeConversionTests: XCTestCase {
    private func convert(_ bits: [UInt16], _ dtype: DType, offsetByOne: Bool = false) -> [UInt32] {
        // Prefix one byte to exercise the unaligned path when asked.
        var bytes: [UInt8] = offsetByOne ? [0] : []
        for b in bits { bytes += [UInt8(b & 0xFF), UInt8(b >> 8)] }
        var out = [Float](repeating: .nan, count: bits.count)
        bytes.withUnsafeBytes { raw in
            let src = UnsafeRawBufferPointer(rebasing: raw[(offsetByOne ? 1 : 0)...])
            out.withUnsafeMutableBufferPointer { XCTAssertTrue(DTypeConversion.convert(src, dtype: dtype, into: $0)) }
        }
        return out.map(\.bitPattern)
    }

    /// numpy's float16 -> float32 for every pattern with exponent field 0 (zeros, subnormals) or 31 (inf, NaN).
    func testF16SpecialsBitExactVsNumpy() throws {
        let pairs = try XCTUnwrap(try Fixtures.json("conversion_references.json")["f16"] as? [[Int]])
        XCTAssertEqual(pairs.count, 4096)
        let input = pairs.map { UInt16($0[0]) }, expected = pairs.map { UInt32($0[1]) }
        XCTAssertEqual(convert(input, .f16), expected)
        XCTAssertEqual(convert(input, .f16, offsetByOne: true), expected)
        XCTAssertEqual(input.map { DTypeConversion.float(fromHalfBits: $0).bitPattern }, expected)
    }

    /// Every normal half: value = (-1)^s 2^(e-15) (1 + m/1024), exact in Double and in Float.
    func testF16NormalsExact() {
        var input: [UInt16] = []
        for h in 0...0xFFFF { let e = (h >> 10) & 0x1F; if e != 0 && e != 31 { input.append(UInt16(h)) } }
        let expected = input.map { h -> UInt32 in
            let s = (h >> 15) == 1 ? -1.0 : 1.0, e = Int((h >> 10) & 0x1F), m = Double(h & 0x3FF)
            return Float(s * (1 + m / 1024) * pow(2.0, Double(e - 15))).bitPattern
        }
        XCTAssertEqual(convert(input, .f16), expected)
    }

    func testBF16SpecialsBitExactVsTorch() throws {
        let pairs = try XCTUnwrap(try Fixtures.json("conversion_references.json")["bf16"] as? [[Int]])
        let input = pairs.map { UInt16($0[0]) }, expected = pairs.map { UInt32($0[1]) }
        XCTAssertEqual(convert(input, .bf16), expected)
        XCTAssertEqual(convert(input, .bf16, offsetByOne: true), expected)
    }

    func testOtherDTypesAndSizeChecks() {
        let doubles: [Double] = [1.0 / 3.0, -.infinity, 1e-46, 3.4028235677973366e38]
        var out = [Float](repeating: 0, count: 4)
        doubles.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { XCTAssertTrue(DTypeConversion.convert(raw, dtype: .f64, into: $0)) }
        }
        XCTAssertEqual(out.map(\.bitPattern), doubles.map { Float($0).bitPattern })
        let ints: [Int64] = [-3, 0, 1 << 40]
        var iout = [Float](repeating: 0, count: 3)
        ints.withUnsafeBytes { raw in
            iout.withUnsafeMutableBufferPointer { XCTAssertTrue(DTypeConversion.convert(raw, dtype: .i64, into: $0)) }
            // Wrong element count or an unconvertible dtype: refused, nothing written.
            iout.withUnsafeMutableBufferPointer { XCTAssertFalse(DTypeConversion.convert(raw, dtype: .i32, into: $0)) }
            iout.withUnsafeMutableBufferPointer { XCTAssertFalse(DTypeConversion.convert(raw, dtype: .f8e4m3, into: $0)) }
        }
        XCTAssertEqual(iout, [-3, 0, Float(1 << 40)])
    }
}
