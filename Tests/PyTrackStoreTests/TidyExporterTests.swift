import Foundation
import PyTrackDomain
import XCTest
@testable import PyTrackStore

final class TidyExporterTests: XCTestCase {
    func makeStore() throws -> PyTrackDatabase {
        let db = try PyTrackDatabase()
        for step in [0, 2] {
            try db.saveResults(CheckpointResults(checkpoint: ComputedCheckpoint(model: "org/m,odd", step: step, revision: "step\(step)"), matrices: [
                MatrixResult(key: MatrixKey(layer: nil, matrix: "embed_in"), tensor: "e", rows: 2, cols: 2, dtype: "F32",
                             metrics: ["frobenius": Double(step) + 0.5, "alpha": nil], blobs: [StoredBlob(kind: "singular_values", payload: .float32([2, 1]))], groupVersions: [:]),
                MatrixResult(key: MatrixKey(layer: 3, matrix: "q"), tensor: "q", rows: 2, cols: 2, dtype: "F32",
                             metrics: ["std": 0.125], groupVersions: [:]),
            ]))
        }
        try db.saveDerived([DerivedMetric(model: "org/m,odd", step: 2, layer: nil, matrix: "mlp_out", metric: "depth_growth_rate", value: -0.25, version: 1)])
        return db
    }

    func testCSVHasContractHeaderEmptyLayerAndQuotedNames() throws {
        var text = ""
        let n = try TidyExporter(database: makeStore()).exportMetrics(format: .csv) { text += $0 }
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "model,step,layer,matrix,metric,value")
        XCTAssertEqual(n, 7)
        XCTAssertEqual(lines.count, 8)
        XCTAssertTrue(lines.contains("\"org/m,odd\",0,,embed_in,frobenius,0.5"), text)
        XCTAssertTrue(lines.contains("\"org/m,odd\",0,,embed_in,alpha,"), text)
        XCTAssertTrue(lines.contains("\"org/m,odd\",2,3,q,std,0.125"), text)
        XCTAssertTrue(lines.contains("\"org/m,odd\",2,,mlp_out,depth_growth_rate,-0.25"), text)
    }

    func testJSONParsesAndCarriesNulls() throws {
        var text = ""
        try TidyExporter(database: makeStore()).exportMetrics(format: .json) { text += $0 }
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.count, 7)
        let alpha = try XCTUnwrap(rows.first { $0["metric"] as? String == "alpha" })
        XCTAssertTrue(alpha["value"] is NSNull)
        XCTAssertTrue(alpha["layer"] is NSNull)
        XCTAssertEqual(rows.first { $0["metric"] as? String == "std" }?["layer"] as? Int, 3)
    }

    func testSpectraExportOneRowPerValue() throws {
        var text = ""
        let n = try TidyExporter(database: makeStore()).exportSpectra(format: .csv) { text += $0 }
        XCTAssertEqual(n, 4)
        XCTAssertTrue(text.hasPrefix("model,step,layer,matrix,kind,index,value\n"))
        XCTAssertTrue(text.contains("\"org/m,odd\",2,,embed_in,singular_values,1,1.0"), text)
        var json = ""
        try TidyExporter(database: makeStore()).exportSpectra(format: .json) { json += $0 }
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])?.count, 4)
    }
}
