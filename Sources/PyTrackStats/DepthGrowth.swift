/// Growth of a norm with depth: the least-squares slope of ln(norm) on the layer index.
public enum DepthGrowth {
    /// Slope b of ln(norm_l) = a + b * layer_l by ordinary least squares over the pairs with a positive,
    /// finite norm; NaN with fewer than two such layers or a single distinct layer.
    public static func rate(layers: [Int], norms: [Double]) -> Double {
        var xs: [Double] = [], ys: [Double] = []
        for (l, v) in zip(layers, norms) where v > 0 && v.isFinite { xs.append(Double(l)); ys.append(_log(v)) }
        guard xs.count >= 2 else { return .nan }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxx = 0.0, sxy = 0.0
        for (x, y) in zip(xs, ys) { sxx += (x - mx) * (x - mx); sxy += (x - mx) * (y - my) }
        return sxx > 0 ? sxy / sxx : .nan
    }
}
