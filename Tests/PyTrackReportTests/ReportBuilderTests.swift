import PyTrackTestSupport
import XCTest
import PyTrackStore
@testable import PyTrackReport
#if canImport(FoundationXML)
import FoundationXML
#endif

final class ReportBuilderTests: XCTestCase {
    static let nasty = "EleutherAI/<script>alert(1)</script>&\"'"

    /// A small synthetic database (2 x 7 steps, 4 layers, d = 32, a missing deduped step, a NaN,
    /// plus an unpaired model with a malicious name) rendered once for all tests here.
    static let built: (root: URL, summary: ReportBuilder.Summary, seconds: Double)? = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-report-test-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        do {
            let db = try PyTrackDatabase(path: root.appendingPathComponent("db/test.sqlite").path)
            var synthetic = SyntheticStore()
            synthetic.extraModels = [nasty]
            try synthetic.write(to: db)
            let started = Date()
            let summary = try ReportBuilder(database: db, options: .init(outputDirectory: root.appendingPathComponent("Reports"))).build()
            return (root.appendingPathComponent("Reports"), summary, Date().timeIntervalSince(started))
        } catch {
            XCTFail("building the synthetic report failed: \(error)")
            return nil
        }
    }()

    func report() throws -> URL { try XCTUnwrap(Self.built?.root) }

    func files(_ root: URL, ext: String) -> [URL] {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        return (e?.allObjects as? [URL] ?? []).filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }

    func testEverySVGParsesAsXMLAndNamesItsSource() throws {
        let svgs = files(try report(), ext: "svg")
        XCTAssertGreaterThan(svgs.count, 100)
        for url in svgs {
            let (c, error) = XMLCollector.parse(try Data(contentsOf: url))
            XCTAssertNil(error, "\(url.path): \(String(describing: error))")
            XCTAssertEqual(c.elements.first, "svg", url.path)
            XCTAssertNotNil(c.attributes["viewBox"], url.path)
            // No external references of any kind in a standalone chart.
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertFalse(text.contains("href"), url.path)
            XCTAssertFalse(text.contains("http://") && !text.contains("xmlns=\"http://www.w3.org/2000/svg\""), url.path)
            // Demo data is labelled, and the footer names the database.
            XCTAssertTrue(c.text.contains("DEMO / SYNTHETIC DATA"), url.path)
            XCTAssertTrue(c.text.contains("test.sqlite"), url.path)
        }
    }

    func testPagesLinkEveryPairAndEscapeNames() throws {
        let root = try report()
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        let summary = try XCTUnwrap(Self.built?.summary)
        XCTAssertEqual(summary.pages.count, 2)
        for page in summary.pages {
            XCTAssertTrue(index.contains("href=\"\(page.folder)/index.html\""), page.folder)
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(page.folder).appendingPathComponent("index.html").path))
        }
        XCTAssertFalse(index.contains("<script>alert"))
        XCTAssertTrue(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"))
        for html in files(root, ext: "html") {
            let text = try String(contentsOf: html, encoding: .utf8)
            XCTAssertFalse(text.contains("<script>alert"), html.path)
            XCTAssertFalse(text.contains("http://") || text.contains("https://"), "\(html.path) references the network")
            XCTAssertTrue(text.contains("Demo data."), html.path)
        }
        let pair = try String(contentsOf: root.appendingPathComponent("pythia-synthetic/index.html"), encoding: .utf8)
        XCTAssertTrue(pair.contains("Database: "))
        XCTAssertTrue(pair.contains("7 steps: 0, 1, 2, 4, 512, 1000, 2000"))
        XCTAssertTrue(pair.contains("not computed: 1 step: 2"), "the deduped twin's missing step is named")
        XCTAssertTrue(pair.contains("attention QKV (fused query_key_value, rows [heads, 3, head_dim])"))
    }

    /// Every stepped figure: one file per step with the same size, viewBox, and tick labels (font-size 11).
    func testAxesAreFixedAcrossSteps() throws {
        let root = try report().appendingPathComponent("pythia-synthetic")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("step-0.svg").path)
        }
        XCTAssertEqual(Set(folders), ["depth", "sv-qkv", "sv-q", "sv-k", "sv-v", "sv-attn_out", "sv-mlp_in", "sv-mlp_out",
                                      "ln1_gain", "ln2_gain", "ln1_bias", "ln2_bias",
                                      "ln1_gain-outliers", "ln2_gain-outliers", "ln1_bias-outliers", "ln2_bias-outliers"])
        for folder in folders {
            var reference: (String?, [String])?
            var titles: Set<String> = []
            for step in [0, 1, 2, 4, 512, 1000, 2000] {
                let url = root.appendingPathComponent(folder).appendingPathComponent("step-\(step).svg")
                let (c, error) = XMLCollector.parse(try Data(contentsOf: url))
                XCTAssertNil(error)
                let ticks = c.texts.filter { $0.attributes["font-size"] == "11" }.map(\.text)
                XCTAssertFalse(ticks.isEmpty, url.path)
                let key = (c.attributes["viewBox"], ticks)
                if let reference {
                    XCTAssertEqual(reference.0, key.0, "\(folder) step \(step) viewBox differs")
                    XCTAssertEqual(reference.1, key.1, "\(folder) step \(step) tick labels differ")
                } else {
                    reference = key
                }
                let title = c.texts.first?.text ?? ""
                XCTAssertTrue(title.contains("step \(step)"), "\(folder) title \(title)")
                titles.insert(title)
            }
            XCTAssertEqual(titles.count, 7, folder)
        }
    }

    func testMissingDataIsNotedNotBroken() throws {
        let root = try report().appendingPathComponent("pythia-synthetic")
        let missingStep = try String(contentsOf: root.appendingPathComponent("sv-qkv/step-2.svg"), encoding: .utf8)
        XCTAssertTrue(missingStep.contains("step 2 not computed for this model"))
        let norms = try String(contentsOf: root.appendingPathComponent("norms/frobenius-mlp_in.svg"), encoding: .utf8)
        // Deduped: step 2 missing in 4 layers + the NaN at step 1000 layer 1 of the standard run.
        XCTAssertTrue(norms.contains("missing or undefined value"), "gap note")
        let heat = try String(contentsOf: root.appendingPathComponent("norms/heatmap-mlp_in.svg"), encoding: .utf8)
        XCTAssertTrue(heat.contains("missing cell"))
    }

    func testStudentTDegreesOfFreedomChartUsesALogAxis() throws {
        let root = try report().appendingPathComponent("pythia-synthetic")
        let svg = try String(contentsOf: root.appendingPathComponent("shape/tdf-mlp_in.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("Fitted Student-t degrees of freedom over training"))
        XCTAssertTrue(svg.contains("Student-t df (log scale; cap 1000)"))
        let pages = files(root, ext: "html").map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
        XCTAssertTrue(pages.contains { $0.contains("shape/tdf-mlp_in.svg") }, "figure linked from a page")
    }

    func testOutlierDimensionsAreMarked() throws {
        let root = try report().appendingPathComponent("pythia-synthetic")
        // The synthetic gains carry one outlier dimension (32 / 3 = 10) in every layer from step 1 on.
        let atStep = try String(contentsOf: root.appendingPathComponent("ln1_gain-outliers/step-512.svg"), encoding: .utf8)
        XCTAssertTrue(atStep.contains("most shared: dim 10 (4 layers)"), "persistent dimension named")
        let atZero = try String(contentsOf: root.appendingPathComponent("ln1_gain-outliers/step-0.svg"), encoding: .utf8)
        XCTAssertTrue(atZero.contains("0 outlier marks"))
    }

    func testSliderPageLists_StepsAndLoadsLastStep() throws {
        let page = try String(contentsOf: report().appendingPathComponent("pythia-synthetic/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("var steps=[0,1,2,4,512,1000,2000];"))
        XCTAssertTrue(page.contains("src=\"sv-qkv/step-2000.svg\" data-stepped=\"sv-qkv\""))
    }

    func testNoComputedDataIsAnError() throws {
        let db = try PyTrackDatabase()
        try db.recordSync(SyncRecord(model: "EleutherAI/pythia-14m", step: 0, revision: "step0", state: .synced))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-report-empty-\(getpid())")
        XCTAssertThrowsError(try ReportBuilder(database: db, options: .init(outputDirectory: out)).build()) { error in
            XCTAssertEqual(error as? ReportError, .noComputedData(database: ":memory:"))
            XCTAssertFalse(String(describing: error).contains("\n"))
        }
    }

    func testUnknownModelAndBadLayerAreErrors() throws {
        let db = try PyTrackDatabase()
        var synthetic = SyntheticStore()
        synthetic.steps = [0, 1]
        synthetic.dedupedMissing = []
        synthetic.nanAt = nil
        try synthetic.write(to: db)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-report-err-\(getpid())")
        XCTAssertThrowsError(try ReportBuilder(database: db, options: .init(outputDirectory: out, models: ["EleutherAI/nope"])).build()) {
            XCTAssertEqual($0 as? ReportError, .unknownModel(database: ":memory:", model: "EleutherAI/nope"))
        }
        XCTAssertThrowsError(try ReportBuilder(database: db, options: .init(outputDirectory: out, matrixLayer: 9)).build()) {
            XCTAssertEqual($0 as? ReportError, .layerOutOfRange(model: "EleutherAI/pythia-synthetic", layer: 9, layers: 4))
        }
        let summary = try ReportBuilder(database: db, options: .init(outputDirectory: out, models: ["EleutherAI/pythia-synthetic-deduped"], matrixLayer: 0)).build()
        XCTAssertEqual(summary.pages.map(\.folder), ["pythia-synthetic"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("pythia-synthetic/sv-qkv/step-1.svg").path))
        try? FileManager.default.removeItem(at: out)
    }

    func testPairing() {
        let pairs = ModelPair.pairs(of: ["EleutherAI/pythia-70m-deduped", "EleutherAI/pythia-70m", "EleutherAI/pythia-14m",
                                         "x/pythia-1b-deduped", "y/pythia-14m"])
        XCTAssertEqual(pairs.map(\.folder), ["pythia-14m", "pythia-14m-2", "pythia-1b-deduped", "pythia-70m"])
        XCTAssertEqual(pairs.last?.members, ["EleutherAI/pythia-70m", "EleutherAI/pythia-70m-deduped"])
        XCTAssertEqual(pairs[2].members, ["x/pythia-1b-deduped"])
    }

    /// Headless Chromium loads every page from file:// with no console errors or failed requests, and the
    /// step slider changes the shown step. Screenshots go to artifacts/report-screenshots/ (git-ignored).
    func testBrowserCheck() throws {
        let chromium = "/usr/bin/chromium", driver = "/usr/bin/chromedriver"
        guard FileManager.default.isExecutableFile(atPath: chromium), FileManager.default.isExecutableFile(atPath: driver) else {
            throw XCTSkip("browser check skipped: \(chromium) or \(driver) is not installed (tools/setup.sh installs both)")
        }
        guard Python.canImport("selenium") else {
            throw XCTSkip("browser check skipped: python3 cannot import selenium (pip install -r tools/requirements-test.txt)")
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let artifacts = repo.appendingPathComponent("artifacts/report-screenshots")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repo.appendingPathComponent("tools/report/check_report.py").path, try report().path, artifacts.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("checked 3 pages, 0 failures"), output)
    }
}
