import Foundation
import PyTrackDomain
import PyTrackStore

/// Writes the page and SVG files of one model pair (standard and deduped side by side, on the same
/// axes) into `<out>/<pair.folder>/`, reading only the database.
public struct PairReport {
    public let database: PyTrackDatabase
    public let pair: ModelPair
    public let models: [ModelSeries]
    /// Union of the members' computed steps, ascending.
    public let steps: [Int]
    public let layer: Int
    public let folder: URL
    let footer: String
    let bins: Int
    var written: [(path: String, bytes: Int)] = []
    var growth: [String: [Int: [String: Double]]] = [:] // model -> step -> role -> rate
    var divergence: [DerivedMetric] = []

    static let metrics = ["frobenius", "spectral_norm", "excess_kurtosis", "gauss_ks", "logistic_ks", "tail_frac_6sigma",
                          "alpha", "mp_edge", "mp_spikes", "mp_sigma_bulk", "std", "student_t_df"]

    /// Loads the pair's series. `layer` picks the matrix shown in the spectrum figures (default: middle layer).
    public init(database: PyTrackDatabase, pair: ModelPair, modelInfo: [String: Bool], outputRoot: URL, layer: Int?,
                builtAt: String, bins: Int = 60) throws {
        self.database = database
        self.pair = pair
        self.bins = bins
        var models: [ModelSeries] = []
        for name in pair.members {
            models.append(try ModelSeries(database: database, model: name, isDemo: modelInfo[name] ?? false,
                                          metrics: Self.metrics, matrices: MatrixNames.layerRoles + ["embed_in", "embed_out"]))
        }
        self.models = models
        steps = Array(Set(models.flatMap(\.steps))).sorted()
        let layers = models.map(\.layers).max() ?? 0
        if let layer, layer < 0 || layer >= max(layers, 1) {
            throw ReportError.layerOutOfRange(model: pair.members.first ?? "", layer: layer, layers: layers)
        }
        self.layer = layer ?? layers / 2
        folder = outputRoot.appendingPathComponent(pair.folder, isDirectory: true)
        let demo = models.contains(where: \.isDemo) ? " · DEMO / SYNTHETIC DATA" : ""
        footer = "pytrack report · database \(database.path) · built \(builtAt)\(demo)"
        for m in models {
            for row in try database.derived(model: m.name, metric: "depth_growth_rate") {
                if let v = row.value { growth[m.name, default: [:]][row.step, default: [:]][row.matrix] = v }
            }
        }
        if let d = pair.deduped, pair.standard != nil {
            divergence = try database.derived(model: d).filter { $0.metric.hasPrefix("dedup_") }
        }
    }

    // MARK: Files

