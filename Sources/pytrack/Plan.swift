import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackHub
import PyTrackModel
import PyTrackStore

/// `pytrack plan`: the deterministic assignment of (run, step) units to N shards, balanced by bytes.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Assign (run, step) work units to N shards, balanced by bytes to read (deterministic).",
        discussion: """
        The same manifests, steps and N give the same plan on every machine: a manifest's steps come from
        its schedule (a `hub` schedule: from the cache). `pytrack compute --shard i/N` computes exactly
        shard i. With --missing, only the units the merged database (--db) does not hold as computed: the
        input of a rerun array (`compute --shard i/N --missing-from DB`).
        Example:
          pytrack plan --manifest manifests/pythia-160m.json --shards 64
          pytrack plan --manifest manifests/pythia-12b.json --steps log --shards 8 --json
          pytrack plan --manifest manifests/pythia-160m.json --shards 16 --missing --db merged.sqlite
        """)

    @Option(name: .long, help: "A manifest file (repeatable).")
    var manifest: [String] = []

    @Option(name: .long, help: "A repository ORG/NAME (repeatable; its steps are the cached ones).")
    var model: [String] = []

    @Option(name: .long, help: "Steps: all | comma list of N, A-B, A:B:S, log. Default: the first manifest's steps.")
    var steps: String?

    @Option(name: .long, help: "Number of shards N.")
    var shards: Int

    @Flag(name: .long, help: "Print the plan as JSON on stdout.")
    var json = false

    @Flag(name: .long, help: "Only units --db does not hold as computed.")
    var missing = false

    @Option(name: .long, help: "The merged database --missing compares against.")
    var db: String = "db/pytrack.sqlite"

    @Option(name: .long, help: "Checkpoint cache (for `hub` schedules and configs). Default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.")
    var cache: String?

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
        guard shards <= 100_000 else { throw ValidationError("--shards must be at most 100000") }
        guard !manifest.isEmpty || !model.isEmpty else { throw ValidationError("give --manifest FILE or --model ORG/NAME") }
        if let steps { do { _ = try StepSpec(parsing: steps) } catch { throw ValidationError("--steps: \(error)") } }
        for name in model where !Manifest.isRepositoryName(name) { throw ValidationError("--model '\(name)' is not ORG/NAME") }
    }

    func run() throws {
        let selection = try PlanSelection(manifests: manifest, models: model, steps: steps, cache: cache)
        var units = selection.units
        let listed = units.count
        if missing {
            guard FileManager.default.fileExists(atPath: db) else { throw CLIError.noDatabase(path: db) }
            units = try WorkUnitLister.notComputed(units, in: try PyTrackDatabase(path: db))
        }
        let plan = ShardPlan(units: units, count: shards)
        for u in selection.unmatched {
            FileHandle.standardError.write(Data("pytrack plan: \(u.model) step \(u.step): \(u.reason)\n".utf8))
        }
        if json {
            let doc = PlanDocument(plan: plan, spec: selection.spec.text, missingFrom: missing ? db : nil, listed: listed)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(doc), as: UTF8.self))
            return
        }
        let gb = { (b: Int) in b >= 1_000_000_000 ? String(format: "%.2f GB", Double(b) / 1e9) : String(format: "%.1f MB", Double(b) / 1e6) }
        let loads = plan.loads
        print("\(units.count) unit(s)\(missing ? " missing from \(db) (of \(listed))" : ""), \(gb(loads.reduce(0, +))) to read, \(shards) shard(s), imbalance (max/mean bytes) \(String(format: "%.4f", plan.imbalance))")
        for (i, shard) in plan.shards.enumerated() {
            let list = shard.map { "\($0.model)@\($0.step)" }
            let shown = list.prefix(6).joined(separator: " ") + (list.count > 6 ? " ... (+\(list.count - 6))" : "")
            print("shard \(i): \(shard.count) unit(s), \(gb(loads[i])): \(shown)")
        }
    }
}

extension ShardSpec: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}
