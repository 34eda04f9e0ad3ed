import Foundation
import PyTrackDomain
import PyTrackStats
import PyTrackStore
import XCTest
@testable import PyTrackCompute

final class ComputeProgressTests: XCTestCase {
    func testPlainLinesWhenNotATerminal() {
        let out = LineCollector()
        let p = ComputeProgress(isTTY: false, write: { out.write($0) })
        p.begin(checkpoints: 2)
        p.beginCheckpoint("m step 0", matrices: 3, work: 3)
        for _ in 0..<3 { p.matrixDone(work: 1) }
        p.endCheckpoint("m step 0: 3 matrices computed")
        p.warn("something odd")
        p.beginCheckpoint("m step 1", matrices: 1, work: 1)
        p.matrixDone(work: 1)
        p.endCheckpoint("m step 1: 1 matrices computed")
        p.finish()
        XCTAssertEqual(out.lines.count, 3, "\(out.lines)")
        XCTAssertTrue(out.lines[0].hasPrefix("[1/2] m step 0: 3 matrices computed"), out.lines[0])
        XCTAssertEqual(out.lines[1], "warning: something odd")
        XCTAssertTrue(out.lines[2].hasPrefix("[2/2] m step 1") && out.lines[2].contains("elapsed"), out.lines[2])
        XCTAssertFalse(out.lines.joined().contains("\r"), "no redraws off a terminal")
    }

    func testTerminalStatusLineShowsCountsAndIsClearedForWarnings() {
        let out = LineCollector()
        let p = ComputeProgress(isTTY: true, write: { out.write($0) })
        p.begin(checkpoints: 4)
        p.beginCheckpoint("m step 7", matrices: 10, work: 10)
        p.warn("w")
        let text = out.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("checkpoints 0/4 | m step 7: matrices 0/10"), text)
        XCTAssertTrue(text.contains("\r\u{1B}[2Kwarning: w"), "the status line is erased before a warning: \(text.debugDescription)")
    }

    func testResultsDoNotDependOnTheThreadCount() throws {
        func run(_ threads: Int) throws -> [TidyRow] {
            let db = try PyTrackDatabase()
            let engine = ComputeEngine(database: db, options: ComputeOptions(threads: threads,
                                                                             blasThreads: ComputeOptions.blasThreadsSharing(threads: threads)),
                                       progress: ComputeProgress(isTTY: false, write: { _ in }))
            let summary = engine.run(try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "t/m", step: 1))
            XCTAssertTrue(summary.succeeded)
            return try db.metricRows(model: "t/m")
        }
        // Same matrices and metrics; values equal up to the summation order OpenBLAS uses with a different
        // number of BLAS threads (cores / workers), i.e. to rounding.
        let one = try run(1), five = try run(5)
        XCTAssertEqual(one.count, five.count)
        var differing = 0
        for (a, b) in zip(one, five) {
            XCTAssertEqual([a.model, a.matrix, a.metric], [b.model, b.matrix, b.metric])
            XCTAssertEqual(a.layer, b.layer)
            guard let x = a.value, let y = b.value else { XCTAssertEqual(a.value, b.value, "\(a)"); continue }
            if x != y { differing += 1 }
            XCTAssertEqual(x, y, accuracy: 1e-9 * max(abs(x), 1e-9), "\(a.matrix) \(a.metric)")
        }
        print("thread-count comparison: \(differing) of \(one.count) values differ in rounding only")
    }

    /// The process-wide OpenBLAS thread count changes only when the caller asks for it.
    func testBLASThreadsAreLeftAloneUnlessAsked() throws {
        let before = BLASThreads.count
        defer { BLASThreads.set(before) }
        BLASThreads.set(1)
        let plan = try ComputePlan.local(file: ComputeFixtures.weights("standard").path, model: "t/m", step: 1)
        _ = ComputeEngine(database: try PyTrackDatabase(), options: ComputeOptions(threads: 1),
                          progress: ComputeProgress(isTTY: false, write: { _ in })).run(plan)
        XCTAssertEqual(BLASThreads.count, 1, "not asked: left as it was")
        _ = ComputeEngine(database: try PyTrackDatabase(), options: ComputeOptions(threads: 1, blasThreads: 2),
                          progress: ComputeProgress(isTTY: false, write: { _ in })).run(plan)
        XCTAssertEqual(BLASThreads.count, 2, "asked for 2")
    }
}
