import Foundation
import PyTrackCompute
import PyTrackDomain
import PyTrackStore
import XCTest

/// Paths and readers for the committed compute fixtures (Tests/Fixtures/compute, written by
/// tools/compute_fixtures/make_compute_fixtures.py with safetensors + numpy/scipy).
enum ComputeFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compute")

    static func weights(_ name: String) -> URL { root.appendingPathComponent(name).appendingPathComponent("model.safetensors") }

    /// The reference of one fixture: "layer/matrix" -> entry.
    struct Reference {
        struct Entry {
            var metrics: [String: Double?]
            var singularValues: [Double]?
            var outliers: [Int]?
            var values: [Double?]?
            var shape: [Int]?
        }
        var matrices: [String: Entry]
        var depthGrowth: [String: Double]
        var derived: [String: [String: Double]]
    }

    static func reference(_ name: String) throws -> Reference {
        let data = try Data(contentsOf: root.appendingPathComponent(name).appendingPathComponent("reference.json"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var matrices: [String: Reference.Entry] = [:]
        for (key, raw) in try XCTUnwrap(json["matrices"] as? [String: [String: Any]]) {
            let metrics = try XCTUnwrap(raw["metrics"] as? [String: Any]).mapValues { $0 as? Double }
            matrices[key] = Reference.Entry(
                metrics: metrics,
                singularValues: raw["singular_values"] as? [Double],
                outliers: raw["outliers"] as? [Int],
                values: (raw["values"] as? [Any])?.map { $0 as? Double },
                shape: raw["shape"] as? [Int])
        }
        return Reference(matrices: matrices,
                         depthGrowth: json["depth_growth_rate"] as? [String: Double] ?? [:],
                         derived: json["derived"] as? [String: [String: Double]] ?? [:])
    }

    /// "layer/matrix" as the reference keys it.
    static func refKey(_ key: MatrixKey) -> String { "\(key.layer.map(String.init) ?? "")/\(key.matrix)" }

    /// A fresh temporary directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-compute-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Builds a huggingface_hub cache layout under `cache` for `model` with the given steps, each a snapshot
    /// whose files are symlinks into `blobs/<sha256>` copies of a fixture's files.
    static func makeCache(_ cache: URL, model: String, steps: [Int], fixture: String, withConfig: Bool = true) throws {
        let fm = FileManager.default
        let repo = cache.appendingPathComponent("models--" + model.replacingOccurrences(of: "/", with: "--"))
        let blobs = repo.appendingPathComponent("blobs")
        try fm.createDirectory(at: blobs, withIntermediateDirectories: true)
        try fm.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        var etags: [String: String] = [:]
        for file in ["model.safetensors"] + (withConfig ? ["config.json"] : []) {
            let source = root.appendingPathComponent(fixture).appendingPathComponent(file)
            let etag = try sha256(source)
            etags[file] = etag
            let blob = blobs.appendingPathComponent(etag)
            if !fm.fileExists(atPath: blob.path) { try fm.copyItem(at: source, to: blob) }
        }
        for step in steps {
            let commit = String(format: "%040x", step + 0xabc000)
            let snapshot = repo.appendingPathComponent("snapshots").appendingPathComponent(commit)
            try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
            for (file, etag) in etags {
                try? fm.removeItem(at: snapshot.appendingPathComponent(file))
                try fm.createSymbolicLink(atPath: snapshot.appendingPathComponent(file).path, withDestinationPath: "../../blobs/\(etag)")
            }
            try commit.write(to: repo.appendingPathComponent("refs").appendingPathComponent("step\(step)"), atomically: true, encoding: .utf8)
        }
    }

    /// sha256 of a file via the system tool (independent of our code).
    static func sha256(_ url: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [url.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

/// |got - want| <= rel * max(|want|, floor).
func assertClose(_ got: Double, _ want: Double, rel: Double, floor: Double = 0, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    let tol = rel * max(abs(want), floor)
    XCTAssert(abs(got - want) <= tol || got == want, "\(what): got \(got), want \(want) (tolerance \(tol))", file: file, line: line)
}
