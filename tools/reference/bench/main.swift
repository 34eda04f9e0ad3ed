// Benchmark of the PyTrackStats SVD paths and MatrixStatistics.compute against the float64 numpy truth
// written by tools/reference/bench_svd.py. Compiled together with Sources/PyTrackStats by bench/run.sh.
import Foundation

let args = CommandLine.arguments
guard args.count >= 2 else { print("usage: bench DIR [shapes]"); exit(2) }
let dir = args[1]
let shapes = (args.count > 2 ? args[2] : "768x768,3072x768,50304x768").split(separator: ",")
let threads = Int(ProcessInfo.processInfo.environment["BENCH_THREADS"] ?? "") ?? 1
BLASThreads.set(threads)

func read<T>(_ path: String, as: T.Type) -> [T] {
    let d = FileManager.default.contents(atPath: path)!
    return d.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
}
func time<R>(_ f: () throws -> R) rethrows -> (R, Double) {
    let t = DispatchTime.now().uptimeNanoseconds
    let r = try f()
    return (r, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
}

for shape in shapes {
    let mn = shape.split(separator: "x").map { Int($0)! }
    let (m, n) = (mn[0], mn[1])
    let w = read("\(dir)/\(shape).f32", as: Float.self)
    let truth = read("\(dir)/\(shape).sv64", as: Double.self)
    let partsOnly = ProcessInfo.processInfo.environment["BENCH_PARTS_ONLY"] == "1"
    for method in SingularValues.Method.allCases where !partsOnly {
        if m * n > 10_000_000 && method == .gesvdFloat { continue }
        let (sv, t) = try w.withUnsafeBufferPointer { b in try time { try SingularValues.compute(b, rows: m, cols: n, method: method) } }
        var maxRel = 0.0, maxRelTop = 0.0
        for (a, b) in zip(sv.values, truth) {
            maxRel = max(maxRel, abs(a - b) / b)
            maxRelTop = max(maxRelTop, abs(a - b) / truth[0])
        }
        print(String(format: "%@ threads=%d %-12@ used=%-12@ %.3f s  max_rel_err=%.2e  max_err/sigma_max=%.2e",
                     String(shape), threads, method.rawValue, sv.method.rawValue, t, maxRel, maxRelTop))
    }
    for samples in [false, true] where !partsOnly {
        var opt = MatrixStatistics.Options(); opt.sampledReferences = samples
        let (st, t) = try w.withUnsafeBufferPointer { b in try time { try MatrixStatistics.compute(values: b, rows: m, cols: n, seed: 1, options: opt) } }
        print(String(format: "%@ threads=%d MatrixStatistics.compute samples=%@ %.3f s  (svd method %@, mp_spikes %.0f, alpha %.3f)",
                     String(shape), threads, samples ? "yes" : "no", t, st.svdMethod?.rawValue ?? "-", st.metric("mp_spikes")!, st.metric("alpha")!))
    }
    // Element-level parts alone.
    let (mom, tm) = w.withUnsafeBufferPointer { b in time { ElementMoments(b) } }
    let (sorted, ts) = w.withUnsafeBufferPointer { b in time { SortedSample(finite: b) } }
    let (_, tg) = time { GaussianFit(moments: mom, sorted: sorted) }
    let (lf, tl) = time { LogisticFit(sorted: sorted, moments: mom) }
    let (tf, tt) = time { StudentTFit(sorted: sorted, moments: mom) }
    print(String(format: "%@ parts: moments %.3f s, sort %.3f s, gauss fit+KS %.3f s, logistic fit+KS %.3f s (%d full passes), student-t fit+KS %.3f s (%d full passes, df %.4g)",
                 String(shape), tm, ts, tg, tl, lf.passes, tt, tf.passes, tf.df))
    // The same matrix rounded to fp16 (as Pythia's checkpoints store it: few distinct values), and a
    // heavy-tailed variant (every 7th element scaled by 4: positive excess kurtosis, finite MLE df).
    for variant in ["fp16", "fp16-heavy"] {
        var h = w.map { Float(Float16($0)) }
        if variant == "fp16-heavy" { for i in stride(from: 0, to: h.count, by: 7) { h[i] = Float(Float16(h[i] * 4)) } }
        let (hm, hs) = h.withUnsafeBufferPointer { b in (ElementMoments(b), SortedSample(finite: b)) }
        let (hl, thl) = time { LogisticFit(sorted: hs, moments: hm) }
        let (ht, tht) = time { StudentTFit(sorted: hs, moments: hm) }
        print(String(format: "%@ %@: logistic fit+KS %.3f s (%d passes), student-t fit+KS %.3f s (%d full passes, df %.4g)",
                     String(shape), variant, thl, hl.passes, tht, ht.passes, ht.df))
    }
}
