import Foundation
import PyTrackTestSupport
import XCTest

/// The hostile-file half of the attack suite (issue 14): files written by tools/hostile/make_hostile_files.py
/// or made here (a FIFO, a sparse 6.4 GB file, a 400 MB config). Each case asserts the exit status, the
/// one-line message, a time bound, a peak-RSS bound (from /usr/bin/time), and that what was already
/// stored (a good model computed first) did not change.
final class HostileFileTests: XCTestCase {
    var dir = URL(fileURLWithPath: "/nonexistent")
    var files = URL(fileURLWithPath: "/nonexistent")
    var db = ""
    var before = ""

    override func setUpWithError() throws {
        guard Python.canImport("sqlite3") else { throw XCTSkip("python3 is needed to write the hostile files") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pytrack-hostile-\(UUID().uuidString)")
        files = dir.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let script = Self.repository.appendingPathComponent("tools/hostile/make_hostile_files.py").path
        try Self.shell(["python3", script, files.path])
        db = dir.appendingPathComponent("db/p.sqlite").path
        let good = try PytrackCommand.run(["compute", "--db", db, "--file", file("valid.safetensors"), "--model", "t/good", "--step", "1"])
        XCTAssertEqual(good.status, 0, good.stderr)
        before = try export()
        XCTAssertTrue(before.contains("t/good,1,0,attn_out,frobenius,"), before)
    }

    override func tearDownWithError() throws {
        guard !db.isEmpty else { return }
        _ = try? Self.shell(["chmod", "-R", "u+w", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func file(_ name: String) -> String { files.appendingPathComponent(name).path }

    /// The good model's rows, as `pytrack export` prints them.
    func export() throws -> String {
        let r = try PytrackCommand.run(["export", "--db", db, "--model", "t/good", "--format", "csv", "--out", "-"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func assertStoredUnchanged(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try export(), before, "rows of t/good changed", file: file, line: line)
    }

    @discardableResult
    static func shell(_ args: [String]) throws -> String {
        try Subprocess.output(args)
    }

    /// Runs SQL with Python's sqlite3 (an independent client); returns rows as `repr` lines.
    func sql(_ statement: String, path: String? = nil) throws -> String {
        try Self.shell(["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); rows = c.execute(sys.argv[2]).fetchall(); c.commit(); c.close()
            print("\\n".join(repr(r) for r in rows))
            """, path ?? db, statement])
    }

    /// Every regular file under `root` (relative path -> bytes).
    static func contents(of root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            out[String(url.path.dropFirst(root.path.count))] = try Data(contentsOf: url)
        }
        XCTAssertGreaterThan(out.count, 10)
        return out
    }

    // MARK: Pickles

    func testDeeplyNestedPicklesAreOneLineErrors() throws {
        for name in ["deep_tuple.bin", "deep_dict.bin"] {
            try BoundedRun.run(["inspect", file(name)])
                .assertOneLineError("\(file(name)): malformed pickle: nesting deeper than 64", seconds: 20, mib: 600)
            try BoundedRun.run(["compute", "--db", db, "--file", file(name), "--model", "t/bad", "--step", "1"])
                .assertOneLineError("nesting deeper than 64", seconds: 20, mib: 600)
        }
        try assertStoredUnchanged()
    }

    // MARK: Files that are not files

    func testFIFOIsRefusedBeforeOpening() throws {
        let fifo = file("fifo.safetensors")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try BoundedRun.run(["inspect", fifo], limit: 20).assertOneLineError("\(fifo): cannot open: not a regular file (a FIFO)", seconds: 10, mib: 200)
        try BoundedRun.run(["compute", "--db", db, "--file", fifo, "--model", "t/bad", "--step", "1"], limit: 20)
            .assertOneLineError("not a regular file (a FIFO)", seconds: 10, mib: 200)
        // A config.json that is a FIFO is refused too (it would block a plain read), and compute goes on without it.
        let folder = files.appendingPathComponent("fifo-config")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file("valid.safetensors"), toPath: folder.appendingPathComponent("model.safetensors").path)
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("config.json").path, 0o644), 0)
        let r = try BoundedRun.run(["compute", "--db", db, "--file", folder.appendingPathComponent("model.safetensors").path,
                                    "--model", "t/fifo-config", "--step", "1"], limit: 20)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("not a regular file (a FIFO)"), r.stderr)
        r.assertBounds(seconds: 10, mib: 200)
        try assertStoredUnchanged()
    }

    func testOversizeConfigIsNotRead() throws {
        let folder = files.appendingPathComponent("big-config")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file("valid.safetensors"), toPath: folder.appendingPathComponent("model.safetensors").path)
        let config = folder.appendingPathComponent("config.json").path
        XCTAssertTrue(FileManager.default.createFile(atPath: config, contents: nil))
        XCTAssertEqual(truncate(config, 400 << 20), 0)   // 400 MB, sparse
        let r = try BoundedRun.run(["compute", "--db", db, "--file", folder.appendingPathComponent("model.safetensors").path,
                                    "--model", "t/big-config", "--step", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(config): 419430400 bytes, over the limit of 1048576 bytes"), r.stderr)
        r.assertBounds(seconds: 20, mib: 200)
        XCTAssertEqual(try sql("SELECT config_json IS NULL FROM models WHERE name = 't/big-config'"), "(1,)\n")
        try assertStoredUnchanged()
    }

    /// A checkpoint truncated while compute reads it (another process rewriting the cache): the
    /// matrices read after the cut fail with a one-line `truncated file` error for that file; before,
    /// the mapped read died with SIGBUS (exit 135).
    func testCheckpointTruncatedDuringComputeFailsThatFileWithoutSIGBUS() throws {
        var header: [String: Any] = [:]
        var data = Data()
        var x: UInt32 = 12345
        for layer in 0..<4 {
            for (suffix, rows, cols) in [("attention.dense.weight", 512, 512), ("mlp.dense_h_to_4h.weight", 2048, 512)] {
                var values = [Float](repeating: 0, count: rows * cols)
                for i in values.indices {
                    x = x &* 1_664_525 &+ 1_013_904_223
                    values[i] = (Float(x >> 8) / Float(1 << 24) - 0.5) / 20
                }
                header["gpt_neox.layers.\(layer).\(suffix)"] = ["dtype": "F32", "shape": [rows, cols], "data_offsets": [data.count, data.count + 4 * values.count]]
                values.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        bytes.append(data)
        let path = file("long.safetensors")
        try bytes.write(to: URL(fileURLWithPath: path))

        let p = Process()
        p.executableURL = try PytrackCommand.binary()
        p.arguments = ["compute", "--db", db, "--file", path, "--model", "t/cut", "--step", "1", "--threads", "1"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(p.isRunning, "compute finished before the file was cut: the test needs a bigger file")
        XCTAssertEqual(truncate(path, off_t(8 + json.count + 4096)), 0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "killed by signal \(p.terminationStatus): \(stderr)")
        XCTAssertEqual(p.terminationStatus, 1, stderr)
        let last = stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("pytrack: error:") && last.contains("\(path): truncated file: the file shrank from \(bytes.count) to \(8 + json.count + 4096) bytes"), stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 120)
        XCTAssertEqual(try sql("SELECT c.compute_failure IS NOT NULL FROM checkpoints c JOIN models m ON m.id = c.model_id WHERE m.name = 't/cut'"), "(1,)\n")
        try assertStoredUnchanged()
    }

    // MARK: Tensors that are not what their names say

    func testUnrecognisedTensorsAreNamedAndAFileWithNoneFails() throws {
        let rank3 = try BoundedRun.run(["compute", "--db", db, "--file", file("rank3.safetensors"), "--model", "t/rank3", "--step", "1"])
        XCTAssertEqual(rank3.status, 0, rank3.stderr)
        XCTAssertTrue(rank3.stderr.contains("2 tensor(s) not recognised, skipped: gpt_neox.layers.0.mlp.dense_h_to_4h.weight [2, 2, 2], gpt_neox.layers.0.mlp.dense_4h_to_h.weight []"), rank3.stderr)
        rank3.assertBounds(seconds: 20, mib: 300)

        try BoundedRun.run(["compute", "--db", db, "--file", file("unrecognised.safetensors"), "--model", "t/none", "--step", "1"])
            .assertOneLineError("none of its 2 tensor(s) is a GPT-NeoX weight this catalog recognises", seconds: 20, mib: 300)
        XCTAssertEqual(try sql("SELECT c.compute_failure IS NOT NULL FROM checkpoints c JOIN models m ON m.id = c.model_id WHERE m.name = 't/none'"), "(1,)\n")
        try assertStoredUnchanged()
    }

    func testAllNaNMatrixIsStoredWithItsCountAndNullStatistics() throws {
        let args = ["compute", "--db", db, "--file", file("all_nan.safetensors"), "--model", "t/nan", "--step", "1"]
        let first = try BoundedRun.run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("64 of 64 values are NaN/Inf"), first.stderr)
        let rows = try sql("""
            SELECT x.nonfinite_count, COUNT(v.name), COUNT(v.value) FROM matrices x JOIN checkpoints c ON c.id = x.checkpoint_id
            JOIN models m ON m.id = c.model_id LEFT JOIN metrics v ON v.matrix_id = x.id
            WHERE m.name = 't/nan' AND x.layer = 0 AND x.matrix = 'attn_out' GROUP BY x.id
            """)
        let fields = rows.trimmingCharacters(in: CharacterSet(charactersIn: "()\n")).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(fields.first, "64", rows)
        XCTAssertGreaterThan(Int(fields[1]) ?? 0, 20, "every statistic is stored, as NULL: \(rows)")
        XCTAssertEqual(fields.last, "1", "only nonfinite_count has a value: \(rows)")
        let again = try BoundedRun.run(args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("1 already up to date"), again.stderr)
        try assertStoredUnchanged()
    }

    // MARK: Memory

    func testTensorOverTheMemoryBudgetIsRefusedBeforeAllocating() throws {
        let huge = file("huge_header.safetensors")
        let attributes = try FileManager.default.attributesOfItem(atPath: huge)
        let headerBytes = (attributes[.size] as? Int) ?? 0
        XCTAssertEqual(truncate(huge, off_t(headerBytes + 40000 * 40000 * 4)), 0)   // 6.4 GB, sparse
        try BoundedRun.run(["compute", "--db", db, "--file", huge, "--model", "t/huge", "--step", "1", "--max-memory-gb", "1"])
            .assertOneLineError("tensor gpt_neox.embed_in.weight [40000, 40000] needs about 35.76 GiB, over the memory budget of 1.00 GiB (--max-memory-gb)",
                                seconds: 20, mib: 200)
        try assertStoredUnchanged()
    }

    func testHugeStrideIsNotMaterialised() throws {
        let cache = dir.appendingPathComponent("empty-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try BoundedRun.run(["compute", "--db", db, "--model", "t/good", "--cache", cache, "--steps", "0:999999999:1"])
            .assertOneLineError("no cached step in 0:999999999:1", seconds: 20, mib: 200)
        try assertStoredUnchanged()
    }

    // MARK: Databases

    func testDatabaseFromANewerPytrackIsRefusedAndLeftAlone() throws {
        for change in ["PRAGMA user_version = 99", "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')"] {
            let copy = dir.appendingPathComponent("newer-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            _ = try sql(change, path: copy)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
            for args in [["status", "--db", copy], ["export", "--db", copy, "--out", "-"], ["report", "--db", copy, "--out", dir.appendingPathComponent("r").path],
                         ["compute", "--db", copy, "--file", file("valid.safetensors"), "--model", "t/x", "--step", "2"]] {
                try BoundedRun.run(args).assertOneLineError("\(copy): database written by a newer pytrack", seconds: 20, mib: 200)
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), bytes, "the newer database was modified (\(change))")
        }
    }

    /// A 0444 copy of the database and a copy of the binary in a 0755 folder of root's, for a run as
    /// `nobody` (another user who may read but not write them).
    func readOnlyCopyForAnotherUser() throws -> (database: String, binary: URL) {
        let shared = dir.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let copy = shared.appendingPathComponent("p.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let binary = shared.appendingPathComponent("pytrack")
        try FileManager.default.copyItem(at: try PytrackCommand.binary(), to: binary)
        try Self.shell(["chmod", "0444", copy])
        try Self.shell(["chmod", "0755", dir.path, shared.path])
        return (copy, binary)
    }

    /// A 0444 database in a folder the reading user cannot write (another user's): status, export and
    /// report work and leave no -wal/-shm. Needs root (to run the commands as `nobody` with setpriv).
    func testReadOnlyDatabaseOfAnotherUserIsReadWithoutLeavingFiles() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to read the database as another user")
        }
        let (copy, binary) = try readOnlyCopyForAnotherUser()
        let out = dir.appendingPathComponent("nobody-out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Self.shell(["chmod", "0777", out.path])
        let env = PytrackCommand.environment(["HOME": out.path])
        for args in [["status", "--db", copy, "--steps"], ["export", "--db", copy, "--model", "t/good", "--format", "csv", "--out", "-"],
                     ["report", "--db", copy, "--out", out.appendingPathComponent("Reports").path]] {
            let r = try BoundedRun.run(args, user: 65534, binary: binary, environment: env)
            XCTAssertEqual(r.status, 0, "\(args[0]): \(r.stderr)")
            r.assertBounds(seconds: 30, mib: 300)
            if args[0] == "export" { XCTAssertEqual(r.stdout, before) }
            let left = try FileManager.default.contentsOfDirectory(atPath: binary.deletingLastPathComponent().path).sorted()
            XCTAssertEqual(left, ["p.sqlite", "pytrack"], "\(args[0]) left files behind")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("Reports/index.html").path))
    }

    // MARK: Names

    func testControlCharactersInNamesAreEscapedOnTheTerminal() throws {
        let name = "t/esc\u{1B}]2;pwned\u{07}\u{9B}31m"
        let computed = try BoundedRun.run(["compute", "--db", db, "--file", file("valid.safetensors"), "--model", name, "--step", "1"])
        XCTAssertEqual(computed.status, 0, computed.stderr)
        XCTAssertFalse(computed.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, computed.stderr)
        let status = try BoundedRun.run(["status", "--db", db, "--steps"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("t/esc\\e]2;pwned\\x07\\u{9B}31m: 1 steps"), status.stdout)
        XCTAssertFalse(status.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, status.stdout)

        // Tensor names from a file: inspect's table and compute's warning show them escaped, one line each.
        let inspect = try BoundedRun.run(["inspect", file("control_names.safetensors")])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("evil\\e]2;pwned\\x07\\nname\\u{9B}"), inspect.stdout)
        XCTAssertFalse(inspect.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }, inspect.stdout)
        let warned = try BoundedRun.run(["compute", "--db", db, "--file", file("control_names.safetensors"), "--model", "t/names", "--step", "1"])
        XCTAssertEqual(warned.status, 0, warned.stderr)
        XCTAssertTrue(warned.stderr.contains("not recognised, skipped: evil\\e]2;pwned\\x07\\nname\\u{9B} [2]"), warned.stderr)

        let fifo = file("bad\nname\u{1B}[2J.safetensors")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try BoundedRun.run(["inspect", fifo], limit: 20).assertOneLineError("bad\\nname\\e[2J.safetensors: cannot open: not a regular file", seconds: 10, mib: 200)
    }

    // MARK: Report

    func testLongModelNameAndFullDiskLeaveTheReportIntact() throws {
        let long = "t/" + String(repeating: "a", count: 5000)
        let computed = try BoundedRun.run(["compute", "--db", db, "--file", file("valid.safetensors"), "--model", long, "--step", "1"])
        XCTAssertEqual(computed.status, 0, computed.stderr)
        let reports = dir.appendingPathComponent("Reports")
        let first = try BoundedRun.run(["report", "--db", db, "--out", reports.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        first.assertBounds(seconds: 60, mib: 400)
        let folders = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        XCTAssertTrue(folders.contains("good"), "\(folders)")
        XCTAssertTrue(folders.contains { $0.hasPrefix("aaaa") && $0.count == 64 }, "\(folders)")
        XCTAssertTrue(folders.allSatisfy { !$0.hasPrefix(".pytrack-report") }, "\(folders)")
        let index = reports.appendingPathComponent("index.html")
        let indexBefore = try Data(contentsOf: index)
        let inodeBefore = try FileManager.default.attributesOfItem(atPath: index.path)[.systemFileNumber] as? Int
        let filesBefore = try Self.contents(of: reports)

        // Every file the report writes is capped at 4 KiB (RLIMIT_FSIZE, SIGXFSZ ignored): the disk is "full".
        // The report runs as `nobody` on a 0444 copy of the database, which is then opened immutable:
        // SQLite's 32 KiB -shm file would otherwise hit the limit before the report does.
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("the full-disk half needs root and setpriv (to read the database as another user)")
        }
        let (copy, binary) = try readOnlyCopyForAnotherUser()
        try Self.shell(["chown", "-R", "65534:65534", reports.path])
        try BoundedRun.run(["report", "--db", copy, "--out", reports.path], shell: "ulimit -f 4; trap '' XFSZ", user: 65534, binary: binary)
            .assertOneLineError("cannot write report file", seconds: 60, mib: 400)
        XCTAssertEqual(try Data(contentsOf: index), indexBefore)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: index.path)[.systemFileNumber] as? Int, inodeBefore)
        let filesAfter = try Self.contents(of: reports)
        let changed = Set(filesBefore.keys).union(filesAfter.keys).filter { filesBefore[$0] != filesAfter[$0] }.sorted()
        XCTAssertEqual(changed, [], "files of the previous report changed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted(), folders, "a staging folder was left behind")
    }
}
