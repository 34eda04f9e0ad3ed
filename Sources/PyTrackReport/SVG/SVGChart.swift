import Foundation

/// A figure of one or more panels sharing the same axes (small multiples: e.g. standard and deduped
/// side by side), with a title, axis labels with units, non-overlapping ticks, a legend and a footer
/// naming the data source. Chart types (`LineChart`, `Heatmap`, `HistogramChart`) draw inside it.
public struct SVGChart {
    /// The drawing area of one panel and its scales (pixel coordinates).
    public struct PlotArea {
        public var x: AxisScale
        public var y: AxisScale
        public var left: Double
        public var top: Double
        public var width: Double
        public var height: Double
    }

    /// One panel: its title, an optional note (missing data, fits) and what to draw in it.
    public struct Panel {
        public var title: String
        public var notes: [String]
        public var draw: (inout SVGDocument, PlotArea) -> Void
        public init(title: String, notes: [String] = [], draw: @escaping (inout SVGDocument, PlotArea) -> Void) {
            self.title = title
            self.notes = notes
            self.draw = draw
        }
    }

    public enum LegendItem {
        case line(String, color: String, dash: String?)
        case box(String, color: String)
        /// A run of `count` sequential colours from `first` to `last` (layers, steps).
        case sequence(first: String, last: String, count: Int)
    }

    /// A colour bar beside the panels (heatmaps).
    public struct ColorBar {
        public var label: String
        public var lo: Double
        public var hi: Double
        public init(label: String, lo: Double, hi: Double) {
            self.label = label
            self.lo = lo
            self.hi = hi
        }
    }

    public var title: String
    public var subtitle: String?
    public var footer: String?
    public var xLabel: String
    public var yLabel: String
    public var xKind: AxisScale.Kind
    public var yKind: AxisScale.Kind
    public var xDomain: (Double, Double)
    public var yDomain: (Double, Double)
    /// Fixed ticks (value positions in data coordinates) instead of computed ones.
    public var xTicks: [AxisScale.Tick]?
    public var yTicks: [AxisScale.Tick]?
    public var niceY = true
    public var plotWidth: Double = 400
    public var plotHeight: Double = 240
    public var columns = 2
    public var legend: [LegendItem] = []
    public var colorBar: ColorBar?
    public var gridLines = true

    public init(title: String, subtitle: String? = nil, footer: String? = nil, xLabel: String, yLabel: String,
                xKind: AxisScale.Kind, yKind: AxisScale.Kind, xDomain: (Double, Double), yDomain: (Double, Double)) {
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xKind = xKind
        self.yKind = yKind
        self.xDomain = xDomain
        self.yDomain = yDomain
    }

    static let marginLeft = 74.0
    static let gap = 22.0
    static let titleFont = 15.0
    static let tickFont = 11.0

    /// The y scale every panel uses (exposed so tests can check axes are identical across files).
    public func scales() -> (x: AxisScale, y: AxisScale) {
        let x = AxisScale(kind: xKind, domain: xDomain, range: (0, plotWidth))
        var y = AxisScale(kind: yKind, domain: yDomain, range: (plotHeight, 0))
        if niceY && yTicks == nil { y = y.niced() }
        return (x, y)
    }

