import PyTrackDomain

/// Facts about the EleutherAI Pythia suite: sizes, hub repository names and the checkpoint schedule.
public enum PythiaSuite {
    /// Every Pythia size, smallest first.
    public static let sizes = ["14m", "31m", "70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]

    /// Sizes that also have a `-deduped` twin (trained on the deduplicated Pile).
    public static let dedupedSizes = ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]

    /// The hub organisation that publishes the suite.
    public static let organisation = "EleutherAI"

    /// The 154 training steps with a checkpoint branch: 0, 1, 2, 4, ..., 512, then 1000...143000 by 1000.
    public static let steps: [Int] = logSteps + Array(stride(from: 1000, through: 143_000, by: 1000))

    /// The early, log-spaced steps: 0, 1, 2, 4, ..., 512.
    public static let logSteps: [Int] = [0] + (0...9).map { 1 << $0 }

    /// The step `main` points at.
    public static let finalStep = 143_000

    /// `EleutherAI/pythia-<size>` or `EleutherAI/pythia-<size>-deduped`; nil for an unknown size or a
    /// deduped twin that does not exist.
    public static func repository(size: String, deduped: Bool = false) -> String? {
        guard sizes.contains(size) else { return nil }
        if deduped && !dedupedSizes.contains(size) { return nil }
        return "\(organisation)/pythia-\(size)\(deduped ? "-deduped" : "")"
    }

    /// The git branch of a step: `step<N>` (`RevisionScheme.pythia`).
    public static func revision(step: Int) -> String { RevisionScheme.pythia.revision(of: step) ?? "step\(step)" }

    /// The step of a `step<N>` branch (N canonical: no sign, no leading zero), or nil for any other name.
    public static func step(revision: String) -> Int? { RevisionScheme.pythia.step(of: revision) }
}
