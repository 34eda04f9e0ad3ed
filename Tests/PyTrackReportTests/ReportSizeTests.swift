import XCTest
import PyTrackStore
@testable import PyTrackReport

/// Size and speed of a report of 2 x 154 steps of pythia-160m-shaped synthetic data (12 layers,
/// d_model 768, 768 singular values per matrix, every metric). Slow (builds a ~300 MB database), so it
/// runs only with PYTRACK_REPORT_SIZE=1; it prints the numbers and asserts every page opens with
/// under 10 MB loaded.
final class ReportSizeTests: XCTestCase {
    func testPythia160mSizedReport() throws {
        guard ProcessInfo.processInfo.environment["PYTRACK_REPORT_SIZE"] == "1" else {
            throw XCTSkip("set PYTRACK_REPORT_SIZE=1 to build and measure a 2 x 154-step pythia-160m-sized report")
        }
        let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PYTRACK_REPORT_SIZE_DIR"]
                       ?? FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-report-size").path)
        let dbPath = root.appendingPathComponent("pythia-160m-synthetic.sqlite").path
        var synthetic = SyntheticStore()
        synthetic.base = "EleutherAI/pythia-160m"
        synthetic.layers = 12
        synthetic.dModel = 768
        synthetic.heads = 12
        synthetic.vocab = 50304
        synthetic.steps = SyntheticStore.pythiaSteps
        synthetic.dedupedMissing = [33000]
        if !FileManager.default.fileExists(atPath: dbPath) {
            let started = Date()
            try synthetic.write(to: try PyTrackDatabase(path: dbPath))
            print("size-test: wrote \(dbPath) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
        let db = try PyTrackDatabase(path: dbPath)
        let out = root.appendingPathComponent("Reports")
        try? FileManager.default.removeItem(at: out)
        let started = Date()
        let summary = try ReportBuilder(database: db, options: .init(outputDirectory: out)).build()
        let seconds = Date().timeIntervalSince(started)
        let dbBytes = (try? FileManager.default.attributesOfItem(atPath: dbPath)[.size] as? Int) ?? 0
        print("size-test: database \(dbBytes / 1_048_576) MiB; report built in \(String(format: "%.1f", seconds)) s")
        for page in summary.pages {
            print("size-test: \(page.folder): \(page.files) files, \(page.totalBytes / 1024) KiB on disk, \(page.openBytes / 1024) KiB loaded on open")
            XCTAssertLessThan(page.openBytes, 10_000_000)
        }
        XCTAssertEqual(summary.pages.count, 1)
    }
}
