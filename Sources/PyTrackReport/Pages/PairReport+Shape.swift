import Foundation
import PyTrackDomain
import PyTrackStore

extension PairReport {
    // MARK: 5. Element-distribution shape

    mutating func shapeSection() throws -> ReportPage.Section {
        var figures: [ReportPage.Figure] = []
        var more: [ReportPage.Figure] = []
        typealias Spec = (id: String, title: String, yLabel: String, value: (ModelSeries, MatrixKey, Int) -> Double?, zero: Double?,
                          yKind: AxisScale.Kind)
        let specs: [Spec] = [
            ("kurtosis", "Excess kurtosis", "excess kurtosis (0 = Gaussian, 1.2 = logistic)", { m, k, s in m.value("excess_kurtosis", k, step: s) }, 0, .linear),
            ("ks", "KS(Gaussian) − KS(logistic)", "difference of KS distances (> 0: logistic fits better)", { m, k, s in
                guard let g = m.value("gauss_ks", k, step: s), let l = m.value("logistic_ks", k, step: s) else { return nil }
                return g - l
            }, 0, .linear),
            ("tail", "Fraction of elements beyond 6σ", "fraction with |w − mean| > 6 std", { m, k, s in m.value("tail_frac_6sigma", k, step: s) }, nil, .linear),
            ("alpha", "Power-law exponent α of the eigenvalues σ²", "α (Clauset-Shalizi-Newman MLE)", { m, k, s in m.value("alpha", k, step: s) }, nil, .linear),
            // compute caps df at 1000 (a Gaussian sample's MLE df is infinite): the reference line marks the cap.
            ("tdf", "Fitted Student-t degrees of freedom", "Student-t df (log scale; cap 1000)",
             { m, k, s in m.value("student_t_df", k, step: s) }, 1000, .log),
        ]
        let needs = ["kurtosis": ["excess_kurtosis"], "ks": ["gauss_ks", "logistic_ks"], "tail": ["tail_frac_6sigma"], "alpha": ["alpha"], "tdf": ["student_t_df"]]
        for role in MatrixNames.layerRoles {
            for spec in specs {
                guard models.contains(where: { m in (needs[spec.id] ?? []).allSatisfy { m.has($0, matrix: role) } }) else { continue }
                let title = "\(spec.title) over training · \(MatrixNames.describe(role))"
                var f = frame(title: title, subtitle: "one line per layer; standard and deduped on the same axes", xLabel: stepLabel, yLabel: spec.yLabel,
                              yKind: spec.yKind)
                f.legend = layerLegend(models.map(\.layers).max() ?? 0)
                let chart = LineChart(frame: f, panels: models.map { m in
                    LineChart.Panel(title: panelTitle(m), series: layerLines(m, metric: "", role: role, transform: spec.value),
                                    references: spec.zero.map { [ReferenceLine(.horizontal, at: $0, color: "#888")] } ?? [])
                })
                let file = "shape/\(spec.id)-\(role).svg"
                try write(chart.render(), to: file)
                let fig = ReportPage.Figure.image(src: file, alt: title, caption: title + ".")
                if ["qkv", "mlp_in"].contains(role) && ["kurtosis", "ks", "tdf"].contains(spec.id) { figures.append(fig) } else { more.append(fig) }
            }
        }
        if figures.isEmpty && more.isEmpty { figures.append(.note("No distribution-shape metrics are stored.")) }
        return ReportPage.Section(
            id: "shape", title: "5. Element-distribution shape over training",
            intro: "Do the weights stay Gaussian? Excess kurtosis (0 for a Gaussian, 1.2 for a logistic), which of the fitted Gaussian and logistic is closer in Kolmogorov-Smirnov distance, the fraction of elements beyond six standard deviations, the power-law exponent of the eigenvalue tail, and the degrees of freedom of the maximum-likelihood Student-t fit (falling df = heavier tails; capped at 1000).",
            figures: figures, more: more)
    }

    // MARK: 6. LayerNorm gains and biases

