/// Converts raw little-endian tensor bytes to `Float`, bit-exact with numpy's `astype(np.float32)`
/// (F16: subnormals, infinities and NaN payloads preserved; BF16: the upper half of a Float32;
/// F64: round to nearest even). F16 is a branch-free select loop that LLVM vectorises; BF16 runs
/// 16 lanes at a time with SIMD shifts. No lookup table, no F16C requirement.
public enum DTypeConversion {
    /// Converts `source` (count = `destination.count * dtype.byteSize` bytes) into `destination`.
    /// Returns false, writing nothing, when the sizes disagree or the dtype is not convertible.
    @discardableResult
    public static func convert(_ source: UnsafeRawBufferPointer, dtype: DType, into destination: UnsafeMutableBufferPointer<Float>) -> Bool {
        let n = destination.count
        guard dtype.convertsToFloat, n.multipliedReportingOverflow(by: dtype.byteSize) == (source.count, false) else { return false }
        guard n > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return true }
        switch dtype {
        case .f16: f16ToFloat(src, dst, n)
        case .bf16: bf16ToFloat(src, dst, n)
        case .f32: UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: n * 4)
        case .f64: for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
        case .u8, .bool: for i in 0..<n { dst[i] = Float(src.load(fromByteOffset: i, as: UInt8.self)) }
        case .i8: for i in 0..<n { dst[i] = Float(src.load(fromByteOffset: i, as: Int8.self)) }
        case .i16: for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)) }
        case .i32: for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
        case .i64: for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
        case .f8e4m3, .f8e5m2: return false
        }
        return true
    }

    /// One IEEE half (bit pattern) as Float, exactly.
    @inlinable
    public static func float(fromHalfBits h: UInt16) -> Float {
        let x = UInt32(h)
        let em = (x & 0x7FFF) << 13
        let exp = em & 0x0F80_0000
        var o = em &+ (112 << 23)
        if exp == 0x0F80_0000 {
            o = o &+ (112 << 23) // Inf/NaN: exponent 255, payload kept
        } else if exp == 0 {
            o = (Float(bitPattern: o &+ (1 << 23)) - Float(bitPattern: 113 << 23)).bitPattern // subnormal/zero
        }
        return Float(bitPattern: o | (x & 0x8000) << 16)
    }

    /// One bfloat16 (bit pattern) as Float, exactly.
    @inlinable
    public static func float(fromBFloat16Bits h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

    typealias Lanes = SIMD16<UInt32>

    /// Branch-free per element (selects, no table), written so LLVM vectorises the loop.
    static func f16ToFloat(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        guard Int(bitPattern: src) & 1 == 0 else {
            for i in 0..<n { dst[i] = float(fromHalfBits: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
            return
        }
        let s = src.assumingMemoryBound(to: UInt16.self)
        let magic = Float(bitPattern: 113 << 23)
        for i in 0..<n {
            let x = UInt32(s[i])
            let em = (x & 0x7FFF) &<< 13
            let exp = em & 0x0F80_0000
            let o = em &+ (112 << 23)
            let infNaN = o &+ (112 << 23)
            let sub = (Float(bitPattern: o &+ (1 << 23)) - magic).bitPattern
            let r = exp == 0x0F80_0000 ? infNaN : (exp == 0 ? sub : o)
            dst[i] = Float(bitPattern: r | (x & 0x8000) &<< 16)
        }
    }

    static func bf16ToFloat(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n {
            let h = Lanes(truncatingIfNeeded: src.loadUnaligned(fromByteOffset: i * 2, as: SIMD16<UInt16>.self))
            UnsafeMutableRawPointer(dst + i).storeBytes(of: unsafeBitCast(h &<< 16, to: SIMD16<Float>.self), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            dst[i] = float(fromBFloat16Bits: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            i += 1
        }
    }
}
