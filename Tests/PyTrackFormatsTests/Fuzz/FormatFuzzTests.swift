import Foundation
import XCTest
@testable import PyTrackFormats

/// Randomized mutation tests of the three parsers that read hostile bytes: the safetensors header,
/// the pickle reader and the zip directory (with the whole `.bin` open on top). Seeds: the committed
/// corpus (Tests/Fixtures/fuzz, written by tools/hostile/make_hostile_files.py --corpus) and the format
/// fixtures. Each runs for `PYTRACK_FUZZ_SECONDS` (default 5) from `PYTRACK_FUZZ_SEED` (default: fixed),
/// and checks that no input crashes or hangs the parser, every error is one line naming the file, and
/// every accepted file reads all its tensors within the file. Not coverage-guided (no libFuzzer in
/// swift-corelibs-xctest); the last input is kept in a temp file to replay a crash.
final class FormatFuzzTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    var seconds: Double { Double(ProcessInfo.processInfo.environment["PYTRACK_FUZZ_SECONDS"] ?? "") ?? 5 }
    var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["PYTRACK_FUZZ_SEED"] ?? "") ?? 0x5EED_0014 }

    func seeds(_ paths: [String]) throws -> [[UInt8]] {
        let out = try paths.map { [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent($0))) }
        XCTAssertFalse(out.isEmpty)
        return out
    }

    func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent(folder).path)
            .sorted().map { "\(folder)/\($0)" }
    }

    /// Mutates the seeds for `seconds`, calling `check` on each input (written to `file` first when given).
    func fuzz(_ name: String, seeds: [[UInt8]], file: URL?, check: ([UInt8]) throws -> Void) rethrows {
        var mutator = ByteMutator(seed: seed)
        let start = Date()
        var runs = 0, slowest = 0.0
        while Date().timeIntervalSince(start) < seconds {
            let a = seeds[mutator.below(seeds.count)], b = seeds[mutator.below(seeds.count)]
            let input = mutator.mutate(a, other: b)
            if let file { try? Data(input).write(to: file) }
            let t0 = Date()
            try check(input)
            let took = Date().timeIntervalSince(t0)
            slowest = max(slowest, took)
            XCTAssertLessThan(took, 2, "\(name): one input took \(took) s (seed \(seed), run \(runs))")
            runs += 1
        }
        print("fuzz \(name): \(runs) inputs in \(String(format: "%.1f", seconds)) s, slowest \(String(format: "%.4f", slowest)) s, seed \(seed)")
        XCTAssertGreaterThan(runs, 100, "\(name) ran too few inputs")
    }

    func scratch(_ name: String) throws -> URL {
        let shm = URL(fileURLWithPath: "/dev/shm")   // memory-backed when present: thousands of small files a second
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("pytrack-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name)
    }

    /// An error must be one line that names the file.
    func assertOneLine(_ error: Error, path: String, _ what: String) {
        let text = String(describing: error)
        XCTAssertFalse(text.contains("\n"), "\(what): multi-line error: \(text)")
        XCTAssertTrue(text.hasPrefix(path), "\(what): error does not name the file: \(text)")
    }

    /// Every tensor of an accepted checkpoint lies in the file and reads (small ones converted).
    func assertReadable(_ ckpt: Checkpoint, size: Int, _ what: String) {
        for t in ckpt.tensors {
            XCTAssertLessThanOrEqual(t.byteCount, size, "\(what): \(t.name) claims more bytes than the file")
            do {
                try ckpt.withRawBytes(t.name) { XCTAssertEqual($0.count, t.byteCount) }
                if t.dtype.convertsToFloat, t.elementCount <= 1 << 16 { _ = try ckpt.floats(t.name) }
            } catch {
                XCTFail("\(what): accepted file, but '\(t.name)' does not read: \(error)")
            }
        }
    }

    func testSafetensorsHeaderParser() throws {
        let seeds = try seeds(try files(in: "fuzz/safetensors") + ["checkpoints/small_valid.safetensors", "checkpoints/sf_f16/model.safetensors"]
                              + (try files(in: "checkpoints/malformed")).filter { $0.hasSuffix(".safetensors") })
        let file = try scratch("input.safetensors")
        fuzz("safetensors", seeds: seeds, file: file) { input in
            do {
                let st = try SafetensorsFile.open(file.path)
                var covered = 0
                for t in st.tensors { covered += t.byteCount }
                XCTAssertLessThanOrEqual(covered, input.count, "tensors claim more bytes than the file")
                assertReadable(try Checkpoint.open(file.path), size: input.count, "safetensors")
            } catch {
                assertOneLine(error, path: file.path, "safetensors")
            }
        }
    }

    func testPickleReader() throws {
        let seeds = try seeds(try files(in: "fuzz/pickle"))
        let path = "fuzz/data.pkl"
        fuzz("pickle", seeds: seeds, file: nil) { input in
            do {
                let refs = try input.withUnsafeBytes { try TorchPickleReader.read($0, path: path) }
                for r in refs {
                    XCTAssertEqual(r.shape.count, r.stride.count)
                    XCTAssertTrue(r.shape.allSatisfy { $0 >= 0 } && r.storageOffset >= 0 && r.storage.elementCount >= 0)
                }
            } catch {
                assertOneLine(error, path: path, "pickle")
            }
        }
    }

    func testZipDirectoryAndTorchFile() throws {
        let seeds = try seeds(try files(in: "fuzz/zip") + ["checkpoints/views.bin", "checkpoints/views_zip64.bin",
                                                           "checkpoints/bin_f16/pytorch_model.bin", "checkpoints/noncontiguous.bin"])
        let file = try scratch("input.bin")
        fuzz("zip", seeds: seeds, file: file) { input in
            do {
                let mapped = try MappedFile(path: file.path)
                let zip = try ZipDirectory(file: mapped)
                for e in zip.entries {
                    XCTAssertLessThanOrEqual(e.dataOffset, input.count)
                    XCTAssertLessThanOrEqual(e.compressedSize, input.count - e.dataOffset)
                }
            } catch {
                assertOneLine(error, path: file.path, "zip")
            }
            do {
                assertReadable(try Checkpoint.open(file.path), size: input.count, "torch .bin")
            } catch {
                assertOneLine(error, path: file.path, "torch .bin")
            }
        }
    }
}