    mutating func layerNormSection() throws -> ReportPage.Section {
        var figures: [ReportPage.Figure] = []
        var more: [ReportPage.Figure] = []
        let layers = models.map(\.layers).max() ?? 0
        for kind in ["ln1_gain", "ln2_gain", "ln1_bias", "ln2_bias"] {
            let final = kind.hasSuffix("gain") ? "final_ln_gain" : "final_ln_bias"
            // values[model][layer or -1 for final][step]
            var values: [[Int: [Int: [Float]]]] = []
            var outliers: [[Int: [Int: Set<Int32>]]] = []
            var lo = Double.infinity, hi = -Double.infinity, dims = 0
            for m in models {
                var v: [Int: [Int: [Float]]] = [:]
                var o: [Int: [Int: Set<Int32>]] = [:]
                for l in -1..<m.layers {
                    let key = l < 0 ? MatrixKey(layer: nil, matrix: final) : MatrixKey(layer: l, matrix: kind)
                    for (s, blob) in try database.blobSeries(model: m.name, key: key, kind: "values") {
                        guard case let .float32(x) = blob.payload else { continue }
                        v[l, default: [:]][s] = x
                        dims = max(dims, x.count)
                        for e in x where e.isFinite { lo = min(lo, Double(e)); hi = max(hi, Double(e)) }
                    }
                    guard l >= 0 else { continue }
                    var stored: [Int: Set<Int32>] = [:]
                    for (s, blob) in try database.blobSeries(model: m.name, key: key, kind: "outliers") {
                        if case let .int32(x) = blob.payload { stored[s] = Set(x) }
                    }
                    for (s, x) in v[l] ?? [:] { o[l, default: [:]][s] = stored[s] ?? Self.outlierIndices(x) }
                }
                values.append(v)
                outliers.append(o)
            }
            guard lo <= hi else { continue }
            let pad = max((hi - lo) * 0.02, 1e-6)
            lo -= pad
            hi += pad
            let lnBins = 50
            let width = (hi - lo) / Double(lnBins)
            var yMax = 1.0
            var counts: [[Int: [Int: [Double]]]] = []
            for v in values {
                var c: [Int: [Int: [Double]]] = [:]
                for (l, perStep) in v {
                    for (s, x) in perStep {
                        let b = HistogramChart.binned(x, lo: lo, hi: hi, bins: lnBins).counts
                        c[l, default: [:]][s] = b
                        yMax = max(yMax, b.max() ?? 0)
                    }
                }
                counts.append(c)
            }
            let what = MatrixNames.describe(kind)
            var legend = layerLegend(layers)
            legend.append(.line("final LayerNorm", color: "#000", dash: "5 3"))
            for s in steps {
                var f = SVGChart(title: "\(what) · histogram of the \(dims) elements, one line per layer · step \(s)",
                                 subtitle: "\(lnBins) bins over the range of all steps and layers; axes fixed across steps",
                                 footer: footer, xLabel: kind.hasSuffix("gain") ? "gain value" : "bias value",
                                 yLabel: "number of dimensions per bin", xKind: .linear, yKind: .linear, xDomain: (lo, hi), yDomain: (0, yMax * 1.05))
                f.legend = legend
                let panels = zip(models, counts).map { m, c -> LineChart.Panel in
                    var series: [LineSeries] = []
                    for l in -1..<m.layers {
                        guard let b = c[l]?[s] else { continue }
                        series.append(LineSeries(name: l < 0 ? "final" : "layer \(l)", color: l < 0 ? "#000" : Palette.sequential(l, of: m.layers),
                                                 dash: l < 0 ? "5 3" : nil, width: 1.3,
                                                 points: b.enumerated().map { (x: lo + (Double($0) + 0.5) * width, y: $1) }))
                    }
                    return LineChart.Panel(title: panelTitle(m), series: series,
                                           notes: series.isEmpty ? ["no \(kind) values at step \(s)"] : [])
                }
                try write(LineChart(frame: f, panels: panels, fixedX: true, fixedY: true).render(), to: "\(kind)/step-\(s).svg")
                // Outlier dimensions x layer at this step.
                var mapFrame = SVGChart(title: "Outlier dimensions (|z| > 5) of \(what) · dimension × layer · step \(s)",
                                        subtitle: "a mark at (dimension, layer) when that element is an outlier; vertical runs = the same dimension in many layers",
                                        footer: footer, xLabel: "dimension index", yLabel: "layer", xKind: .linear, yKind: .linear,
                                        xDomain: (0, Double(max(dims, 1))), yDomain: (0, Double(max(layers, 1))))
                mapFrame.niceY = false
                mapFrame.yTicks = Heatmap.categoryTicks((0..<layers).map(String.init), length: mapFrame.plotHeight, horizontal: false)
                mapFrame.plotHeight = max(120, min(240, Double(layers) * 14))
                mapFrame.yTicks = Heatmap.categoryTicks((0..<layers).map(String.init), length: mapFrame.plotHeight, horizontal: false)
                let mapPanels = zip(models, outliers).map { m, o -> SVGChart.Panel in
                    let sets = (0..<layers).map { o[$0]?[s] ?? [] }
                    let total = sets.reduce(0) { $0 + $1.count }
                    var note = "\(total) outlier marks"
                    var freq: [Int32: Int] = [:]
                    for set in sets { for d in set { freq[d, default: 0] += 1 } }
                    let top = freq.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.prefix(4).filter { $0.value > 1 }
                    if !top.isEmpty { note += "; most shared: " + top.map { "dim \($0.key) (\($0.value) layers)" }.joined(separator: ", ") }
                    if !m.steps.contains(s) { note = "step \(s) not computed for this model" }
                    return SVGChart.Panel(title: panelTitle(m), notes: [note]) { doc, area in
                        let rh = area.height / Double(max(layers, 1))
                        let cw = max(2, area.width / Double(max(dims, 1)))
                        for (l, set) in sets.enumerated() {
                            for d in set.sorted() {
                                guard let x = area.x.map(Double(d)) else { continue }
                                doc.rect(x: x, y: area.top + area.height - Double(l + 1) * rh + 1, width: cw, height: rh - 2, fill: "#D55E00")
                            }
                        }
                    }
                }
                try write(mapFrame.render(panels: mapPanels), to: "\(kind)-outliers/step-\(s).svg")
            }
            // Outlier dimensions x step: colour = in how many layers.
            var stepFrame = SVGChart(title: "Persistence of outlier dimensions of \(what) · dimension × step",
                                     subtitle: "colour: number of layers in which the dimension is an outlier (|z| > 5); rows are the computed steps",
                                     footer: footer, xLabel: "dimension index", yLabel: "training step", xKind: .linear, yKind: .linear,
                                     xDomain: (0, Double(max(dims, 1))), yDomain: (0, Double(max(steps.count, 1))))
            stepFrame.niceY = false
            stepFrame.yTicks = Heatmap.categoryTicks(steps.map { AxisScale.label(Double($0), step: 1) }, length: stepFrame.plotHeight, horizontal: false)
            stepFrame.colorBar = SVGChart.ColorBar(label: "layers with this outlier", lo: 0, hi: Double(max(layers, 1)))
            let steps = self.steps
            let stepPanels = zip(models, outliers).map { m, o -> SVGChart.Panel in
                SVGChart.Panel(title: panelTitle(m)) { doc, area in
                    let rh = area.height / Double(max(steps.count, 1))
                    let cw = max(2, area.width / Double(max(dims, 1)))
                    for (i, s) in steps.enumerated() {
                        var freq: [Int32: Int] = [:]
                        for l in 0..<layers { for d in o[l]?[s] ?? [] { freq[d, default: 0] += 1 } }
                        for (d, n) in freq.sorted(by: { $0.key < $1.key }) {
                            guard let x = area.x.map(Double(d)) else { continue }
                            doc.rect(x: x, y: area.top + area.height - Double(i + 1) * rh, width: cw, height: max(rh, 0.8),
                                     fill: Palette.viridis(Double(n) / Double(max(layers, 1))))
                        }
                    }
                }
            }
            try write(stepFrame.render(panels: stepPanels), to: "ln/outliers-by-step-\(kind).svg")
            let figs: [ReportPage.Figure] = [
                .stepped(folder: kind, alt: "\(what) histograms", caption: "\(what): histogram per layer at the slider's step."),
                .stepped(folder: "\(kind)-outliers", alt: "\(what) outlier dimensions by layer", caption: "Outlier dimensions of \(what) per layer at the slider's step."),
                .image(src: "ln/outliers-by-step-\(kind).svg", alt: "\(what) outlier persistence", caption: "Which dimensions are outliers at each step, and in how many layers."),
            ]
            if kind == "ln1_gain" { figures += figs } else { more += figs }
        }
        if figures.isEmpty && more.isEmpty { figures.append(.note("No LayerNorm values are stored.")) }
        return ReportPage.Section(
            id: "layernorm", title: "6. LayerNorm gains and biases",
            intro: "Histograms of the LayerNorm gain and bias vectors, one line per layer, at the slider's step; and the outlier dimensions (|z| > 5 within a layer's vector), by layer and over training, so dimensions that stay outliers across layers and steps stand out as vertical runs.",
            figures: figures, more: more)
    }

