import Foundation

/// Colour-blind-safe colours: the Okabe-Ito qualitative set and the viridis sequential map.
public enum Palette {
    /// Okabe & Ito (2008), without yellow (too pale on white for lines).
    public static let okabeIto = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    public static let standard = "#0072B2"
    public static let deduped = "#D55E00"

    private static let viridisStops: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d), (0x2a, 0x78, 0x8e),
        (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70), (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26), (0xfd, 0xe7, 0x25),
    ]

    /// Viridis at t in [0, 1] (clamped) as `#rrggbb`.
    public static func viridis(_ t: Double) -> String {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridisStops.count - 1)
        let i = min(Int(x), viridisStops.count - 2)
        let f = x - Double(i)
        let a = viridisStops[i], b = viridisStops[i + 1]
        func c(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * f).rounded()) }
        return String(format: "#%02x%02x%02x", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    /// Line colour for item `i` of `n` ordered items (layers, steps): viridis without its palest end.
    public static func sequential(_ i: Int, of n: Int) -> String {
        viridis(n <= 1 ? 0.0 : Double(i) / Double(n - 1) * 0.88)
    }
}