    /// Renders the panels into a standalone SVG document.
    public func render(panels: [Panel]) -> String {
        let columns = max(1, min(self.columns, panels.count))
        let rows = max(1, (panels.count + columns - 1) / columns)
        let colorBarWidth = colorBar == nil ? 0.0 : 90.0
        let cellWidth = Self.marginLeft + plotWidth + Self.gap
        let width = Double(columns) * cellWidth + 12 + colorBarWidth
        let headerHeight = 30.0 + (subtitle == nil ? 0 : 18)
        let panelTitleHeight = 22.0
        let cellHeight = panelTitleHeight + plotHeight + 44
        let legendLines = layoutLegend(width: width - 24)
        let legendHeight = legendLines.isEmpty ? 0.0 : Double(legendLines.count) * 20 + 6
        let footerHeight = footer == nil ? 4.0 : 20.0
        let height = headerHeight + Double(rows) * cellHeight + legendHeight + footerHeight
        var doc = SVGDocument(width: width, height: height)
        doc.text(title, x: 12, y: 21, size: Self.titleFont, bold: true)
        if let subtitle { doc.text(subtitle, x: 12, y: 40, size: 12, fill: "#444") }
        let (xScale0, yScale0) = scales()
        for (index, panel) in panels.enumerated() {
            let col = index % columns, row = index / columns
            let left = Double(col) * cellWidth + Self.marginLeft
            let top = headerHeight + Double(row) * cellHeight + panelTitleHeight
            var x = xScale0, y = yScale0
            x.range = (left, left + plotWidth)
            y.range = (top + plotHeight, top)
            let area = PlotArea(x: x, y: y, left: left, top: top, width: plotWidth, height: plotHeight)
            doc.text(panel.title, x: left + plotWidth / 2, y: top - 7, size: 13, anchor: .middle, bold: true)
            drawAxes(&doc, area)
            doc.beginClip(x: left, y: top, width: plotWidth, height: plotHeight)
            panel.draw(&doc, area)
            doc.endGroup()
            doc.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#444")
            let lines = panel.notes.flatMap { Self.wrap($0, width: plotWidth - 12, fontSize: 10.5) }
            if let widest = lines.map({ AxisScale.textWidth($0, fontSize: 10.5) }).max() {
                // A translucent backing so notes stay legible over lines.
                doc.rect(x: left + 3, y: top + 3, width: min(widest + 8, plotWidth - 6), height: Double(lines.count) * 13 + 4,
                         fill: "#ffffff", opacity: 0.8)
            }
            for (i, note) in lines.enumerated() {
                doc.text(note, x: left + 6, y: top + 14 + Double(i) * 13, size: 10.5, fill: "#555", italic: true)
            }
        }
        if let colorBar {
            let left = Double(columns) * cellWidth + 8
            drawColorBar(&doc, colorBar, left: left, top: headerHeight + panelTitleHeight, height: plotHeight)
        }
        var y = headerHeight + Double(rows) * cellHeight + 4
        for line in legendLines {
            var x = 14.0
            for (item, w) in line {
                drawLegendItem(&doc, item, x: x, y: y + 10)
                x += w
            }
            y += 20
        }
        if let footer { doc.text(footer, x: 12, y: height - 7, size: 10, fill: "#666") }
        return doc.render(title: title)
    }

