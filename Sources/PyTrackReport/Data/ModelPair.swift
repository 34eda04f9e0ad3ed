import Foundation
import PyTrackDomain

/// The standard and deduped runs of one run group (recorded from a manifest, else paired by name with
/// `RunGroup.inferred`); either may be absent. The group's seed runs are named, not drawn as pages of
/// their own: their seed-to-seed spread is in the `seed_*` rows.
public struct ModelPair: Equatable, Sendable {
    public var standard: String?
    public var deduped: String?
    /// Seed runs of the group that have computed steps.
    public var seeds: [String] = []
    /// Folder name under the report root (safe characters only).
    public var folder: String

    public init(standard: String?, deduped: String?, seeds: [String] = [], folder: String) {
        self.standard = standard
        self.deduped = deduped
        self.seeds = seeds
        self.folder = folder
    }

    /// Panel order: standard first, then deduped.
    public var members: [String] { [standard, deduped].compactMap { $0 } }

    /// Display name, e.g. "EleutherAI/pythia-160m (standard vs deduped)".
    public var title: String {
        let seedNote = seeds.isEmpty ? "" : " (+\(seeds.count) seed run\(seeds.count == 1 ? "" : "s"))"
        switch (standard, deduped) {
        case let (s?, _?): return "\(s): standard vs deduped" + seedNote
        case let (s?, nil): return "\(s) (no deduped twin in the database)" + seedNote
        case let (nil, d?): return "\(d) (no standard twin in the database)" + seedNote
        default: return "(empty pair)"
        }
    }

    /// One pair per run group holding computed runs, sorted by folder; folder names are unique.
    /// `groups` are the recorded ones; models in none of them are grouped by `RunGroup.inferred`.
    public static func pairs(of models: [String], groups: [RunGroup] = []) -> [ModelPair] {
        let names = Set(models)
        var pairs: [ModelPair] = []
        var placed = Set<String>()
        for group in groups {
            let standard = group.standard.flatMap { names.contains($0) ? $0 : nil }
            let deduped = group.deduped.flatMap { names.contains($0) ? $0 : nil }
            let seeds = group.runs.filter { $0.role == .seed && names.contains($0.repo) }.map(\.repo)
            placed.formUnion(group.repositories)
            guard standard != nil || deduped != nil else { continue }
            pairs.append(ModelPair(standard: standard, deduped: deduped, seeds: seeds, folder: ""))
        }
        for group in RunGroup.inferred(from: names.subtracting(placed).sorted()) {
            pairs.append(ModelPair(standard: group.standard, deduped: group.deduped, folder: ""))
        }
        var used: Set<String> = ["index.html"]
        for i in pairs.indices {
            let base = pairs[i].standard ?? pairs[i].deduped ?? "model"
            let last = base.split(separator: "/").last.map(String.init) ?? base
            let safe = folderName(last)
            var folder = safe
            var n = 2
            while used.contains(folder.lowercased()) {
                folder = safe + "-\(n)"
                n += 1
            }
            used.insert(folder.lowercased())
            pairs[i].folder = folder
        }
        return pairs.sorted { $0.folder < $1.folder }
    }

    /// Longest folder name kept as it is; longer names are cut and suffixed with a hash of the whole name.
    static let maxFolderLength = 64

    /// A safe folder name for a model name: only `[A-Za-z0-9._-]`, never starting with a dot, and at
    /// most `maxFolderLength` characters (a 5,000-character model name would exceed NAME_MAX):
    /// `<first 47 characters>-<16 hex digits of FNV-1a of the name>`.
    static func folderName(_ name: String) -> String {
        var safe = HTMLEscaping.safeFileName(name)
        if safe.hasPrefix(".") { safe = "_" + safe }
        guard safe.count > maxFolderLength else { return safe }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(safe.prefix(maxFolderLength - 17)) + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
