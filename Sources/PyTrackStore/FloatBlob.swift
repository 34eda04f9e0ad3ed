import Foundation
import PyTrackDomain

/// Little-endian encodings of numeric arrays stored as SQLite blobs.
enum BlobCoding {
    static func encode(_ payload: StoredBlob.Payload) -> (encoding: String, data: Data) {
        switch payload {
        case let .float32(values):
            var data = Data(count: values.count * 4)
            data.withUnsafeMutableBytes { raw in
                for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
            }
            return ("f32le", data)
        case let .int32(values):
            var data = Data(count: values.count * 4)
            data.withUnsafeMutableBytes { raw in
                for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * 4, as: Int32.self) }
            }
            return ("i32le", data)
        }
    }

    static func decode(encoding: String, count: Int, data: Data) -> StoredBlob.Payload? {
        guard count >= 0, data.count == count * 4 else { return nil }
        switch encoding {
        case "f32le":
            let values = data.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            return .float32(values)
        case "i32le":
            let values = data.withUnsafeBytes { raw in
                (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
            }
            return .int32(values)
        default:
            return nil
        }
    }
}