    /// Splits text at spaces into lines no wider than `width` (estimated).
    static func wrap(_ text: String, width: Double, fontSize: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if AxisScale.textWidth(candidate, fontSize: fontSize) > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Integer ticks 0..<count, thinned so labels never overlap (layer axes).
    public static func integerTicks(_ count: Int, length: Double, horizontal: Bool) -> [AxisScale.Tick] {
        guard count > 0 else { return [] }
        let per = length / Double(max(count, 1))
        let need = horizontal ? AxisScale.textWidth(String(count), fontSize: tickFont) + 8 : tickFont + 4
        let raw = Int((need / per).rounded(.up))
        let every = [1, 2, 5, 10, 20, 50, 100].first { $0 >= raw } ?? raw
        return stride(from: 0, to: count, by: max(every, 1)).map { AxisScale.Tick(value: Double($0), label: String($0)) }
    }

    private func drawAxes(_ doc: inout SVGDocument, _ area: PlotArea) {
        let xt = xTicks ?? area.x.ticks(horizontal: true, fontSize: Self.tickFont)
        let yt = yTicks ?? area.y.ticks(horizontal: false, fontSize: Self.tickFont)
        let bottom = area.top + area.height
        for t in xt {
            guard let px = area.x.map(t.value), px >= area.left - 0.5, px <= area.left + area.width + 0.5 else { continue }
            if gridLines { doc.line(x1: px, y1: area.top, x2: px, y2: bottom, stroke: "#e6e6e6") }
            doc.line(x1: px, y1: bottom, x2: px, y2: bottom + 4, stroke: "#444")
            doc.text(t.label, x: px, y: bottom + 16, size: Self.tickFont, anchor: .middle)
        }
        for t in yt {
            guard let py = area.y.map(t.value), py >= area.top - 0.5, py <= bottom + 0.5 else { continue }
            if gridLines { doc.line(x1: area.left, y1: py, x2: area.left + area.width, y2: py, stroke: "#e6e6e6") }
            doc.line(x1: area.left - 4, y1: py, x2: area.left, y2: py, stroke: "#444")
            doc.text(t.label, x: area.left - 6, y: py + 4, size: Self.tickFont, anchor: .end)
        }
        doc.text(xLabel, x: area.left + area.width / 2, y: bottom + 32, size: 12, anchor: .middle)
        doc.text(yLabel, x: area.left - 54, y: area.top + area.height / 2, size: 12, anchor: .middle, rotate: -90)
    }

    private func drawColorBar(_ doc: inout SVGDocument, _ bar: ColorBar, left: Double, top: Double, height: Double) {
        let n = 32
        for i in 0..<n {
            let y0 = top + height - Double(i + 1) * height / Double(n)
            doc.rect(x: left, y: y0, width: 14, height: height / Double(n) + 0.4, fill: Palette.viridis(Double(i) / Double(n - 1)))
        }
        doc.rect(x: left, y: top, width: 14, height: height, fill: "none", stroke: "#444")
        let scale = AxisScale(kind: .linear, domain: (bar.lo, bar.hi), range: (top + height, top))
        for t in scale.ticks(horizontal: false, fontSize: Self.tickFont) {
            guard let py = scale.map(t.value) else { continue }
            doc.line(x1: left + 14, y1: py, x2: left + 18, y2: py, stroke: "#444")
            doc.text(t.label, x: left + 20, y: py + 4, size: Self.tickFont)
        }
        doc.text(bar.label, x: left + 80, y: top + height / 2, size: 12, anchor: .middle, rotate: -90)
    }

    private func legendWidth(_ item: LegendItem) -> Double {
        switch item {
        case let .line(label, _, _), let .box(label, _):
            return 30 + AxisScale.textWidth(label, fontSize: 11.5) + 18
        case let .sequence(first, last, count):
            return AxisScale.textWidth(first, fontSize: 11.5) + AxisScale.textWidth(last, fontSize: 11.5) + Double(min(count, 24)) * 8 + 34
        }
    }

    private func layoutLegend(width: Double) -> [[(LegendItem, Double)]] {
        var lines: [[(LegendItem, Double)]] = []
        var current: [(LegendItem, Double)] = []
        var used = 0.0
        for item in legend {
            let w = legendWidth(item)
            if used + w > width && !current.isEmpty {
                lines.append(current)
                current = []
                used = 0
            }
            current.append((item, w))
            used += w
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private func drawLegendItem(_ doc: inout SVGDocument, _ item: LegendItem, x: Double, y: Double) {
        switch item {
        case let .line(label, color, dash):
            doc.line(x1: x, y1: y - 4, x2: x + 24, y2: y - 4, stroke: color, width: 2.5, dash: dash)
            doc.text(label, x: x + 30, y: y, size: 11.5)
        case let .box(label, color):
            doc.rect(x: x + 4, y: y - 10, width: 16, height: 11, fill: color, opacity: 0.6)
            doc.text(label, x: x + 30, y: y, size: 11.5)
        case let .sequence(first, last, count):
            doc.text(first, x: x, y: y, size: 11.5)
            var px = x + AxisScale.textWidth(first, fontSize: 11.5) + 6
            let shown = min(count, 24)
            for i in 0..<shown {
                doc.rect(x: px, y: y - 10, width: 8, height: 11, fill: Palette.sequential(i, of: shown))
                px += 8
            }
            doc.text(last, x: px + 6, y: y, size: 11.5)
        }
    }
}
