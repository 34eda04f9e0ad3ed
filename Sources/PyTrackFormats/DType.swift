/// Element types found in checkpoints, named as safetensors names them.
public enum DType: String, Sendable, CaseIterable, Codable {
    case f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64"
    case u8 = "U8", i8 = "I8", i16 = "I16", i32 = "I32", i64 = "I64", bool = "BOOL"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .u8, .i8, .bool, .f8e4m3, .f8e5m2: return 1
        case .f16, .bf16, .i16: return 2
        case .f32, .i32: return 4
        case .f64, .i64: return 8
        }
    }

    /// Whether `DTypeConversion` can turn this type into `Float` (every type except the FP8 ones).
    public var convertsToFloat: Bool { self != .f8e4m3 && self != .f8e5m2 }

    /// Whether the type holds floating-point values.
    public var isFloatingPoint: Bool {
        switch self {
        case .f16, .bf16, .f32, .f64, .f8e4m3, .f8e5m2: return true
        default: return false
        }
    }
}
