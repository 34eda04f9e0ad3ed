// Throughput of DTypeConversion (F16, BF16 -> Float) over 256 MB of source data.
// Build and run: bash tools/bench/dtype_conversion_bench.sh
import Foundation

let sourceBytes = 256 << 20
let n = sourceBytes / 2
var src = [UInt16](repeating: 0, count: n)
var state: UInt64 = 0x9E37_79B9_7F4A_7C15
for i in 0..<n {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    src[i] = UInt16(truncatingIfNeeded: state >> 33)
}
let dst = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
defer { dst.deallocate() }

func bench(_ dtype: DType) {
    var best = Double.infinity
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        src.withUnsafeBytes { _ = DTypeConversion.convert($0, dtype: dtype, into: dst) }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    // Spot check against the scalar path so the work cannot be optimised away.
    var mismatches = 0
    for i in stride(from: 0, to: n, by: 9973) {
        let ref = dtype == .f16 ? DTypeConversion.float(fromHalfBits: src[i]) : DTypeConversion.float(fromBFloat16Bits: src[i])
        if ref.bitPattern != dst[i].bitPattern { mismatches += 1 }
    }
    let gbIn = Double(sourceBytes) / 1e9
    print(String(format: "%@ -> F32: %.1f MB in %.3f s: %.2f GB/s read, %.2f GB/s written (%d mismatches)",
                 dtype.rawValue, Double(sourceBytes) / 1e6, best, gbIn / best, 2 * gbIn / best, mismatches))
}
bench(.f16)
bench(.bf16)
