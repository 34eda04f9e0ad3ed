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
