import Foundation

/// One line: points in data coordinates; a nil y (missing step, NaN) breaks the line into a gap.
public struct LineSeries {
    public var name: String
    public var color: String
    public var dash: String?
    public var width: Double
    public var points: [(x: Double, y: Double?)]

    public init(name: String, color: String, dash: String? = nil, width: Double = 1.6, points: [(x: Double, y: Double?)]) {
        self.name = name
        self.color = color
        self.dash = dash
        self.width = width
        self.points = points
    }

    /// Unbroken runs of drawable points (finite, and > 0 where the axis is logarithmic).
    func segments(_ area: SVGChart.PlotArea) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        for p in points {
            if let y = p.y, let px = area.x.map(p.x), let py = area.y.map(y) {
                current.append((px, py))
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Points that cannot be drawn (missing, NaN, or non-positive on a log axis).
    func missingCount(yKind: AxisScale.Kind) -> Int {
        points.filter { p in
            guard let y = p.y, y.isFinite else { return true }
            return yKind == .log && y <= 0
        }.count
    }
}

/// A horizontal or vertical reference line (e.g. the Marchenko-Pastur bulk edge).
public struct ReferenceLine {
    public enum Orientation { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var color: String
    public var dash: String?
    public var label: String?

    public init(_ orientation: Orientation, at value: Double, color: String, dash: String? = "5 3", label: String? = nil) {
        self.orientation = orientation
        self.value = value
        self.color = color
        self.dash = dash
        self.label = label
    }
}

/// Lines over shared axes in one or more panels (e.g. a norm over training, one line per layer,
/// standard and deduped side by side).
public struct LineChart {
    public struct Panel {
        public var title: String
        public var series: [LineSeries]
        public var references: [ReferenceLine]
        public var notes: [String]
        public init(title: String, series: [LineSeries], references: [ReferenceLine] = [], notes: [String] = []) {
            self.title = title
            self.series = series
            self.references = references
            self.notes = notes
        }
    }

    public var frame: SVGChart
    public var panels: [Panel]

    /// A chart whose domains cover every drawable point of every panel unless `frame` fixes them
    /// (pass `fixedX`/`fixedY` to keep axes identical across several files).
    public init(frame: SVGChart, panels: [Panel], fixedX: Bool = false, fixedY: Bool = false) {
        var frame = frame
        if !fixedX || !fixedY {
            let all = panels.flatMap(\.series).flatMap(\.points)
            if !fixedX, let d = Self.extent(all.map(\.x), kind: frame.xKind) { frame.xDomain = d }
            if !fixedY {
                var ys = all.compactMap(\.y)
                ys += panels.flatMap(\.references).filter { $0.orientation == .horizontal }.map(\.value)
                if let d = Self.extent(ys, kind: frame.yKind) { frame.yDomain = Self.padded(d, kind: frame.yKind) }
            }
        }
        self.frame = frame
        self.panels = panels
    }

    /// Min and max of the values an axis of this kind can show; nil when there are none.
    public static func extent(_ values: [Double], kind: AxisScale.Kind) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (kind != .log || v > 0) && (kind != .logPlusOne || v >= 0) {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        return lo <= hi ? (lo, hi) : nil
    }

    /// Adds a little room around a data extent (multiplicative on log axes).
    public static func padded(_ d: (Double, Double), kind: AxisScale.Kind) -> (Double, Double) {
        switch kind {
        case .log: return (d.0 / 1.15, d.1 * 1.15)
        case .logPlusOne: return d
        case .linear:
            let pad = (d.1 - d.0) * 0.04
            return (d.0 - pad, d.1 + pad)
        }
    }

    public func render() -> String {
        let yKind = frame.yKind
        let rendered = panels.map { panel -> SVGChart.Panel in
            var notes = panel.notes
            let missing = panel.series.reduce(0) { $0 + $1.missingCount(yKind: yKind) }
            if missing > 0 { notes.append("\(missing) missing or undefined value\(missing == 1 ? "" : "s") shown as gaps") }
            if panel.series.isEmpty || panel.series.allSatisfy({ $0.points.allSatisfy { $0.y == nil } }) {
                notes.append("no data")
            }
            return SVGChart.Panel(title: panel.title, notes: notes) { doc, area in
                for r in panel.references { Self.draw(r, &doc, area) }
                for s in panel.series {
                    doc.path(segments: s.segments(area), stroke: s.color, width: s.width, dash: s.dash)
                }
            }
        }
        return frame.render(panels: rendered)
    }

    static func draw(_ r: ReferenceLine, _ doc: inout SVGDocument, _ area: SVGChart.PlotArea) {
        switch r.orientation {
        case .horizontal:
            guard let py = area.y.map(r.value) else { return }
            doc.line(x1: area.left, y1: py, x2: area.left + area.width, y2: py, stroke: r.color, width: 1.2, dash: r.dash)
            if let label = r.label { doc.text(label, x: area.left + area.width - 4, y: py - 4, size: 10, anchor: .end, fill: r.color) }
        case .vertical:
            guard let px = area.x.map(r.value) else { return }
            doc.line(x1: px, y1: area.top, x2: px, y2: area.top + area.height, stroke: r.color, width: 1.2, dash: r.dash)
            if let label = r.label { doc.text(label, x: px + 4, y: area.top + area.height - 6, size: 10, fill: r.color) }
        }
    }
}
