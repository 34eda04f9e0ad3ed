/// The finite elements of a tensor sorted ascending (LSD radix sort on the IEEE bit pattern, 3 passes
/// of 11 bits, O(n) and two n-sized buffers), with the order statistics built on it: numpy-compatible
/// quantiles, tail counts and runs of equal values (which make CDF-based passes cheap for fp16 data).
public struct SortedSample: Sendable {
    /// The sorted values.
    public let values: [Float]

    /// Sorts `finite`; the caller guarantees every element is finite.
    public init(finite: UnsafeBufferPointer<Float>) {
        values = SortedSample.radixSorted(finite)
    }

    /// Wraps values already sorted ascending and finite.
    init(presorted: [Float]) { values = presorted }

    /// Number of values.
    public var count: Int { values.count }

    /// `numpy.quantile(x, q)` with the default 'linear' method: h = (n - 1) q, interpolate x[floor h], x[floor h + 1].
    public func quantile(_ q: Double) -> Double {
        let n = values.count
        guard n > 0, q.isFinite else { return .nan }
        let qc = min(max(q, 0), 1)
        let h = Double(n - 1) * qc
        let lo = Int(h.rounded(.down))
        let t = h - Double(lo)
        let a = Double(values[lo])
        guard lo + 1 < n else { return a }
        let b = Double(values[lo + 1])
        // numpy's _lerp: symmetric form for accuracy near t = 1.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }

    /// Median absolute deviation from the median, median(|x - median(x)|), both medians as
    /// `numpy.median` (the mean of the two middle values when the count is even). O(n), no copy:
    /// the distances below and above the median are each ascending in the sorted order, so a merge
    /// walks them in ascending order to the middle.
    public func medianAbsoluteDeviation() -> Double {
        let n = values.count
        guard n > 0 else { return .nan }
        let med = quantile(0.5)
        return values.withUnsafeBufferPointer { v -> Double in
            var hi = countBelow(med)          // first index with v >= med: walks up
            var lo = hi - 1                   // last index with v < med: walks down
            let want = [(n - 1) / 2, n / 2]   // the middle order statistics (0-based) of the distances
            var got: [Double] = []
            var rank = 0
            while rank <= want[1] {
                let dl = lo >= 0 ? med - Double(v[lo]) : .infinity
                let dh = hi < n ? Double(v[hi]) - med : .infinity
                let d: Double
                if dl < dh { d = dl; lo -= 1 } else { d = dh; hi += 1 }
                if rank == want[0] || rank == want[1] { got.append(d) }
                rank += 1
            }
            return got.count == 2 ? (got[0] + got[1]) / 2 : got[0]
        }
    }

    /// Number of values strictly below `x`.
    public func countBelow(_ x: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi { let mid = (lo + hi) >> 1; if Double(values[mid]) < x { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// Number of values strictly above `x`.
    public func countAbove(_ x: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi { let mid = (lo + hi) >> 1; if Double(values[mid]) <= x { lo = mid + 1 } else { hi = mid } }
        return values.count - lo
    }

    static func key(_ f: Float) -> UInt32 {
        let u = f.bitPattern
        return u & 0x8000_0000 != 0 ? ~u : u | 0x8000_0000
    }

    static func float(_ k: UInt32) -> Float {
        Float(bitPattern: k & 0x8000_0000 != 0 ? k ^ 0x8000_0000 : ~k)
    }

    static func radixSorted(_ src: UnsafeBufferPointer<Float>) -> [Float] {
        let n = src.count
        if n < 512 { return src.sorted() }
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            out.withMemoryRebound(to: UInt32.self) { b in
                let a = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
                defer { a.deallocate() }
                var hist = [Int](repeating: 0, count: 3 * 2048)
                hist.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n {
                        let k = key(src[i])
                        a[i] = k
                        h[Int(k & 0x7FF)] += 1
                        h[2048 + Int((k >> 11) & 0x7FF)] += 1
                        h[4096 + Int(k >> 22)] += 1
                    }
                    var from = a, to = b
                    for pass in 0..<3 {
                        let shift = UInt32(pass * 11)
                        let hp = h.baseAddress! + pass * 2048
                        if (0..<2048).contains(where: { hp[$0] == n }) { continue } // one bucket: already ordered
                        var sum = 0
                        for d in 0..<2048 { let c = hp[d]; hp[d] = sum; sum += c }
                        for i in 0..<n {
                            let k = from[i]
                            let d = Int((k >> shift) & 0x7FF)
                            to[hp[d]] = k
                            hp[d] += 1
                        }
                        swap(&from, &to)
                    }
                    if from.baseAddress != b.baseAddress { _ = b.initialize(from: from) }
                    for i in 0..<n { b[i] = float(b[i]).bitPattern }
                }
            }
            initialized = n
        }
    }

    /// Calls `body(value, firstIndex, runLength)` for each run of equal values, in order.
    @inline(__always)
    func forEachRun(_ body: (Double, Int, Int) -> Void) {
        values.withUnsafeBufferPointer { v in
            let n = v.count
            var i = 0
            while i < n {
                let x = v[i]
                var j = i + 1
                while j < n && v[j] == x { j += 1 }
                body(Double(x), i, j - i)
                i = j
            }
        }
    }
}