    /// Indices whose |z| within the vector exceeds 5.
    static func outlierIndices(_ x: [Float]) -> Set<Int32> {
        let finite = x.map(Double.init).filter(\.isFinite)
        guard finite.count > 1 else { return [] }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let sd = (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count)).squareRoot()
        guard sd > 0 else { return [] }
        var out: Set<Int32> = []
        for (i, v) in x.enumerated() where abs((Double(v) - mean) / sd) > 5 && i <= Int(Int32.max) { out.insert(Int32(i)) }
        return out
    }

    // MARK: 7. Deduped vs standard

    mutating func divergenceSection() throws -> ReportPage.Section {
        guard let deduped = pair.deduped, let standard = pair.standard else {
            return ReportPage.Section(id: "divergence", title: "7. Deduped vs standard", intro: "",
                                      figures: [.note("This model has no twin in the database, so there is no deduped-vs-standard comparison.")])
        }
        var figures: [ReportPage.Figure] = []
        let specs = [("dedup_norm_ratio", "Norm ratio ‖W_deduped‖_F / ‖W_standard‖_F", "ratio (1 = equal)", 1.0),
                     ("dedup_w1_spectrum", "Wasserstein-1 distance of normalised spectra σ_i/σ_max", "W1 distance (0 = identical)", 0.0),
                     ("dedup_alpha_diff", "Power-law α difference (deduped − standard)", "Δα", 0.0)]
        let layers = models.map(\.layers).max() ?? 0
        for (metric, title, yLabel, ref) in specs {
            let rows = divergence.filter { $0.metric == metric }
            guard !rows.isEmpty else { continue }
            var byKey: [String: [Int: [Int: Double]]] = [:] // matrix -> layer(-1 nil) -> step -> value
            for r in rows { if let v = r.value { byKey[r.matrix, default: [:]][r.layer ?? -1, default: [:]][r.step] = v } }
            let order = MatrixNames.layerRoles + ["embed_in", "embed_out"]
            let matrices = Set(rows.map(\.matrix)).sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
            var f = frame(title: "\(title) over training", subtitle: "\(deduped) vs \(standard); one line per layer, one panel per matrix",
                          xLabel: stepLabel, yLabel: yLabel)
            f.columns = 3
            f.plotWidth = 300
            f.plotHeight = 180
            f.legend = layerLegend(layers) + [.line("layer-less matrix (embeddings)", color: "#000", dash: nil)]
            let panels = matrices.map { matrix in
                LineChart.Panel(title: MatrixNames.short(matrix), series: (byKey[matrix] ?? [:]).keys.sorted().map { l in
                    LineSeries(name: "layer \(l)", color: l < 0 ? "#000" : Palette.sequential(l, of: max(layers, 1)), width: 1.4,
                               points: steps.map { (x: Double($0), y: byKey[matrix]?[l]?[$0]) })
                }, references: [ReferenceLine(.horizontal, at: ref, color: "#888")])
            }
            let file = "divergence/\(metric).svg"
            try write(LineChart(frame: f, panels: panels).render(), to: file)
            figures.append(.image(src: file, alt: title, caption: "\(title), per matrix and layer."))
        }
        if figures.isEmpty { figures.append(.note("No dedup_* comparison rows are stored for \(deduped) (compute writes them once both twins have the same step).")) }
        return ReportPage.Section(
            id: "divergence", title: "7. Deduped vs standard",
            intro: "How far the deduplicated run drifts from the standard one at the same step: ratio of Frobenius norms, Wasserstein-1 distance between the normalised singular-value distributions, and the difference of the power-law exponents.",
            figures: figures)
    }
}
