import Foundation
import PyTrackDomain
import XCTest

/// The registry is consistent, docs/metrics.md shows it, and a group whose metrics or definitions
/// changed has a new version (else existing databases would never recompute it).
final class MetricRegistryTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let snapshot = root.appendingPathComponent("Tests/Fixtures/metric-groups.snapshot")
    static let docs = root.appendingPathComponent("docs/metrics.md")
    /// Set to 1 to rewrite the snapshot and docs/metrics.md's tables after a deliberate change.
    static let update = ProcessInfo.processInfo.environment["PYTRACK_UPDATE_SNAPSHOTS"] == "1"

    func testNamesAreUniquePerScopeAndEveryMetricHasAGroup() {
        for scope in MetricDefinition.Scope.allCases {
            let names = MetricRegistry.metrics(scope: scope).map(\.name)
            XCTAssertEqual(names.count, Set(names).count, "duplicate names in \(scope.rawValue)")
        }
        for m in MetricRegistry.metrics {
            XCTAssertNotNil(MetricRegistry.group(m.group), "\(m.name): unknown group \(m.group)")
            XCTAssertFalse(m.meaning.isEmpty || m.unit.isEmpty, m.name)
        }
        XCTAssertTrue(MetricRegistry.isKnown("seed_std_frobenius"))
        XCTAssertFalse(MetricRegistry.isKnown("seed_std_nonsense"))
        XCTAssertFalse(MetricRegistry.isKnown("seed_std_"))
    }

    func testAChangedGroupHasANewVersion() throws {
        let now = MetricRegistry.groupFingerprints
        if Self.update {
            try (now.joined(separator: "\n") + "\n").write(to: Self.snapshot, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: Self.snapshot, encoding: .utf8).split(separator: "\n").map(String.init)
        func version(_ line: String) -> (name: String, version: String) {
            let head = line.split(separator: "|")[0].split(separator: " ")
            return (String(head[0]), String(head[1]))
        }
        let before = Dictionary(recorded.map { (version($0).name, $0) }, uniquingKeysWith: { a, _ in a })
        for line in now {
            let (name, v) = version(line)
            guard let old = before[name] else { continue }
            if old != line && version(old).version == v {
                XCTFail("""
                    metric group '\(name)' changed (its metrics or their definitions) but is still \(v): bump its version in \
                    MetricRegistry.groups and add a line of history, so stored results are recomputed; then run \
                    PYTRACK_UPDATE_SNAPSHOTS=1 swift test --filter MetricRegistryTests
                    """)
            } else if old != line {
                XCTFail("metric group '\(name)' is now \(v): record it with PYTRACK_UPDATE_SNAPSHOTS=1 swift test --filter MetricRegistryTests")
            }
        }
        XCTAssertEqual(Set(before.keys), Set(now.map { version($0).name }),
                       "groups added or removed: run PYTRACK_UPDATE_SNAPSHOTS=1 swift test --filter MetricRegistryTests")
    }

    func testDocsShowTheRegistry() throws {
        let begin = "<!-- generated from MetricRegistry: begin -->\n", end = "<!-- generated from MetricRegistry: end -->"
        var text = try String(contentsOf: Self.docs, encoding: .utf8)
        guard let a = text.range(of: begin), let b = text.range(of: end) else {
            return XCTFail("docs/metrics.md lacks the generated-section markers")
        }
        let current = String(text[a.upperBound..<b.lowerBound])
        if current != MetricRegistry.markdownTables {
            if Self.update {
                text.replaceSubrange(a.upperBound..<b.lowerBound, with: MetricRegistry.markdownTables)
                try text.write(to: Self.docs, atomically: true, encoding: .utf8)
            } else {
                XCTFail("docs/metrics.md is out of date with MetricRegistry: run PYTRACK_UPDATE_SNAPSHOTS=1 swift test --filter MetricRegistryTests")
            }
        }
    }
}
