import PyTrackDomain
import PyTrackStore
import XCTest
@testable import PyTrackCompute
@testable import PyTrackFormats

/// The memory budget checked before a matrix is allocated (issue 14, item 13).
final class MemoryBudgetTests: XCTestCase {
    func job(_ rows: Int, _ cols: Int, _ source: MatrixJob.Source = .matrix(tensor: "w")) -> MatrixJob {
        MatrixJob(key: MatrixKey(layer: nil, matrix: "embed_in"), source: source, rows: rows, cols: cols, dtype: "F32", groups: [:])
    }

    func testEstimateCountsBuffersGramAndSample() {
        // 50304 x 768 (pythia-160m embed_in): floats 4mn, Gram + workspace 16 n^2, one sample 4mn.
        let m = 50304, n = 768
        XCTAssertEqual(MemoryBudget.estimate(job(m, n)), 4 * m * n + 16 * n * n + 4 * m * n)
        XCTAssertEqual(MemoryBudget.estimate(job(n, 1, .vector(tensor: "b"))), 4 * n)
        XCTAssertEqual(MemoryBudget.estimate(job(40000, 40000)), 38_400_000_000)
        XCTAssertEqual(MemoryBudget.estimate(job(Int.max / 8, 3)), Int.max, "overflow saturates")
    }

    func testDefaultLeavesRoomAndFlagValueIsGiB() {
        XCTAssertGreaterThanOrEqual(MemoryBudget.default.bytes, 1 << 30)
        XCTAssertLessThan(MemoryBudget.default.bytes, Int(clamping: ProcessInfo.processInfo.physicalMemory))
        XCTAssertEqual(MemoryBudget(gigabytes: 1.5).bytes, 3 << 29)
    }

    func testCheckRefusesTheFirstJobOverTheBudgetNamingTheTensor() throws {
        let ckpt = try Checkpoint.open(ComputeFixtures.weights("standard").path)
        let planned = try MatrixJobPlanner.jobs(checkpoint: ckpt, configURL: nil)
        let largest = planned.jobs.map(MemoryBudget.estimate).max() ?? 0
        XCTAssertNoThrow(try MemoryBudget(bytes: largest).check(planned.jobs, in: ckpt))
        XCTAssertThrowsError(try MemoryBudget(bytes: largest - 1).check(planned.jobs, in: ckpt)) { error in
            guard case let ComputeError.overMemoryBudget(path, _, _, bytes, budget)? = error as? ComputeError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, ckpt.path)
            XCTAssertEqual(bytes, largest)
            XCTAssertEqual(budget, largest - 1)
            XCTAssertTrue(String(describing: error).contains("over the memory budget"))
        }
    }
}
