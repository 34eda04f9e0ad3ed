/// What compute records about the checkpoint it read, beside its matrices. Compute never writes sync's columns.
public struct ComputedCheckpoint: Equatable, Sendable {
    public var model: String
    public var step: Int
    public var revision: String
    public var commit: String?
    /// The content key of the weights the stored matrices came from.
    public var contentSHA256: String?
    public var files: [String]
    /// `hub` for the cache, or the local path of `--file`.
    public var source: String?
    /// How many matrices the catalog names for this checkpoint (so a partial store is visible).
    public var expectedMatrices: Int?
    /// Why this compute failed (nil: it succeeded; a success clears an earlier failure).
    public var failure: String?

    public init(model: String, step: Int, revision: String, commit: String? = nil, contentSHA256: String? = nil,
                files: [String] = [], source: String? = nil, expectedMatrices: Int? = nil, failure: String? = nil) {
        self.model = model
        self.step = step
        self.revision = revision
        self.commit = commit
        self.contentSHA256 = contentSHA256
        self.files = files
        self.source = source
        self.expectedMatrices = expectedMatrices
        self.failure = failure
    }
}
