import Foundation

/// A standard model and its deduplicated twin ("X-deduped" pairs with "X"); either may be absent.
public struct ModelPair: Equatable, Sendable {
    public var standard: String?
    public var deduped: String?
    /// Folder name under the report root (safe characters only).
    public var folder: String

    /// Panel order: standard first, then deduped.
    public var members: [String] { [standard, deduped].compactMap { $0 } }

    /// Display name, e.g. "EleutherAI/pythia-160m (standard vs deduped)".
    public var title: String {
        switch (standard, deduped) {
        case let (s?, _?): return "\(s): standard vs deduped"
        case let (s?, nil): return "\(s) (no deduped twin in the database)"
        case let (nil, d?): return "\(d) (no standard twin in the database)"
        default: return "(empty pair)"
        }
    }

    /// Groups model names into pairs, sorted by name; folder names are unique.
    public static func pairs(of models: [String]) -> [ModelPair] {
        let names = Set(models)
        var pairs: [ModelPair] = []
        for name in names.sorted() {
            if name.hasSuffix("-deduped") {
                let base = String(name.dropLast("-deduped".count))
                if names.contains(base) { continue } // paired from the standard side
                pairs.append(ModelPair(standard: nil, deduped: name, folder: ""))
            } else {
                let twin = name + "-deduped"
                pairs.append(ModelPair(standard: name, deduped: names.contains(twin) ? twin : nil, folder: ""))
            }
        }
        var used: Set<String> = ["index.html"]
        for i in pairs.indices {
            let base = pairs[i].standard ?? pairs[i].deduped ?? "model"
            let last = base.split(separator: "/").last.map(String.init) ?? base
            var folder = HTMLEscaping.safeFileName(last)
            var n = 2
            while used.contains(folder.lowercased()) {
                folder = HTMLEscaping.safeFileName(last) + "-\(n)"
                n += 1
            }
            used.insert(folder.lowercased())
            pairs[i].folder = folder
        }
        return pairs.sorted { $0.folder < $1.folder }
    }
}
