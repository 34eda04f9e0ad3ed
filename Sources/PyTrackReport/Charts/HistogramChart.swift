import Foundation

/// Equal-width bins over a fixed range, with reference histograms (step outlines) and reference
/// densities (smooth curves, already scaled to expected counts per bin) overlaid. Give every step the
/// same `frame` domains so the axes stay fixed across an animation.
public struct HistogramChart {
    public struct Outline {
        public var name: String
        public var color: String
        public var dash: String?
        public var counts: [Double]
        public init(name: String, color: String, dash: String? = nil, counts: [Double]) {
            self.name = name
            self.color = color
            self.dash = dash
            self.counts = counts
        }
    }

    public struct Panel {
        public var title: String
        /// Bars: counts per bin (nil: no data for this panel, e.g. a step not computed).
        public var counts: [Double]?
        public var barColor: String
        public var outlines: [Outline]
        public var curves: [LineSeries]
        public var references: [ReferenceLine]
        public var notes: [String]
        public init(title: String, counts: [Double]?, barColor: String, outlines: [Outline] = [], curves: [LineSeries] = [],
                    references: [ReferenceLine] = [], notes: [String] = []) {
            self.title = title
            self.counts = counts
            self.barColor = barColor
            self.outlines = outlines
            self.curves = curves
            self.references = references
            self.notes = notes
        }
    }

    public var frame: SVGChart
    public var lo: Double
    public var hi: Double
    public var panels: [Panel]

    public init(frame: SVGChart, lo: Double, hi: Double, panels: [Panel]) {
        self.frame = frame
        self.lo = lo
        self.hi = hi
        self.panels = panels
    }

    /// Counts of `values` in `bins` equal-width bins over [lo, hi]; values outside are clamped into the
    /// end bins only when within rounding, otherwise not counted. Returns (counts, values outside).
    public static func binned(_ values: [Float], lo: Double, hi: Double, bins: Int) -> (counts: [Double], outside: Int) {
        var counts = [Double](repeating: 0, count: max(bins, 1))
        var outside = 0
        let width = (hi - lo) / Double(max(bins, 1))
        guard width > 0 else { return (counts, values.count) }
        for v in values {
            let d = Double(v)
            guard d.isFinite else { outside += 1; continue }
            var i = Int(((d - lo) / width).rounded(.down))
            if i == bins && d <= hi + width * 1e-9 { i = bins - 1 }
            if i == -1 && d >= lo - width * 1e-9 { i = 0 }
            if i >= 0 && i < bins { counts[i] += 1 } else { outside += 1 }
        }
        return (counts, outside)
    }

    public func render() -> String {
        var frame = self.frame
        frame.xDomain = (lo, hi)
        let rendered = panels.map { panel -> SVGChart.Panel in
            var notes = panel.notes
            if panel.counts == nil { notes.append("no data for this step") }
            return SVGChart.Panel(title: panel.title, notes: notes) { doc, area in
                let base = area.y.mapClamped(area.y.kind == .linear ? max(area.y.domain.lo, 0) : area.y.domain.lo) ?? (area.top + area.height)
                if let counts = panel.counts {
                    let w = (hi - lo) / Double(max(counts.count, 1))
                    for (i, c) in counts.enumerated() where c > 0 {
                        guard let x0 = area.x.mapClamped(lo + Double(i) * w), let x1 = area.x.mapClamped(lo + Double(i + 1) * w),
                              let y = area.y.mapClamped(c) else { continue }
                        doc.rect(x: x0, y: y, width: x1 - x0, height: base - y, fill: panel.barColor, opacity: 0.55)
                    }
                }
                for o in panel.outlines {
                    let w = (hi - lo) / Double(max(o.counts.count, 1))
                    var pts: [(Double, Double)] = []
                    for (i, c) in o.counts.enumerated() {
                        guard let x0 = area.x.mapClamped(lo + Double(i) * w), let x1 = area.x.mapClamped(lo + Double(i + 1) * w),
                              let y = area.y.mapClamped(c) else { continue }
                        if pts.isEmpty { pts.append((x0, base)) }
                        pts.append((x0, y))
                        pts.append((x1, y))
                    }
                    if let last = pts.last { pts.append((last.0, base)) }
                    doc.path(segments: [pts], stroke: o.color, width: 1.6, dash: o.dash)
                }
                for c in panel.curves {
                    doc.path(segments: c.segments(area), stroke: c.color, width: c.width, dash: c.dash)
                }
                for r in panel.references { LineChart.draw(r, &doc, area) }
            }
        }
        return frame.render(panels: rendered)
    }
}
