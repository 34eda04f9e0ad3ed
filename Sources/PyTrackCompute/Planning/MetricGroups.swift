import PyTrackDomain
import PyTrackStore

/// The metric groups compute stores per matrix, each with the version of its definition, as
/// `MetricRegistry` (PyTrackDomain) defines them. A stored (model, step, matrix) whose groups are all at
/// least as new as these is never computed again; bumping a version in the registry makes the next
/// `pytrack compute` recompute exactly the matrices that carry that group.
public enum MetricGroups {
    /// Weight matrices (qkv, q, k, v, attn_out, mlp_in, mlp_out, embed_in, embed_out).
    public static let matrix = MetricRegistry.versions(scope: .matrix)
    /// Per-head OV circuits (`ov_head<h>`).
    public static let ov = MetricRegistry.versions(scope: .head)
    /// LayerNorm gains/biases and other 1-D tensors.
    public static let vector = MetricRegistry.versions(scope: .vector)
    /// Version of the derived rows (depth growth, dedup comparisons, seed spread).
    public static let derived = MetricRegistry.group("derived")?.version ?? 1

    /// Every kind's groups, as the store's status query takes them.
    public static var required: RequiredGroups { ["matrix": matrix, "ov": ov, "vector": vector] }

    /// True when `stored` holds every group of `required` at the same or a newer version.
    public static func isCurrent(stored: [String: Int]?, required: [String: Int]) -> Bool {
        guard let stored else { return false }
        return required.allSatisfy { group, version in (stored[group] ?? Int.min) >= version }
    }
}
