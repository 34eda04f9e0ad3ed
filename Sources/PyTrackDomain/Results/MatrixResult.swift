/// Everything computed for one matrix of one checkpoint, as handed to the store.
public struct MatrixResult: Sendable {
    public var key: MatrixKey
    public var tensor: String
    public var rows: Int
    public var cols: Int
    public var dtype: String
    public var nonfiniteCount: Int
    /// Metric name -> value (nil or NaN when undefined). Names follow the export contract.
    public var metrics: [String: Double?]
    public var blobs: [StoredBlob]
    /// Metric group -> definition version these values were computed with.
    public var groupVersions: [String: Int]

    public init(key: MatrixKey, tensor: String, rows: Int, cols: Int, dtype: String, nonfiniteCount: Int = 0,
                metrics: [String: Double?], blobs: [StoredBlob] = [], groupVersions: [String: Int]) {
        self.key = key
        self.tensor = tensor
        self.rows = rows
        self.cols = cols
        self.dtype = dtype
        self.nonfiniteCount = nonfiniteCount
        self.metrics = metrics
        self.blobs = blobs
        self.groupVersions = groupVersions
    }
}
