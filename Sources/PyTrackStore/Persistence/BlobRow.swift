import Foundation
import GRDB
import PyTrackDomain

/// A row of `blobs`: one encoded numeric array of a matrix (the codec is `BlobCoding`).
struct BlobRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "blobs"

    var matrixID: Int64
    var kind: String
    /// f32le | i32le
    var encoding: String
    var count: Int
    /// e.g. {"lo":-0.1,"hi":0.1} for a histogram.
    var metaJSON: String?
    var data: Data

    enum CodingKeys: String, CodingKey {
        case matrixID = "matrix_id"
        case kind, encoding, count
        case metaJSON = "meta_json"
        case data
    }

    /// The decoded blob; an undecodable payload is a corrupt row of the store at `path`, and unreadable
    /// annotations read as none.
    func stored(path: String, what: String) throws -> StoredBlob {
        guard let payload = BlobCoding.decode(encoding: encoding, count: count, data: data) else {
            throw StoreError.corruptBlob(path: path, what: what)
        }
        var meta: [String: Double] = [:]
        if let metaJSON, let object = try? JSONSerialization.jsonObject(with: Data(metaJSON.utf8)) as? [String: Double] {
            meta = object
        }
        return StoredBlob(kind: kind, payload: payload, meta: meta)
    }
}
