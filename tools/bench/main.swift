// Throughput of DTypeConversion (F16, BF16 -> Float) over 256 MB of source data, and, given a
// checkpoint path, the time to open it and convert every tensor (one reused buffer, then 2 threads).
// Build and run: bash tools/bench/dtype_conversion_bench.sh [CHECKPOINT]
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

if CommandLine.arguments.count > 1 {
    let path = CommandLine.arguments[1]
    do {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let ckpt = try Checkpoint.open(path)
        let t1 = DispatchTime.now().uptimeNanoseconds
        let total = ckpt.tensors.reduce(0) { $0 + $1.byteCount }
        let maxCount = ckpt.tensors.map(\.elementCount).max() ?? 0
        let buf = UnsafeMutableBufferPointer<Float>.allocate(capacity: maxCount)
        defer { buf.deallocate() }
        var checksum = 0.0
        for t in ckpt.tensors where t.dtype.convertsToFloat {
            let b = UnsafeMutableBufferPointer(rebasing: buf[0..<t.elementCount])
            try ckpt.readFloats(t.name, into: b)
            checksum += Double(b.first ?? 0)
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        let names = ckpt.tensors.filter(\.dtype.convertsToFloat).map(\.name)
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for (i, n) in names.enumerated() where i % 2 == w { _ = try? ckpt.floats(n) }
        }
        let t3 = DispatchTime.now().uptimeNanoseconds
        print(String(format: "%@: %@, %d tensors, %.1f MB; open %.2f ms; convert all %.3f s (%.2f GB/s read); 2 threads %.3f s (checksum %g)",
                     path, ckpt.format.rawValue, ckpt.tensors.count, Double(total) / 1e6, Double(t1 - t0) / 1e6,
                     Double(t2 - t1) / 1e9, Double(total) / Double(t2 - t1), Double(t3 - t2) / 1e9, checksum))
    } catch {
        print("error: \(error)")
    }
}
