import Foundation

/// Errors of `pytrack report`, each one line naming the database or file and the problem.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case noComputedData(database: String)
    case unknownModel(database: String, model: String)
    case layerOutOfRange(model: String, layer: Int, layers: Int)
    case cannotWrite(path: String, reason: String, errno: Int32? = nil)

    public var description: String {
        switch self {
        case let .noComputedData(database):
            return "\(database): no computed data to report (run `pytrack compute` first)"
        case let .unknownModel(database, model):
            return "\(database): no computed data for model '\(model)'"
        case let .layerOutOfRange(model, layer, layers):
            return "\(model): --matrix-layer \(layer) is out of range (the model has layers 0..\(layers - 1))"
        case let .cannotWrite(path, reason, _):
            return "\(path): cannot write report file: \(reason)"
        }
    }
}
