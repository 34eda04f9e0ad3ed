import PyTrackStats

extension MarchenkoPastur {
    /// Expected number of singular values (of the n = min(m, n) a matrix has) in each of `bins`
    /// equal-width bins over [lo, hi], by midpoint integration with `subdivisions` points per bin:
    /// the MP reference drawn over a singular-value histogram.
    func expectedCounts(lo: Double, hi: Double, bins: Int, subdivisions: Int = 24) -> [Double] {
        guard bins > 0, hi > lo else { return [] }
        let w = (hi - lo) / Double(bins)
        let h = w / Double(subdivisions)
        return (0..<bins).map { b in
            var sum = 0.0
            for j in 0..<subdivisions { sum += density(singularValue: lo + Double(b) * w + (Double(j) + 0.5) * h) }
            return sum * h * Double(n)
        }
    }
}
