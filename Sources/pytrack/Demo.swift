import PyTrackCache
import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackDemoSuite
import PyTrackHub
import PyTrackLocalHub
import PyTrackModel
import PyTrackReport
import PyTrackStore

/// `pytrack demo`: the whole pipeline on the embedded demo suite, offline, from any folder.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run sync -> compute -> report on the embedded demo suite (a trained tiny GPT-NeoX suite), offline.",
        discussion: """
        Serves the demo suite shipped with the binary (pytrack_PyTrackDemoSuite.resources beside it) with a
        local hub written in Swift on 127.0.0.1 (the real hub protocol: refs, tree, resolve with a 302 to a
        second listener, Range), syncs the runs its manifest names into a temporary huggingface_hub cache,
        computes every checkpoint and writes the report. Needs no network and no Python. The data is a
        SYNTHETIC demo series (see tools/demo-suite/README.md), not Pythia, and the report says so.
        Where it writes (unless --db/--out say otherwise): run from a pytrack checkout (a folder with
        Package.swift and Sources/PyTrackDemoSuite), db/demo.sqlite and Reports/demo/ there; run from any
        other folder, db/demo.sqlite and Reports/demo/ under $XDG_DATA_HOME/pytrack (default
        ~/.local/share/pytrack). It prints the path of the report to open.
        Example:
          swift run -c release pytrack demo
          pytrack demo --db /tmp/demo.sqlite --out /tmp/demo-report --threads 2
        """)

    @Option(name: .long, help: "A demo suite in hub layout (<org>/<name>/<revision>/...). Default: the one shipped with the binary.")
    var suite: String?

    @Option(name: .long, help: "The manifest naming the demo runs. Default: the one shipped with the binary (= manifests/demo.json).")
    var manifest: String?

    @Option(name: .long, help: "SQLite database to write. Default: db/demo.sqlite in a checkout, else under $XDG_DATA_HOME/pytrack.")
    var db: String?

    @Option(name: .long, help: "Report folder to write. Default: Reports/demo in a checkout, else under $XDG_DATA_HOME/pytrack.")
    var out: String?

    @Option(name: .long, help: "Checkpoint cache to sync into (default: a temporary folder, removed afterwards).")
    var cache: String?

    @Option(name: .long, help: "Worker threads for compute (default: number of cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let started = Date()
        let fm = FileManager.default
        let shipped = DemoSuite.resources()
        let home = DemoHome.current()
        let suitePath = suite ?? shipped.map { DemoSuite.hubRoot(in: $0).path } ?? home.checkoutSuite
        let manifestPath = manifest ?? shipped.map { DemoSuite.manifest(in: $0).path } ?? home.checkoutManifest
        guard let suitePath, let manifestPath else {
            let exe = DemoSuite.executableURL() ?? URL(fileURLWithPath: CommandLine.arguments[0])
            throw DemoError.missing(path: exe.deletingLastPathComponent().appendingPathComponent(DemoSuite.resourceFolderName).path,
                                    what: "demo suite shipped with \(exe.lastPathComponent) (keep that folder beside the binary, or pass --suite and --manifest)")
        }
        let db = self.db ?? home.database
        let out = self.out ?? home.reports
        let suiteURL = URL(fileURLWithPath: suitePath, isDirectory: true)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: suiteURL.path, isDirectory: &isDir), isDir.boolValue else {
            throw DemoError.missing(path: suitePath, what: "demo suite folder")
        }
        let demoManifest = try Manifest.load(from: URL(fileURLWithPath: manifestPath))

        // 1. A real hub on loopback.
        say("[1/4] starting a local hub on 127.0.0.1 serving \(suitePath)")
        let server = try LocalHub(root: suiteURL)
        defer { server.stop() }
        say("      hub at \(server.endpoint)")

        // 2. Sync into a scratch cache (or --cache), recording each checkpoint in the database.
        let cacheDir: URL
        var removeCache = false
        if let cache {
            cacheDir = URL(fileURLWithPath: cache, isDirectory: true)
        } else {
            cacheDir = fm.temporaryDirectory.appendingPathComponent("pytrack-demo-cache-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
            removeCache = true
        }
        defer { if removeCache { try? fm.removeItem(at: cacheDir) } }
        var environment = ProcessInfo.processInfo.environment
        for key in ["HF_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_HUB_CACHE"] { environment[key] = nil }
        let hub = HubEnvironment(endpoint: server.endpoint, cache: cacheDir.path, environment: environment)
        let database = try PyTrackDatabase(path: db)
        try database.recordGroup(demoManifest.group)
        say("[2/4] sync \(demoManifest.repositories.joined(separator: " + ")) into \(cacheDir.path)")
        var request = SyncRequest(repositories: demoManifest.repositories, steps: demoManifest.steps,
                                  schedule: demoManifest.schedule, files: demoManifest.files)
        request.jobs = 4
        let sync = CheckpointSync(environment: hub, progress: SyncProgress())
        sync.record = SyncRecorder.recording(into: database, source: "demo hub \(server.endpoint)")
        let synced = try sync.run(request)
        say("      \(synced.headline)")
        if !synced.problems.isEmpty {
            throw DemoError.stage("sync", synced.problems.joined(separator: "; "))
        }

        // 3. Compute every synced checkpoint of both runs.
        let reader = HubCacheReader(root: cacheDir)
        let plan = ComputePlan.fromCache(models: demoManifest.repositories,
                                         steps: { ComputePlan.cachedSteps(model: $0, cache: reader) },
                                         cache: reader, isDemo: true)
        say("[3/4] compute \(plan.units.count) checkpoints into \(db)")
        let engine = ComputeEngine(database: database, options: ComputeOptions(threads: threads,
            blasThreads: ComputeOptions.blasThreadsSharing(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)))
        let computed = engine.run(plan)
        say("      \(computed.line)")
        if !computed.succeeded {
            throw DemoError.stage("compute", computed.line)
        }

        // 4. Report.
        say("[4/4] report into \(out)")
        let builder = ReportBuilder(database: database, options: .init(
            outputDirectory: URL(fileURLWithPath: out, isDirectory: true), models: demoManifest.repositories, matrixLayer: nil))
        let summary = try builder.build()
        let index = URL(fileURLWithPath: summary.indexPath).standardizedFileURL
        say(String(format: "done in %.1f s. Open the report:", Date().timeIntervalSince(started)))
        print(index.path)
    }

    private func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Why the demo could not run (one line each).
enum DemoError: Error, CustomStringConvertible {
    case missing(path: String, what: String)
    case stage(String, String)

    var description: String {
        switch self {
        case let .missing(path, what): return "\(path): no \(what)"
        case let .stage(stage, detail): return "demo \(stage) failed: \(detail)"
        }
    }
}
