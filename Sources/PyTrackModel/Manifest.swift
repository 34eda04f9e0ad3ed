import Foundation
import PyTrackDomain

/// A sync/compute manifest (manifests/*.json, documented in manifests/README.md): a group of hub
/// repositories (a standard run, an optional deduped twin, optional seed runs), the comparisons to
/// draw, the steps to take, which files, and where from.
///
///     { "name": "pythia-160m", "standard": "EleutherAI/pythia-160m",
///       "deduped": "EleutherAI/pythia-160m-deduped", "steps": "all",
///       "seeds": [{"repo": "ORG/pythia-160m-seed1", "data": "standard"}],
///       "files": ["weights", "config.json"], "schedule": "pythia" }
public struct Manifest: Equatable, Sendable {
    /// Which steps exist, the list a SPEC resolves against.
    public enum Schedule: Equatable, Sendable {
        /// The 154-step Pythia schedule.
        case pythia
        /// Every `step<N>` branch the hub lists for the repositories.
        case hub
        /// An explicit list.
        case explicit([Int])
    }

    /// A short name for reports (`pythia-160m`).
    public var name: String
    /// The standard run's repository, `ORG/NAME`.
    public var standard: String
    /// The deduped twin's repository, if any.
    public var deduped: String?
    /// Seed runs: the same configuration from another seed, with the data they saw.
    public var seeds: [RunGroup.Run]
    /// Which comparisons to draw (default: every one the runs allow).
    public var comparisons: Set<RunGroup.Comparison>
    /// The default step selection.
    public var steps: StepSpec
    /// File selection: `weights` (safetensors, else .bin, with shards) and/or exact file names.
    public var files: [String]
    /// The step list SPECs resolve against.
    public var schedule: Schedule
    /// Hub endpoint override (else HF_ENDPOINT, else https://huggingface.co).
    public var endpoint: String?

    /// The default file selection: the weights and config.json.
    public static let defaultFiles = ["weights", "config.json"]

    public init(name: String, standard: String, deduped: String? = nil, seeds: [RunGroup.Run] = [],
                comparisons: Set<RunGroup.Comparison> = Set(RunGroup.Comparison.allCases), steps: StepSpec = .all,
                files: [String] = Manifest.defaultFiles, schedule: Schedule = .pythia, endpoint: String? = nil) {
        self.name = name
        self.standard = standard
        self.deduped = deduped
        self.seeds = seeds
        self.comparisons = comparisons
        self.steps = steps
        self.files = files
        self.schedule = schedule
        self.endpoint = endpoint
    }

    /// Every repository: standard, deduped, then the seed runs.
    public var repositories: [String] { group.repositories }

    /// The run group the manifest names.
    public var group: RunGroup {
        var runs = [RunGroup.Run(repo: standard, role: .standard, data: .standard)]
        if let deduped { runs.append(RunGroup.Run(repo: deduped, role: .deduped, data: .deduped)) }
        return RunGroup(name: name, runs: runs + seeds, comparisons: comparisons)
    }

