import Foundation

/// A row x column grid of values coloured with viridis on one colour scale shared by all panels
/// (e.g. layer x step of a norm, standard and deduped side by side). Missing cells are light grey.
public struct Heatmap {
    public struct Panel {
        public var title: String
        /// values[row][column]; nil = missing.
        public var values: [[Double?]]
        public init(title: String, values: [[Double?]]) {
            self.title = title
            self.values = values
        }
    }

    public var frame: SVGChart
    public var panels: [Panel]
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var valueLabel: String

    /// `frame`'s domains and ticks are set here from the row and column labels.
    public init(frame: SVGChart, panels: [Panel], rowLabels: [String], columnLabels: [String], valueLabel: String) {
        self.frame = frame
        self.panels = panels
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.valueLabel = valueLabel
    }

    /// The shared colour range over all panels.
    public func valueRange() -> (Double, Double)? {
        LineChart.extent(panels.flatMap { $0.values.flatMap { $0.compactMap { $0 } } }, kind: .linear)
    }

    public func render() -> String {
        var frame = self.frame
        let nRows = rowLabels.count, nCols = columnLabels.count
        frame.xKind = .linear
        frame.yKind = .linear
        frame.niceY = false
        frame.gridLines = false
        frame.xDomain = (0, Double(max(nCols, 1)))
        frame.yDomain = (0, Double(max(nRows, 1)))
        frame.xTicks = Self.categoryTicks(columnLabels, length: frame.plotWidth, horizontal: true)
        frame.yTicks = Self.categoryTicks(rowLabels, length: frame.plotHeight, horizontal: false)
        let range = valueRange() ?? (0, 1)
        let span = range.1 > range.0 ? range.1 - range.0 : 1
        frame.colorBar = SVGChart.ColorBar(label: valueLabel, lo: range.0, hi: range.1)
        let rendered = panels.map { panel -> SVGChart.Panel in
            let missing = panel.values.reduce(0) { $0 + $1.filter { $0 == nil }.count } + max(0, nRows - panel.values.count) * nCols
            let notes = missing > 0 ? ["\(missing) missing cell\(missing == 1 ? "" : "s") in grey"] : []
            return SVGChart.Panel(title: panel.title, notes: notes) { doc, area in
                let cw = area.width / Double(max(nCols, 1)), rh = area.height / Double(max(nRows, 1))
                for r in 0..<nRows {
                    let row = r < panel.values.count ? panel.values[r] : []
                    let y = area.top + area.height - Double(r + 1) * rh
                    for c in 0..<nCols {
                        let fill: String
                        if c < row.count, let v = row[c], v.isFinite { fill = Palette.viridis((v - range.0) / span) } else { fill = "#dddddd" }
                        // Overlap cells by a fraction of a pixel so no hairline seams show.
                        doc.rect(x: area.left + Double(c) * cw, y: y, width: cw + 0.3, height: rh + 0.3, fill: fill)
                    }
                }
            }
        }
        return frame.render(panels: rendered)
    }

    /// Ticks at category centres, thinned so labels never overlap.
    static func categoryTicks(_ labels: [String], length: Double, horizontal: Bool) -> [AxisScale.Tick] {
        guard !labels.isEmpty else { return [] }
        let per = length / Double(labels.count)
        let widest = labels.map { horizontal ? AxisScale.textWidth($0, fontSize: 11) + 8 : 14 }.max() ?? 14
        let every = max(1, Int((widest / per).rounded(.up)))
        return labels.enumerated().compactMap { i, l in i % every == 0 ? AxisScale.Tick(value: Double(i) + 0.5, label: l) : nil }
    }
}
