import Foundation
import GRDB

/// Streams the store as tidy rows for pandas/polars users: `model, step, layer, matrix, metric, value`
/// (CSV with a header, or a JSON array), and spectra as `model, step, layer, matrix, kind, index, value`.
/// Rows stream from a database cursor, so memory stays flat whatever the size of the store.
public struct TidyExporter {
    public enum Format: String, CaseIterable, Sendable {
        /// Comma-separated values with a header row; empty cells for a missing layer or value.
        case csv
        /// A JSON array of objects (`layer` and `value` null when absent).
        case json
    }

    public let database: PyTrackDatabase

    public init(database: PyTrackDatabase) {
        self.database = database
    }

    /// Writes every scalar metric and derived row (optionally of one model) to `sink`; returns the row count.
    @discardableResult
    public func exportMetrics(format: Format, model: String? = nil, to sink: (String) throws -> Void) throws -> Int {
        let header = ["model", "step", "layer", "matrix", "metric", "value"]
        var filter = ""
        var args: [DatabaseValueConvertible?] = []
        if let model {
            filter = "WHERE m.name = ?"
            args = [model, model]
        }
        let sql = """
            SELECT m.name, c.step, x.layer, x.matrix, v.name, v.value FROM metrics v
            JOIN matrices x ON x.id = v.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
            JOIN models m ON m.id = c.model_id \(filter)
            UNION ALL
            SELECT m.name, d.step, d.layer, d.matrix, d.metric, d.value FROM derived_metrics d
            JOIN models m ON m.id = d.model_id \(filter)
            ORDER BY 1, 2, 3, 4, 5
            """
        return try stream(sql: sql, args: args, header: header, format: format, sink: sink)
    }

    /// Writes every stored spectrum (singular values and sampled references) as one row per value.
    @discardableResult
    public func exportSpectra(format: Format, model: String? = nil, to sink: (String) throws -> Void) throws -> Int {
        let header = ["model", "step", "layer", "matrix", "kind", "index", "value"]
        var filter = "WHERE b.kind IN ('singular_values', 'gauss_sample_sv', 'logistic_sample_sv') AND b.encoding = 'f32le'"
        var args: [DatabaseValueConvertible?] = []
        if let model { filter += " AND m.name = ?"; args = [model] }
        let sql = """
            SELECT m.name, c.step, x.layer, x.matrix, b.kind, b.data FROM blobs b
            JOIN matrices x ON x.id = b.matrix_id JOIN checkpoints c ON c.id = x.checkpoint_id
            JOIN models m ON m.id = c.model_id \(filter) ORDER BY 1, 2, 3, 4, 5
            """
        var count = 0
        var first = true
        try sink(format == .csv ? header.joined(separator: ",") + "\n" : "[\n")
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
            while let row = try rows.next() {
                let data: Data = row[5]
                let values: [Float] = data.withUnsafeBytes { raw in
                    (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
                }
                let prefix: [String?] = [row[0], String(row[1] as Int), (row[2] as Int?).map(String.init), row[3], row[4]]
                var chunk = ""
                for (i, v) in values.enumerated() {
                    chunk += Self.line(prefix + [String(i), Self.number(Double(v))], header: header, format: format, first: first)
                    first = false
                    count += 1
                }
                try sink(chunk)
            }
        }
        if format == .json { try sink(first ? "]\n" : "\n]\n") }
        return count
    }

    private func stream(sql: String, args: [DatabaseValueConvertible?], header: [String], format: Format,
                        sink: (String) throws -> Void) throws -> Int {
        var count = 0
        var first = true
        try sink(format == .csv ? header.joined(separator: ",") + "\n" : "[\n")
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
            var chunk = ""
            while let row = try rows.next() {
                let fields: [String?] = [row[0], String(row[1] as Int), (row[2] as Int?).map(String.init), row[3], row[4],
                                         (row[5] as Double?).map(Self.number)]
                chunk += Self.line(fields, header: header, format: format, first: first)
                first = false
                count += 1
                if chunk.utf8.count > 1 << 16 { try sink(chunk); chunk = "" }
            }
            try sink(chunk)
        }
        if format == .json { try sink(first ? "]\n" : "\n]\n") }
        return count
    }

    static func number(_ v: Double) -> String {
        v.isFinite ? "\(v)" : ""
    }

    static func line(_ fields: [String?], header: [String], format: Format, first: Bool) -> String {
        switch format {
        case .csv:
            return fields.map { csvField($0) }.joined(separator: ",") + "\n"
        case .json:
            var parts: [String] = []
            for (name, field) in zip(header, fields) {
                let isNumeric = ["step", "layer", "value", "index"].contains(name)
                let rendered: String
                if let field, !(isNumeric && field.isEmpty) {
                    rendered = isNumeric ? field : jsonString(field)
                } else {
                    rendered = "null"
                }
                parts.append("\"\(name)\":\(rendered)")
            }
            return (first ? "" : ",\n") + "{" + parts.joined(separator: ",") + "}"
        }
    }

    static func csvField(_ field: String?) -> String {
        guard let field else { return "" }
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
