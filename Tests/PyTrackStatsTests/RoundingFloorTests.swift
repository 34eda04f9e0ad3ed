import XCTest
@testable import PyTrackStats

final class RoundingFloorTests: XCTestCase {
    /// The same seeded sample, rounded by numpy and tested by scipy.stats.kstest (make_stats_fixtures.py).
    func testAgainstNumpyScipyReplay() throws {
        let cases = try StatsFixtures.reference().ks_floor
        XCTAssertEqual(Set(cases.map(\.dtype)), ["F16", "BF16", "F32"])
        for c in cases {
            let grid = try XCTUnwrap(RoundingFloor.Grid(dtype: c.dtype))
            let ks = RoundingFloor.gaussKS(count: c.count, grid: grid, mean: c.mean, std: c.std, seed: c.seed)
            assertClose(ks, c.ks, rel: 1e-9, abs: 1e-12, "ks_floor \(c.dtype) n=\(c.count) std=\(c.std)")
        }
    }

    func testCoarserGridsHaveHigherFloors() {
        // The size (n = 4e6: about 3.8e-4 fp32, 4.6e-4 fp16, 1.07e-3 bf16 there).
        let n = 4_000_000
        let f32 = RoundingFloor.gaussKS(count: n, grid: .float32, mean: 0, std: 0.02, seed: 3)
        let bf16 = RoundingFloor.gaussKS(count: n, grid: .bfloat16, mean: 0, std: 0.02, seed: 3)
        XCTAssertLessThan(f32, 2 / Double(n).squareRoot(), "fp32: sampling noise only")
        XCTAssertGreaterThan(bf16, 2 * f32, "bf16's 8-bit significand dominates")
        XCTAssertLessThan(bf16, 2e-3)
        // A grid coarser than the spread: N(0.5, 1e-4) on fp16 (spacing 4.9e-4 at 0.5) is a few atoms.
        XCTAssertGreaterThan(RoundingFloor.gaussKS(count: 10_000, grid: .float16, mean: 0.5, std: 1e-4, seed: 3), 0.3)
        XCTAssertTrue(RoundingFloor.gaussKS(count: 10, grid: .float16, mean: 0, std: 0, seed: 1).isNaN)
        XCTAssertNil(RoundingFloor.Grid(dtype: "I64"))
        XCTAssertEqual(RoundingFloor.Grid(dtype: "F64"), .float32)
    }

    /// Every finite half rounds back to itself; midpoints between neighbours round to the even one.
    func testHalfRoundingIsRoundToNearestEven() {
        for h in 0..<0x10000 {
            let bits = UInt16(h)
            let v = RoundingFloor.halfValue(bits)
            guard v.isFinite else { continue }
            XCTAssertEqual(RoundingFloor.halfBits(Float(v)), bits, "pattern \(h)")
            if bits & 0x7FFF < 0x7BFF {
                let next = RoundingFloor.halfValue(bits + 1)
                let mid = Float((v + next) / 2)
                let even = bits & 1 == 0 ? bits : bits + 1
                XCTAssertEqual(RoundingFloor.halfBits(mid), even, "midpoint above pattern \(h)")
            }
        }
        XCTAssertEqual(RoundingFloor.halfBits(70000), 0x7C00)
        XCTAssertEqual(RoundingFloor.bfloat16Bits(1.00390625), 0x3F80)   // 1 + 2^-8 ties to even (1.0)
        XCTAssertEqual(RoundingFloor.bfloat16Bits(1.01171875), 0x3F82)   // 1 + 3 * 2^-8 ties to even (1 + 2^-6)
    }
}
