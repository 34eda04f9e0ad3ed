import Foundation
import PyTrackDomain
import PyTrackStore

/// What the report needs of one model, loaded once: computed steps, layer count, shapes, and scalar
/// metrics as metric -> matrix -> step -> value (NULL values are absent and drawn as gaps).
public struct ModelSeries {
    public let name: String
    public let isDemo: Bool
    public let steps: [Int]
    public let layers: Int
    public let shapes: [MatrixKey: (rows: Int, cols: Int)]
    public let keys: Set<MatrixKey>
    var values: [String: [MatrixKey: [Int: Double]]] = [:]

    /// Loads `metrics` for the matrices named in `matrices` (all matrices when nil).
    public init(database: PyTrackDatabase, model: String, isDemo: Bool, metrics: [String], matrices: [String]?) throws {
        name = model
        self.isDemo = isDemo
        steps = try database.computedSteps(model: model)
        let keys = try database.matrixKeys(model: model)
        self.keys = Set(keys)
        layers = (keys.compactMap(\.layer).max() ?? -1) + 1
        shapes = try database.matrixShapes(model: model)
        for row in try database.metricRows(model: model, metrics: metrics, matrices: matrices) {
            guard let v = row.value, v.isFinite else { continue }
            values[row.metric, default: [:]][MatrixKey(layer: row.layer, matrix: row.matrix), default: [:]][row.step] = v
        }
    }

    /// The value of `metric` for a matrix at a step; nil when absent or undefined.
    public func value(_ metric: String, _ key: MatrixKey, step: Int) -> Double? {
        values[metric]?[key]?[step]
    }

    /// Every stored value of `metric` for a matrix, by step.
    public func series(_ metric: String, _ key: MatrixKey) -> [Int: Double] {
        values[metric]?[key] ?? [:]
    }

    /// True when any step has `metric` for any matrix named `matrix`.
    public func has(_ metric: String, matrix: String) -> Bool {
        values[metric]?.contains { $0.key.matrix == matrix && !$0.value.isEmpty } ?? false
    }

    /// Short display name (the repo name without the organisation).
    public var shortName: String { name.split(separator: "/").last.map(String.init) ?? name }
}
