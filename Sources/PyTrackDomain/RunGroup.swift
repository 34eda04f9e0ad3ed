/// A group of training runs compared with each other: a standard run, its deduped twin, and any number
/// of seed runs (the same configuration trained from another seed), each tagged with the data it saw.
/// Manifests name groups; without a manifest, `inferred(from:)` pairs `X` with `X-deduped` (the one
/// place that naming rule lives).
public struct RunGroup: Equatable, Sendable {
    /// What a run is within its group.
    public enum Role: String, Sendable, CaseIterable {
        case standard, deduped, seed
    }

    /// Which training data a run saw: runs of the same data differ only in their seed.
    public enum DataKind: String, Sendable, CaseIterable {
        case standard, deduped
    }

    /// The comparisons a group draws.
    public enum Comparison: String, Sendable, CaseIterable {
        /// `dedup_*` rows: deduped vs standard at each step.
        case dedup
        /// `seed_min_*`, `seed_max_*`, `seed_std_*` rows across runs of the same data.
        case seedSpread = "seed_spread"
    }

    /// One run: a hub repository and its place in the group.
    public struct Run: Equatable, Sendable {
        public var repo: String
        public var role: Role
        public var data: DataKind

        public init(repo: String, role: Role, data: DataKind) {
            self.repo = repo
            self.role = role
            self.data = data
        }
    }

    /// The group's name (the manifest's `name`); seed-spread rows are exported under it.
    public var name: String
    public var runs: [Run]
    public var comparisons: Set<Comparison>

    public init(name: String, runs: [Run], comparisons: Set<Comparison> = Set(Comparison.allCases)) {
        self.name = name
        self.runs = runs
        self.comparisons = comparisons
    }

    /// The standard run's repository, if the group has one.
    public var standard: String? { runs.first { $0.role == .standard }?.repo }
    /// The deduped run's repository, if the group has one.
    public var deduped: String? { runs.first { $0.role == .deduped }?.repo }
    /// Every repository, standard first, then deduped, then seeds in manifest order.
    public var repositories: [String] {
        Role.allCases.flatMap { role in runs.filter { $0.role == role }.map(\.repo) }
    }

    /// The runs of each data kind that have at least two runs (their spread is the seed-to-seed noise).
    public var seedSets: [DataKind: [String]] {
        var out: [DataKind: [String]] = [:]
        for kind in DataKind.allCases {
            let repos = runs.filter { $0.data == kind }.map(\.repo)
            if repos.count >= 2 { out[kind] = repos }
        }
        return out
    }

    /// The name seed-spread rows of `data` are stored under: the group's name, or `name:data` when
    /// both data kinds have seed sets (so the two spreads never mix).
    public func spreadName(for data: DataKind) -> String {
        seedSets.count > 1 ? "\(name):\(data.rawValue)" : name
    }

    /// Groups for repositories given without a manifest: `X` and `X-deduped` form a pair (named by the
    /// last path component of `X`); any other repository is a group of its own.
    public static func inferred(from repos: [String]) -> [RunGroup] {
        let names = Set(repos)
        var groups: [RunGroup] = []
        for repo in names.sorted() {
            if repo.hasSuffix(dedupedSuffix), names.contains(String(repo.dropLast(dedupedSuffix.count))) { continue }
            let twin = repo + dedupedSuffix
            var runs = [Run(repo: repo, role: repo.hasSuffix(dedupedSuffix) ? .deduped : .standard,
                            data: repo.hasSuffix(dedupedSuffix) ? .deduped : .standard)]
            if names.contains(twin) { runs.append(Run(repo: twin, role: .deduped, data: .deduped)) }
            groups.append(RunGroup(name: String(repo.split(separator: "/").last ?? Substring(repo)), runs: runs))
        }
        return groups
    }

    /// The suffix Pythia gives deduped twins.
    public static let dedupedSuffix = "-deduped"
}
