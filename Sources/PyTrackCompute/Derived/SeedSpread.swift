/// Minimum, maximum and sample standard deviation (ddof 1) of one metric over runs that differ only in
/// their seed: the run-to-run noise a deduped-vs-standard difference is read against.
struct SeedSpread: Equatable {
    var min: Double
    var max: Double
    var std: Double

    /// nil for fewer than two values.
    init?(_ values: [Double]) {
        guard values.count >= 2, let lo = values.min(), let hi = values.max() else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        min = lo
        max = hi
        std = (squares / Double(values.count - 1)).squareRoot()
    }
}
