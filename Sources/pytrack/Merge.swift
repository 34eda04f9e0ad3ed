import ArgumentParser
import Foundation
import PyTrackCompute
import PyTrackStore

/// `pytrack merge OUT SHARD...`: folds shard databases into one and rebuilds the cross-shard rows.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shard databases (from compute --shard) into one, then rebuild derived rows.",
        discussion: """
        OUT is created if absent (or merged into). Shards are attached ten at a time and each is merged in
        one transaction; merging a shard again changes nothing, and a shard that died half-way merges the
        checkpoints it committed. A shard written by another schema, or holding a (run, step, matrix, group)
        at another definition version (or from other content) than OUT, is refused with one line and is not
        merged. Afterwards the per-step and cross-run rows (depth growth, dedup comparisons, seed spread) of
        every merged (model, step) are recomputed, since their inputs lived in different shards.
        Example:
          pytrack merge db/pytrack.sqlite shards/shard-*.sqlite
        """)

    @Argument(help: "The merged database (created if absent).")
    var out: String

    @Argument(help: "Shard databases.")
    var shards: [String]

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give at least one SHARD database") }
    }

    func run() throws {
        let start = Date()
        let db = try PyTrackDatabase(path: out)
        let summary = try db.merge(shards: shards)
        let groups = try db.groups()
        let models = try db.models().map(\.name)
        var derived = 0
        for key in summary.steps {
            let holding = StepDerivedMetrics.groups(of: key.model, recorded: groups, others: models)
            derived += try StepDerivedMetrics.update(model: key.model, step: key.step, groups: holding, database: db).count
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("pytrack merge: \(summary.shards) shard(s) into \(out): \(summary.checkpointsAdded) checkpoint(s) and \(summary.matricesAdded) matrices added, derived rows of \(summary.steps.count) (model, step) rebuilt (\(derived) rows) in \(seconds) s\n".utf8))
    }
}
