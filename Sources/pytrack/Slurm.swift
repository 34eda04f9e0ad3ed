import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackModel

/// `pytrack slurm`: writes the sbatch job-array script that runs `compute --shard` on a cluster.
struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write a Slurm job-array script: one `compute --shard i/N` per task, then a merge job.",
        discussion: """
        The script (stdout, or --out FILE) runs `pytrack compute --shard $SLURM_ARRAY_TASK_ID/N` in each task of
        `--array=0-(N-1)%K` with a database on node-local disk ($TMPDIR, or --local-dir) copied back to
        --work/shards on exit, --cpus-per-task passed to --threads, and reads checkpoints from a shared
        cache (`pytrack sync` it first, or let each node's $HF_HUB_CACHE hold them), or with --task-cache each
        task first syncs its own units into a node-local cache that is deleted afterwards. `bash SCRIPT` on a login
        node submits the array and a merge job with --dependency=afterok on it, which writes
        --work/merged.sqlite and prints how many units are still missing.
        Example:
          pytrack slurm --manifest manifests/pythia-160m.json --shards 64 --concurrent 16 \\
                        --cache /shared/hf/hub --work /shared/pytrack-160m --out pytrack-160m.sbatch
          bash pytrack-160m.sbatch
        """)

    @Option(name: .long, help: "A manifest file (repeatable).")
    var manifest: [String] = []

    @Option(name: .long, help: "Steps SPEC (default: the first manifest's).")
    var steps: String?

    @Option(name: .long, help: "Number of shards N (array tasks).")
    var shards: Int

    @Option(name: .long, help: "Most tasks running at once, K in --array=0-(N-1)%K (default: min(N, 16)).")
    var concurrent: Int?

    @Option(name: .customLong("cpus-per-task"), help: "Cores per task, passed to compute --threads.")
    var cpusPerTask: Int = 2

    @Option(name: .long, help: "Shared folder for shards/, logs/ and merged.sqlite.")
    var work: String = "pytrack-slurm"

    @Option(name: .long, help: "Shared huggingface_hub cache the tasks read (default: the nodes' $HF_HUB_CACHE / $HF_HOME).")
    var cache: String?

    @Option(name: .customLong("local-dir"), help: "Node-local folder for task databases (default: $TMPDIR, else /tmp).")
    var localDir: String?

    @Flag(name: .customLong("task-cache"), help: "Each task syncs its own units into a node-local cache (deleted afterwards) instead of reading --cache.")
    var taskCache = false

    @Option(name: .long, help: "Hub endpoint of the --task-cache syncs (default: the manifest's, else $HF_ENDPOINT).")
    var endpoint: String?

    @Option(name: .customLong("missing-from"), help: "A merged database: the array covers only the units it lacks.")
    var missingFrom: String?

    @Option(name: .customLong("job-name"), help: "Slurm job name (default: pytrack-<manifest name>).")
    var jobName: String?

    @Option(name: .long, help: "sbatch --mem for each task, e.g. 8G.")
    var mem: String?

    @Option(name: .long, help: "sbatch --time for each task, e.g. 04:00:00.")
    var time: String?

    @Option(name: .long, help: "sbatch --partition.")
    var partition: String?

    @Option(name: .long, help: "sbatch --account.")
    var account: String?

    @Option(name: .long, help: "The pytrack executable the nodes run (default: this one).")
    var pytrack: String?

    @Option(name: .long, help: "Write the script here (executable) instead of stdout.")
    var out: String?

    func validate() throws {
        guard !manifest.isEmpty else { throw ValidationError("give --manifest FILE") }
        guard shards >= 1, shards <= 100_000 else { throw ValidationError("--shards must be between 1 and 100000") }
        if let concurrent, concurrent < 1 { throw ValidationError("--concurrent must be at least 1") }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1") }
        if let steps { do { _ = try StepSpec(parsing: steps) } catch { throw ValidationError("--steps: \(error)") } }
        if taskCache {
            guard cache == nil else { throw ValidationError("--task-cache and --cache exclude each other") }
            guard manifest.count == 1 else { throw ValidationError("--task-cache takes exactly one --manifest") }
        }
        if endpoint != nil && !taskCache { throw ValidationError("--endpoint is for --task-cache") }
        for (name, value) in [("--job-name", jobName), ("--mem", mem), ("--time", time), ("--partition", partition), ("--account", account)] {
            if let value, value.isEmpty || !value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_:.,".contains($0)) }) {
                throw ValidationError("\(name) '\(value)': use letters, digits and - _ : . , only")
            }
        }
    }

    func run() throws {
        let manifests = try manifest.map { ($0, try Manifest.load(from: URL(fileURLWithPath: $0))) }
        if taskCache, case .hub = manifests[0].1.schedule {
            throw SlurmScriptFailure(message: "\(manifests[0].0): --task-cache needs a pythia or explicit schedule (a hub schedule's steps come from a shared cache)")
        }
        var selection: [String] = []
        for (path, _) in manifests { selection += ["--manifest", Self.absolute(path)] }
        if let steps { selection += ["--steps", steps] }
        let binary = try pytrack.map(Self.absolute) ?? Self.currentExecutable()
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw SlurmScriptFailure(message: "--pytrack \(binary): not an executable file")
        }
        if let missingFrom, !FileManager.default.fileExists(atPath: missingFrom) {
            throw CLIError.noDatabase(path: missingFrom)
        }
        let script = SlurmScript(pytrack: binary, selection: selection, shards: shards, concurrent: concurrent ?? min(shards, 16),
                                 cpusPerTask: cpusPerTask, work: Self.absolute(work), cache: cache.map(Self.absolute),
                                 localDir: localDir, taskCache: taskCache, endpoint: endpoint, missingFrom: missingFrom.map(Self.absolute),
                                 jobName: jobName ?? "pytrack-\(manifests[0].1.name.filter { $0.isLetter || $0.isNumber || "-_.".contains($0) })",
                                 memory: mem, time: time, partition: partition, account: account)
        guard let out else {
            print(script.text, terminator: "")
            return
        }
        do {
            try Data(script.text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: out)
        } catch {
            throw SlurmScriptFailure(message: "\(out): cannot write the script (\(error.localizedDescription))")
        }
        print("wrote \(out): \(shards) array task(s), at most \(script.concurrent) at once, then a merge job into \(script.mergedDatabase)")
        print("submit it from a Slurm login node with: bash \(out)   (or: sbatch \(out), then sbatch --dependency=afterok:<job id> --wrap \"bash \(out) merge\")")
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The running executable's absolute path.
    static func currentExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        if let path = Bundle.main.executablePath { return absolute(path) }
        throw SlurmScriptFailure(message: "cannot tell where this pytrack executable is; pass --pytrack PATH")
    }
}

/// `pytrack slurm` could not write its script (exit status 1).
struct SlurmScriptFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