    mutating func write(_ text: String, to relative: String) throws {
        let url = folder.appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = Data(text.utf8)
            try data.write(to: url)
            written.append((relative, data.count))
        } catch {
            throw ReportError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Panel title for a model: its name, flagged when it is demo data.
    func panelTitle(_ m: ModelSeries) -> String {
        let kind = m.name.hasSuffix("-deduped") ? "deduped" : "standard"
        return "\(m.shortName) (\(kind))\(m.isDemo ? " · demo data" : "")"
    }

    var stepLabel: String { "training step (log scale; step s drawn at s + 1)" }
    var stepDomain: (Double, Double) { (0, Double(max(steps.last ?? 1, 1))) }

    func frame(title: String, subtitle: String?, xLabel: String, yLabel: String, xKind: AxisScale.Kind = .logPlusOne,
               yKind: AxisScale.Kind = .linear) -> SVGChart {
        SVGChart(title: title, subtitle: subtitle, footer: footer, xLabel: xLabel, yLabel: yLabel, xKind: xKind, yKind: yKind,
                 xDomain: stepDomain, yDomain: (0, 1))
    }

    func layerLegend(_ layers: Int) -> [SVGChart.LegendItem] {
        layers > 0 ? [.sequence(first: "layer 0", last: "layer \(layers - 1)", count: layers)] : []
    }

    /// One line per layer of `metric` for `role` over all steps.
    func layerLines(_ m: ModelSeries, metric: String, role: String, transform: (ModelSeries, MatrixKey, Int) -> Double? = { _, _, _ in nil }) -> [LineSeries] {
        (0..<m.layers).map { l in
            let key = MatrixKey(layer: l, matrix: role)
            let pts = steps.map { s -> (x: Double, y: Double?) in
                (Double(s), metric.isEmpty ? transform(m, key, s) : m.value(metric, key, step: s))
            }
            return LineSeries(name: "layer \(l)", color: Palette.sequential(l, of: m.layers), width: 1.4, points: pts)
        }
    }

    // MARK: Build

    /// Writes every figure and the pair's index.html; returns the page.
    public mutating func build(header: [String], demoNote: String?) throws -> ReportPage {
        var sections: [ReportPage.Section] = []
        sections.append(try normsSection())
        sections.append(try depthSection())
        sections.append(try spectraSection())
        sections.append(try shapeSection())
        sections.append(try layerNormSection())
        sections.append(try divergenceSection())
        let page = ReportPage(title: pair.title, header: header, demoNote: demoNote, sections: sections, steps: steps,
                              links: [("../index.html", "all pairs")])
        try write(page.html(), to: "index.html")
        return page
    }

    // MARK: 1. Norms over training

    mutating func normsSection() throws -> ReportPage.Section {
        var figures: [ReportPage.Figure] = []
        var more: [ReportPage.Figure] = []
        for (metric, label) in [("frobenius", "Frobenius norm ‖W‖_F"), ("spectral_norm", "spectral norm σ_max")] {
            for role in MatrixNames.layerRoles where models.contains(where: { $0.has(metric, matrix: role) }) {
                let title = "\(label) over training · \(MatrixNames.describe(role))"
                var f = frame(title: title, subtitle: "one line per layer; standard and deduped on the same axes",
                              xLabel: stepLabel, yLabel: "\(label) (dimensionless)")
                f.legend = layerLegend(models.map(\.layers).max() ?? 0)
                let chart = LineChart(frame: f, panels: models.map { m in
                    LineChart.Panel(title: panelTitle(m), series: layerLines(m, metric: metric, role: role))
                })
                let file = "norms/\(metric)-\(role).svg"
                try write(chart.render(), to: file)
                let fig = ReportPage.Figure.image(src: file, alt: title, caption: "\(title). Lines break where a step is missing.")
                if metric == "frobenius" && ["qkv", "attn_out", "mlp_in", "mlp_out"].contains(role) { figures.append(fig) } else { more.append(fig) }
            }
            let embeds = ["embed_in", "embed_out"].filter { r in models.contains { $0.has(metric, matrix: r) } }
            if !embeds.isEmpty {
                let title = "\(label) over training · embeddings (embed_in, embed_out)"
                var f = frame(title: title, subtitle: nil, xLabel: stepLabel, yLabel: "\(label) (dimensionless)")
                f.legend = embeds.enumerated().map { .line($1, color: Palette.okabeIto[$0], dash: nil) }
                let chart = LineChart(frame: f, panels: models.map { m in
                    LineChart.Panel(title: panelTitle(m), series: embeds.enumerated().map { i, r in
                        LineSeries(name: r, color: Palette.okabeIto[i], points: steps.map { (Double($0), m.value(metric, MatrixKey(layer: nil, matrix: r), step: $0)) })
                    })
                })
                let file = "norms/\(metric)-embed.svg"
                try write(chart.render(), to: file)
                more.append(.image(src: file, alt: title, caption: title + "."))
            }
        }
        // Layer x step heatmaps of the Frobenius norm.
        let columnLabels = steps.map { AxisScale.label(Double($0), step: 1) }
        for role in MatrixNames.layerRoles where models.contains(where: { $0.has("frobenius", matrix: role) }) {
            let layers = models.map(\.layers).max() ?? 0
            let title = "Frobenius norm, layer × step · \(MatrixNames.describe(role))"
            let f = SVGChart(title: title, subtitle: "columns are the computed steps in order (not to scale); one colour scale for both models",
                             footer: footer, xLabel: "training step (one column per computed step)", yLabel: "layer",
                             xKind: .linear, yKind: .linear, xDomain: (0, 1), yDomain: (0, 1))
            let map = Heatmap(frame: f, panels: models.map { m in
                Heatmap.Panel(title: panelTitle(m), values: (0..<layers).map { l in
                    steps.map { m.value("frobenius", MatrixKey(layer: l, matrix: role), step: $0) }
                })
            }, rowLabels: (0..<layers).map(String.init), columnLabels: columnLabels, valueLabel: "Frobenius norm ‖W‖_F")
            let file = "norms/heatmap-\(role).svg"
            try write(map.render(), to: file)
            let fig = ReportPage.Figure.image(src: file, alt: title, caption: "\(title). Grey cells: not computed or undefined.")
            if ["qkv", "mlp_in"].contains(role) { figures.append(fig) } else { more.append(fig) }
        }
        if figures.isEmpty && more.isEmpty { figures.append(.note("No norms are stored for these models.")) }
        return ReportPage.Section(id: "norms", title: "1. Norms over training",
                                  intro: "Frobenius and spectral norms of each weight matrix against the training step (log axis; step 0 is drawn at 0 by plotting step + 1). Colour runs from the first layer (dark purple) to the last (yellow-green).",
                                  figures: figures, more: more)
    }

    // MARK: 2. Norms vs depth

    static let depthColors = ["q": "#56B4E9", "k": "#0072B2", "mlp_in": "#009E73", "attn_out": "#D55E00", "mlp_out": "#CC79A7", "v": "#E69F00", "qkv": "#000000"]

    /// Least-squares slope and intercept of ln(norm) on layer index.
    static func fit(_ points: [(Double, Double)]) -> (slope: Double, intercept: Double)? {
        let pts = points.filter { $0.1 > 0 && $0.1.isFinite }
        guard pts.count >= 2 else { return nil }
        let n = Double(pts.count)
        let mx = pts.reduce(0) { $0 + $1.0 } / n
        let my = pts.reduce(0) { $0 + Foundation.log($1.1) } / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in pts { sxy += (x - mx) * (Foundation.log(y) - my); sxx += (x - mx) * (x - mx) }
        guard sxx > 0 else { return nil }
        return (sxy / sxx, my - sxy / sxx * mx)
    }

    mutating func depthSection() throws -> ReportPage.Section {
        let roles = (MatrixNames.reading + MatrixNames.writing).filter { r in models.contains { $0.has("frobenius", matrix: r) } }
        let layers = models.map(\.layers).max() ?? 0
        guard !roles.isEmpty, layers > 0 else {
            return ReportPage.Section(id: "depth", title: "2. Norms vs depth", intro: "", figures: [.note("No per-layer norms are stored.")])
        }
        var all: [Double] = []
        for m in models { for r in roles { for l in 0..<m.layers { all += m.series("frobenius", MatrixKey(layer: l, matrix: r)).values } } }
        let yDomain = LineChart.padded(LineChart.extent(all, kind: .log) ?? (1, 10), kind: .log)
        let legend: [SVGChart.LegendItem] = roles.map { r in
            .line("\(MatrixNames.short(r)) (\(MatrixNames.reading.contains(r) ? "reading" : "writing"))",
                  color: Self.depthColors[r] ?? "#000", dash: MatrixNames.reading.contains(r) ? "6 3" : nil)
        } + [.line("fit exp(a + r·layer)", color: "#777", dash: "2 2")]
        for s in steps {
            var f = frame(title: "Frobenius norm vs depth at step \(s) · reading (dashed) vs writing (solid) weights",
                          subtitle: "thin dotted lines: fitted exponential growth per layer, r = slope of ln‖W‖_F on layer; axes fixed across steps",
                          xLabel: "layer index", yLabel: "Frobenius norm ‖W‖_F (log scale)", xKind: .linear, yKind: .log)
            f.xDomain = (-0.3, Double(layers - 1) + 0.3)
            f.xTicks = SVGChart.integerTicks(layers, length: f.plotWidth * Double(layers) / (Double(layers) - 0.4), horizontal: true)
            f.yDomain = yDomain
            f.legend = legend
            let panels = models.map { m -> LineChart.Panel in
                guard m.steps.contains(s) else { return LineChart.Panel(title: panelTitle(m), series: [], notes: ["step \(s) not computed for this model"]) }
                var series: [LineSeries] = []
                var rates: [String] = []
                for r in roles {
                    let pts = (0..<m.layers).map { l in (Double(l), m.value("frobenius", MatrixKey(layer: l, matrix: r), step: s)) }
                    let color = Self.depthColors[r] ?? "#000"
                    series.append(LineSeries(name: r, color: color, dash: MatrixNames.reading.contains(r) ? "6 3" : nil, width: 2,
                                             points: pts.map { (x: $0.0, y: $0.1) }))
                    let own = Self.fit(pts.compactMap { p in p.1.map { (p.0, $0) } })
                    let rate = growth[m.name]?[s]?[r] ?? own?.slope
                    if let rate, let own {
                        // Intercept through the data's centroid with the stored slope.
                        let known = pts.compactMap { p in p.1.flatMap { $0 > 0 ? (p.0, Foundation.log($0)) : nil } }
                        let mx = known.reduce(0) { $0 + $1.0 } / Double(max(known.count, 1))
                        let my = known.reduce(0) { $0 + $1.1 } / Double(max(known.count, 1))
                        let a = known.isEmpty ? own.intercept : my - rate * mx
                        series.append(LineSeries(name: "fit", color: color, dash: "2 2", width: 1,
                                                 points: [(0, Foundation.exp(a)), (Double(m.layers - 1), Foundation.exp(a + rate * Double(m.layers - 1)))]))
                        rates.append("\(MatrixNames.short(r)) \(String(format: "%+.3f", rate))")
                    }
                }
                let source = growth[m.name]?[s] == nil ? " (fitted here)" : ""
                return LineChart.Panel(title: panelTitle(m), series: series,
                                       notes: rates.isEmpty ? [] : ["r per layer\(source): " + rates.joined(separator: ", ")])
            }
            let chart = LineChart(frame: f, panels: panels, fixedX: true, fixedY: true)
            try write(chart.render(), to: "depth/step-\(s).svg")
        }
        // Growth rate over training.
        var f = frame(title: "Per-layer growth rate of ‖W‖_F over training (slope of ln‖W‖_F on layer index)",
                      subtitle: "reading weights dashed, writing weights solid; > 0: later layers have larger norms",
                      xLabel: stepLabel, yLabel: "growth rate r (per layer)")
        f.legend = Array(legend.dropLast())
        let panels = models.map { m in
            LineChart.Panel(title: panelTitle(m), series: roles.map { r in
                LineSeries(name: r, color: Self.depthColors[r] ?? "#000", dash: MatrixNames.reading.contains(r) ? "6 3" : nil, width: 2,
                           points: steps.map { s in
                               (Double(s), m.steps.contains(s) ? (growth[m.name]?[s]?[r] ?? Self.fit((0..<m.layers).compactMap { l in
                                   m.value("frobenius", MatrixKey(layer: l, matrix: r), step: s).map { (Double(l), $0) } })?.slope) : nil)
                           })
            }, references: [ReferenceLine(.horizontal, at: 0, color: "#888")])
        }
        try write(LineChart(frame: f, panels: panels).render(), to: "depth/growth-rate.svg")
        return ReportPage.Section(
            id: "depth", title: "2. Norms vs depth",
            intro: "Norms of reading weights (Q, K, MLP in: they read from the residual stream) and writing weights (O, MLP out: they write into it) across layers at the chosen step. A straight line on this log axis means exponential growth with depth; r is the fitted growth per layer (stored depth_growth_rate rows where present).",
            figures: [.stepped(folder: "depth", alt: "norms vs depth", caption: "Frobenius norm vs layer at the step chosen with the slider."),
                      .image(src: "depth/growth-rate.svg", alt: "growth rate over training", caption: "Per-layer growth rate r over training.")])
    }
}
