/// One exported metric: its contract name, the group whose version covers its definition, what it is
/// computed for, its unit and a one-line meaning. `MetricRegistry` lists them all.
public struct MetricDefinition: Sendable, Equatable {
    /// What a metric is computed for.
    public enum Scope: String, Sendable, CaseIterable {
        /// A 2-D weight matrix (qkv, q, k, v, attn_out, mlp_in, mlp_out, embed_in, embed_out).
        case matrix
        /// A 1-D tensor (LayerNorm gain/bias, biases).
        case vector
        /// One attention head's OV circuit (`ov_head<h>`).
        case head
        /// One (model, step): derived across layers.
        case step
        /// Two runs at one step (deduped vs standard).
        case runComparison = "run_comparison"
        /// The runs of a group that saw the same data (the seed-to-seed spread), at one step.
        case runSpread = "run_spread"
    }

    /// The export name (`frobenius`); for `runSpread`, the prefix before the measured metric's name.
    public var name: String
    /// The metric group (`moments`, `fits`, ..., `derived`): its version is bumped when this changes.
    public var group: String
    public var scope: Scope
    /// Unit: `weight` (the weights' own unit), `1` (dimensionless), `count`, `nats`, `log weight`, ...
    public var unit: String
    public var meaning: String

    public init(_ name: String, group: String, scope: Scope, unit: String, _ meaning: String) {
        self.name = name
        self.group = group
        self.scope = scope
        self.unit = unit
        self.meaning = meaning
    }
}

/// A metric group: the unit of recomputation. A stored matrix whose group is older than `version` is
/// computed again (only that matrix, only on the next `pytrack compute`).
public struct MetricGroup: Sendable, Equatable {
    public var name: String
    public var version: Int
    public var scope: MetricDefinition.Scope
    /// What changed at each version, newest last (docs/metrics.md shows it).
    public var history: [String]

    public init(_ name: String, version: Int, scope: MetricDefinition.Scope, history: [String]) {
        self.name = name
        self.version = version
        self.scope = scope
        self.history = history
    }
}
