/// One checkpoint's worth of results, written in one transaction.
public struct CheckpointResults: Sendable {
    public var checkpoint: ComputedCheckpoint
    public var isDemo: Bool
    public var configJSON: String?
    public var matrices: [MatrixResult]
    /// The content changed since the stored rows were computed: they are all replaced.
    public var replacesStored: Bool

    public init(checkpoint: ComputedCheckpoint, isDemo: Bool = false, configJSON: String? = nil, matrices: [MatrixResult],
                replacesStored: Bool = false) {
        self.checkpoint = checkpoint
        self.isDemo = isDemo
        self.configJSON = configJSON
        self.matrices = matrices
        self.replacesStored = replacesStored
    }
}