    /// Reads and validates a manifest file.
    public static func load(from url: URL) throws -> Manifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ManifestError.unreadable(url.path, error.localizedDescription)
        }
        return try parse(data, file: url.path)
    }

    /// Parses manifest JSON; `file` names the source in errors.
    public static func parse(_ data: Data, file: String) throws -> Manifest {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ManifestError.invalid(file, "not valid JSON")
        }
        guard let dict = object as? [String: Any] else { throw ManifestError.invalid(file, "expected a JSON object") }
        let known: Set<String> = ["name", "standard", "deduped", "seeds", "comparisons", "steps", "files", "schedule",
                                  "endpoint", "description"]
        if let unknown = dict.keys.sorted().first(where: { !known.contains($0) }) {
            throw ManifestError.invalid(file, "unknown key '\(unknown)'")
        }
        func string(_ key: String, required: Bool) throws -> String? {
            guard let value = dict[key], !(value is NSNull) else {
                if required { throw ManifestError.invalid(file, "missing '\(key)'") }
                return nil
            }
            guard let s = value as? String, !s.isEmpty else { throw ManifestError.invalid(file, "'\(key)' must be a non-empty string") }
            return s
        }
        let standard = try string("standard", required: true)!
        let deduped = try string("deduped", required: false)
        var seeds: [RunGroup.Run] = []
        if let value = dict["seeds"], !(value is NSNull) {
            guard let list = value as? [[String: Any]] else {
                throw ManifestError.invalid(file, "'seeds' must be a list of {\"repo\": \"ORG/NAME\", \"data\": \"standard\"|\"deduped\"}")
            }
            for entry in list {
                if let unknown = entry.keys.sorted().first(where: { $0 != "repo" && $0 != "data" }) {
                    throw ManifestError.invalid(file, "seeds: unknown key '\(unknown)'")
                }
                guard let repo = entry["repo"] as? String else { throw ManifestError.invalid(file, "seeds: every entry needs a 'repo'") }
                guard let data = (entry["data"] as? String).flatMap(RunGroup.DataKind.init(rawValue:)) else {
                    throw ManifestError.invalid(file, "seeds: '\(repo)' needs \"data\": \"standard\" or \"deduped\"")
                }
                seeds.append(RunGroup.Run(repo: repo, role: .seed, data: data))
            }
        }
        var comparisons = Set(RunGroup.Comparison.allCases)
        if let value = dict["comparisons"], !(value is NSNull) {
            guard let list = value as? [String] else { throw ManifestError.invalid(file, "'comparisons' must be a list of strings") }
            comparisons = []
            for name in list {
                guard let c = RunGroup.Comparison(rawValue: name) else {
                    let known = RunGroup.Comparison.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ManifestError.invalid(file, "comparisons: unknown '\(name)' (known: \(known))")
                }
                comparisons.insert(c)
            }
        }
        let all = [standard] + (deduped.map { [$0] } ?? []) + seeds.map(\.repo)
        for repo in all where !Manifest.isRepositoryName(repo) {
            throw ManifestError.invalid(file, "'\(repo)' is not a repository name ORG/NAME")
        }
        if let repeated = Dictionary(grouping: all, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ManifestError.invalid(file, "'\(repeated)' is named twice")
        }
        var steps = StepSpec.all
        if let text = try string("steps", required: false) {
            do { steps = try StepSpec(parsing: text) } catch {
                throw ManifestError.invalid(file, "steps: \(error)")
            }
        }
        var files = defaultFiles
        if let value = dict["files"] {
            guard let list = value as? [String], !list.isEmpty, list.allSatisfy({ !$0.isEmpty }) else {
                throw ManifestError.invalid(file, "'files' must be a non-empty list of strings")
            }
            files = list
        }
        var schedule = Schedule.pythia
        switch dict["schedule"] {
        case nil, is NSNull: break
        case let s as String where s == "pythia": schedule = .pythia
        case let s as String where s == "hub": schedule = .hub
        case let list as [Any]:
            let numbers = list.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
            guard numbers.count == list.count, !numbers.isEmpty, numbers.allSatisfy({ $0 >= 0 }) else {
                throw ManifestError.invalid(file, "'schedule' list must hold non-negative step numbers")
            }
            schedule = .explicit(numbers.sorted())
        default:
            throw ManifestError.invalid(file, "'schedule' must be \"pythia\", \"hub\" or a list of steps")
        }
        let endpoint = try string("endpoint", required: false)
        if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
            throw ManifestError.invalid(file, "endpoint '\(endpoint)' must start with http:// or https://")
        }
        let name = try string("name", required: false) ?? String(standard.split(separator: "/").last ?? "")
        return Manifest(name: name, standard: standard, deduped: deduped, seeds: seeds, comparisons: comparisons,
                        steps: steps, files: files,
                        schedule: schedule, endpoint: endpoint)
    }

    /// True for `ORG/NAME` with both parts made of letters, digits, `-`, `_`, `.` (and not `.`/`..`).
    public static func isRepositoryName(_ repo: String) -> Bool {
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 96 && part != "." && part != ".." &&
                part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        }
    }
}

/// Why a manifest could not be used.
public enum ManifestError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .unreadable(let file, let why): return "\(file): cannot read manifest: \(why)"
        case .invalid(let file, let why): return "\(file): invalid manifest: \(why)"
        }
    }
}
