/// One tensor of a checkpoint: what it is and where its bytes live.
public struct TensorInfo: Sendable, Hashable {
    /// The name in the state dict, e.g. `gpt_neox.layers.0.attention.dense.weight`.
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Bytes of data (element count times dtype size).
    public let byteCount: Int
    /// The file holding the data.
    public let sourceFile: String

    public init(name: String, dtype: DType, shape: [Int], byteCount: Int, sourceFile: String) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteCount = byteCount
        self.sourceFile = sourceFile
    }

    /// Number of elements (1 for a scalar).
    public var elementCount: Int { dtype.byteSize == 0 ? 0 : byteCount / dtype.byteSize }

    /// Element count of `shape`, or nil when the product overflows or a dimension is negative.
    public static func elementCount(of shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }
}

/// A single file whose tensors are stored at known offsets of a memory map.
protocol MappedTensorFile: Sendable {
    var file: MappedFile { get }
    var tensors: [TensorInfo] { get }
    /// Absolute byte offset of a tensor's data in `file`.
    func dataOffset(of name: String) -> Int?
}
