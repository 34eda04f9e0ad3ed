import Foundation

/// Maps data values onto pixels along one axis: linear, logarithmic, or log(v + 1) (for training steps,
/// so that step 0 has a place on a log axis), and chooses readable tick marks.
public struct AxisScale: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case linear
        case log
        /// log10(v + 1): step 0 sits at the origin, large steps read as on a log axis.
        case logPlusOne
    }

    /// One tick: data value and its label.
    public struct Tick: Equatable, Sendable {
        public var value: Double
        public var label: String
        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public var kind: Kind
    public var domain: (lo: Double, hi: Double)
    public var range: (lo: Double, hi: Double)

    public init(kind: Kind, domain: (Double, Double), range: (Double, Double)) {
        self.kind = kind
        var lo = domain.0, hi = domain.1
        if kind == .log {
            if !(lo > 0) { lo = hi > 0 ? hi / 10 : 1 }
            if !(hi > 0) { hi = lo * 10 }
        }
        if kind == .logPlusOne { lo = max(lo, 0); hi = max(hi, 0) }
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if hi <= lo {
            let pad = kind == .log ? lo : max(abs(lo) * 0.1, 1e-9)
            if kind == .log { lo /= 2; hi = lo * 4 } else { lo -= pad; hi = lo + 2 * pad }
            if kind == .logPlusOne { lo = max(lo, 0) }
        }
        self.domain = (lo, hi)
        self.range = range
    }

    public static func == (a: AxisScale, b: AxisScale) -> Bool {
        a.kind == b.kind && a.domain == b.domain && a.range == b.range
    }

    func transform(_ v: Double) -> Double? {
        switch kind {
        case .linear: return v.isFinite ? v : nil
        case .log: return v > 0 && v.isFinite ? Foundation.log10(v) : nil
        case .logPlusOne: return v >= 0 && v.isFinite ? Foundation.log10(v + 1) : nil
        }
    }

    /// Pixel position of `v`, or nil when it cannot be shown (non-finite, or <= 0 on a log axis).
    public func map(_ v: Double) -> Double? {
        guard let t = transform(v), let lo = transform(domain.lo), let hi = transform(domain.hi), hi > lo else { return nil }
        return range.lo + (t - lo) / (hi - lo) * (range.hi - range.lo)
    }

    /// Like `map`, but clamps to the axis ends (for bars and cells that start outside the domain).
    public func mapClamped(_ v: Double) -> Double? {
        guard let p = map(v) else { return nil }
        let a = min(range.lo, range.hi), b = max(range.lo, range.hi)
        return min(max(p, a), b)
    }

    /// Extends a linear domain outwards to nice round numbers (a no-op for log kinds).
    public func niced() -> AxisScale {
        guard kind == .linear else { return self }
        let step = Self.niceStep((domain.hi - domain.lo) / 5)
        return AxisScale(kind: kind, domain: ((domain.lo / step).rounded(.down) * step, (domain.hi / step).rounded(.up) * step),
                         range: range)
    }

    /// Ticks whose labels, at `fontSize`, do not overlap along this axis (horizontal when `horizontal`).
    public func ticks(horizontal: Bool, fontSize: Double = 11) -> [Tick] {
        for target in stride(from: 10, through: 2, by: -1) {
            let candidate = candidates(target: target)
            if !Self.overlaps(candidate.compactMap { t in map(t.value).map { ($0, t.label) } }, horizontal: horizontal,
                              fontSize: fontSize) || target == 2 {
                return candidate.filter { map($0.value) != nil && $0.value >= domain.lo - 1e-12 * abs(domain.lo) && $0.value <= domain.hi + 1e-12 * abs(domain.hi) }
            }
        }
        return []
    }

    /// Estimated label width in pixels (DejaVu Sans averages ~0.62 em per character).
    public static func textWidth(_ s: String, fontSize: Double) -> Double {
        Double(s.count) * fontSize * 0.62
    }

    /// True when two labels at these pixel positions would touch.
    public static func overlaps(_ labels: [(Double, String)], horizontal: Bool, fontSize: Double) -> Bool {
        let sorted = labels.sorted { $0.0 < $1.0 }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            let need = horizontal ? (textWidth(a.1, fontSize: fontSize) + textWidth(b.1, fontSize: fontSize)) / 2 + 6
                                  : fontSize + 3
            if b.0 - a.0 < need { return true }
        }
        return false
    }

    private func candidates(target: Int) -> [Tick] {
        switch kind {
        case .linear:
            let step = Self.niceStep((domain.hi - domain.lo) / Double(max(1, target)))
            guard step > 0, step.isFinite else { return [] }
            var out: [Tick] = []
            var k = (domain.lo / step).rounded(.up)
            while k * step <= domain.hi + step * 1e-9, out.count < 50 {
                let v = abs(k * step) < step * 1e-9 ? 0 : k * step
                out.append(Tick(value: v, label: Self.label(v, step: step)))
                k += 1
            }
            return out
        case .log, .logPlusOne:
            let lo = kind == .log ? domain.lo : max(domain.lo, 1)
            let hi = domain.hi
            guard hi > 0 else { return [Tick(value: 0, label: "0")] }
            let d0 = Int(Foundation.log10(max(lo, 1e-300)).rounded(.down)), d1 = Int(Foundation.log10(hi).rounded(.up))
            let decades = max(1, d1 - d0)
            var out: [Tick] = []
            if kind == .logPlusOne && domain.lo < 1 { out.append(Tick(value: 0, label: "0")) }
            // Densest set that fits the target count: 1-2-5 per decade, then 1-3, then every k-th decade.
            let span = max(Foundation.log10(hi / max(lo, 1e-300)), 0.1)
            let mantissas: [Double] = span * 6 <= Double(target) ? [1, 1.5, 2, 3, 5, 7]
                : (span * 3 <= Double(target) ? [1, 2, 5] : (span * 2 <= Double(target) ? [1, 3] : [1]))
            let every = mantissas.count > 1 ? 1 : max(1, Int((Double(decades) / Double(target)).rounded(.up)))
            var d = d0
            while d <= d1 {
                if (d - d0) % every == 0 {
                    for m in mantissas {
                        let v = m * Foundation.pow(10, Double(d))
                        if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { out.append(Tick(value: v, label: Self.label(v, step: v / 10))) }
                    }
                }
                d += 1
            }
            return out
        }
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = Foundation.pow(10, Foundation.log10(raw).rounded(.down))
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * p >= raw * (1 - 1e-12) { return m * p }
        return 10 * p
    }

    /// A short label: `0`, `0.25`, `12`, `1.5k`, `100k`, `2M`, `1e-4`.
    public static func label(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e9 || a < 1e-3 {
            let e = Int(Foundation.log10(a).rounded(.down))
            let m = v / Foundation.pow(10, Double(e))
            let ms = abs(m - m.rounded()) < 1e-6 ? String(Int(m.rounded())) : String(format: "%.1f", m)
            return "\(ms)e\(e)"
        }
        if a >= 1000 {
            let (div, suffix) = a >= 1e6 ? (1e6, "M") : (1e3, "k")
            let s = v / div
            let decimals = max(0, min(3, -Int(Foundation.log10(max(abs(step) / div, 1e-12)).rounded(.down))))
            return trim(String(format: "%.\(decimals)f", s)) + suffix
        }
        let decimals = max(0, min(6, -Int(Foundation.log10(max(abs(step), 1e-12)).rounded(.down)) + (step == 2.5 * Foundation.pow(10, Foundation.log10(step).rounded(.down)) ? 1 : 0)))
        return trim(String(format: "%.\(decimals)f", v))
    }

    private static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }
}
