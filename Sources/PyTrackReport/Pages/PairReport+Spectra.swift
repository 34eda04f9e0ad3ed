import Foundation
import PyTrackDomain
import PyTrackStats
import PyTrackStore

extension PairReport {
    /// Stored spectra of one matrix of one model, by step.
    struct Spectra {
        var sv: [Int: [Float]] = [:]
        var gauss: [Int: [Float]] = [:]
        var logistic: [Int: [Float]] = [:]
    }

    func loadSpectra(_ m: ModelSeries, _ key: MatrixKey) throws -> Spectra {
        var out = Spectra()
        func floats(_ kind: String) throws -> [Int: [Float]] {
            var d: [Int: [Float]] = [:]
            for (step, blob) in try database.blobSeries(model: m.name, key: key, kind: kind) {
                if case let .float32(v) = blob.payload { d[step] = v }
            }
            return d
        }
        out.sv = try floats("singular_values")
        out.gauss = try floats("gauss_sample_sv")
        out.logistic = try floats("logistic_sample_sv")
        return out
    }

    /// The MP law fitted to the bulk (`mp_sigma_bulk`); the element std for rows stored before the fit existed.
    func mpCurve(_ m: ModelSeries, _ key: MatrixKey, step: Int) -> MarchenkoPastur? {
        guard let shape = m.shapes[key], let sigma = m.value("mp_sigma_bulk", key, step: step) ?? m.value("std", key, step: step),
              sigma > 0 else { return nil }
        return MarchenkoPastur(rows: shape.rows, cols: shape.cols, sigma: sigma)
    }

    static let svBar = "#0072B2"
    static let gaussColor = "#E69F00"
    static let logisticColor = "#009E73"
    static let mpColor = "#000000"

    // MARK: 3 + 4. Singular-value histograms and rank-ordered spectra

    mutating func spectraSection() throws -> ReportPage.Section {
        var figures: [ReportPage.Figure] = []
        var more: [ReportPage.Figure] = []
        for role in MatrixNames.layerRoles {
            let key = MatrixKey(layer: layer, matrix: role)
            let spectra = try models.map { try loadSpectra($0, key) }
            guard spectra.contains(where: { !$0.sv.isEmpty }) else { continue }
            let what = "layer \(layer) \(MatrixNames.describe(role))"
            // Fixed axes: the range of every stored spectrum and reference of every step of both models.
            var hi = 0.0
            for (m, sp) in zip(models, spectra) {
                for d in [sp.sv, sp.gauss, sp.logistic] { for v in d.values { for x in v where x.isFinite { hi = max(hi, Double(x)) } } }
                for s in m.steps { if let c = mpCurve(m, key, step: s) { hi = max(hi, c.upperEdge) } }
            }
            hi = hi > 0 ? hi * 1.03 : 1
            let lo = 0.0
            var yMax = 1.0
            var cache: [[Int: (bars: [Double], g: [Double]?, l: [Double]?, mp: [Double]?, outside: Int)]] = []
            for (m, sp) in zip(models, spectra) {
                var perStep: [Int: (bars: [Double], g: [Double]?, l: [Double]?, mp: [Double]?, outside: Int)] = [:]
                for (s, v) in sp.sv {
                    let b = HistogramChart.binned(v, lo: lo, hi: hi, bins: bins)
                    let g = sp.gauss[s].map { HistogramChart.binned($0, lo: lo, hi: hi, bins: bins).counts }
                    let l = sp.logistic[s].map { HistogramChart.binned($0, lo: lo, hi: hi, bins: bins).counts }
                    let mp = mpCurve(m, key, step: s)?.expectedCounts(lo: lo, hi: hi, bins: bins)
                    perStep[s] = (b.counts, g, l, mp, b.outside)
                    yMax = max(yMax, b.counts.max() ?? 0, g?.max() ?? 0, l?.max() ?? 0, mp?.max() ?? 0)
                }
                cache.append(perStep)
            }
            let legend: [SVGChart.LegendItem] = [
                .box("singular values of W", color: Self.svBar),
                .line("Gaussian sample (fitted μ, σ; same shape)", color: Self.gaussColor, dash: nil),
                .line("logistic sample (fitted μ, s; same shape)", color: Self.logisticColor, dash: "6 3"),
                .line("Marchenko-Pastur (same shape, σ fitted to the bulk), bulk edge dashed", color: Self.mpColor, dash: nil),
            ]
            let binWidth = (hi - lo) / Double(bins)
            for s in steps {
                var f = SVGChart(title: "Singular-value histogram · \(what) · step \(s)",
                                 subtitle: "\(bins) bins of width \(AxisScale.label(binWidth, step: binWidth / 100)); axes fixed across all steps of both models",
                                 footer: footer, xLabel: "singular value σ", yLabel: "number of singular values per bin",
                                 xKind: .linear, yKind: .linear, xDomain: (lo, hi), yDomain: (0, yMax * 1.05))
                f.legend = legend
                let panels = zip(models, cache).map { m, perStep -> HistogramChart.Panel in
                    guard let c = perStep[s] else {
                        return HistogramChart.Panel(title: panelTitle(m), counts: nil, barColor: Self.svBar,
                                                    notes: [m.steps.contains(s) ? "no spectrum stored at step \(s)" : "step \(s) not computed for this model"])
                    }
                    var outlines: [HistogramChart.Outline] = []
                    if let g = c.g { outlines.append(.init(name: "Gaussian", color: Self.gaussColor, counts: g)) }
                    if let l = c.l { outlines.append(.init(name: "logistic", color: Self.logisticColor, dash: "6 3", counts: l)) }
                    var curves: [LineSeries] = []
                    var refs: [ReferenceLine] = []
                    var notes: [String] = []
                    if let curve = mpCurve(m, key, step: s) {
                        let n = 240
                        let a = max(lo, curve.lowerEdge), b = min(hi, curve.upperEdge)
                        let pts = (0...n).map { i -> (x: Double, y: Double?) in
                            let x = a + (b - a) * Double(i) / Double(n)
                            return (x, curve.density(singularValue: x) * Double(curve.n) * binWidth)
                        }
                        curves.append(LineSeries(name: "MP", color: Self.mpColor, width: 1.6, points: pts))
                        refs.append(ReferenceLine(.vertical, at: curve.upperEdge, color: Self.mpColor, dash: "5 3", label: "MP edge"))
                    } else {
                        notes.append("no MP curve: bulk σ, std or shape not stored")
                    }
                    if let spikes = m.value("mp_spikes", key, step: s) { notes.append("\(Int(spikes)) singular values above the MP edge") }
                    if c.outside > 0 { notes.append("\(c.outside) values outside the axis range") }
                    return HistogramChart.Panel(title: panelTitle(m), counts: c.bars, barColor: Self.svBar, outlines: outlines,
                                                curves: curves, references: refs, notes: notes)
                }
                try write(HistogramChart(frame: f, lo: lo, hi: hi, panels: panels).render(), to: "sv-\(role)/step-\(s).svg")
            }
            let fig = ReportPage.Figure.stepped(folder: "sv-\(role)", alt: "singular-value histogram \(what)",
                                                caption: "Singular values of \(what) with Gaussian-sample, logistic-sample and Marchenko-Pastur references.")
            if ["qkv", "attn_out", "mlp_in", "mlp_out"].contains(role) { figures.append(fig) } else { more.append(fig) }
            if ["qkv", "mlp_in"].contains(role) {
                try rankSpectra(role: role, key: key, spectra: spectra, what: what, into: &figures)
            } else {
                try rankSpectra(role: role, key: key, spectra: spectra, what: what, into: &more)
            }
        }
        if figures.isEmpty && more.isEmpty { figures.append(.note("No singular values are stored for layer \(layer).")) }
        return ReportPage.Section(
            id: "spectra", title: "3–4. Singular-value spectra (layer \(layer))",
            intro: "Histograms of all singular values of one weight matrix (layer \(layer), the middle layer unless --matrix-layer says otherwise) at the slider's step, against the singular values of a matrix of the same shape sampled from the fitted Gaussian and logistic distributions, and the Marchenko-Pastur law of an i.i.d. matrix with the same shape whose σ is fitted to the bulk (the singular values inside the edge; see docs/metrics.md). Both axes are fixed over all steps, so movement means change, not rescaling. Below: rank-ordered spectra on log-log axes at selected steps.",
            figures: figures, more: more)
    }

    /// Up to `count` steps spread evenly over log(step + 1) among `available`.
    static func spreadSteps(_ available: [Int], count: Int) -> [Int] {
        guard let last = available.last, available.count > count else { return available }
        var chosen: [Int] = []
        for i in 0..<count {
            let target = Foundation.pow(Double(last + 1), Double(i) / Double(count - 1)) - 1
            if let best = available.min(by: { abs(Foundation.log(Double($0) + 1) - Foundation.log(target + 1)) < abs(Foundation.log(Double($1) + 1) - Foundation.log(target + 1)) }),
               !chosen.contains(best) {
                chosen.append(best)
            }
        }
        return chosen.sorted()
    }

    mutating func rankSpectra(role: String, key: MatrixKey, spectra: [Spectra], what: String, into figures: inout [ReportPage.Figure]) throws {
        let chosen = Self.spreadSteps(steps.filter { s in spectra.contains { $0.sv[s] != nil } }, count: 6)
        guard !chosen.isEmpty else { return }
        let title = "Rank-ordered singular values · \(what)"
        var f = frame(title: title, subtitle: "one line per step; dashed: Marchenko-Pastur bulk edge σ_bulk(√m + √n) at that step",
                      xLabel: "rank i (log scale)", yLabel: "singular value σ_i (log scale)", xKind: .log, yKind: .log)
        f.legend = chosen.enumerated().map { .line("step \($1)", color: Palette.sequential($0, of: chosen.count), dash: nil) }
        let panels = zip(models, spectra).map { m, sp -> LineChart.Panel in
            var series: [LineSeries] = []
            var refs: [ReferenceLine] = []
            for (i, s) in chosen.enumerated() {
                let color = Palette.sequential(i, of: chosen.count)
                if let v = sp.sv[s] {
                    let sorted = v.map(Double.init).sorted(by: >)
                    series.append(LineSeries(name: "step \(s)", color: color, width: 1.6,
                                             points: sorted.enumerated().map { (x: Double($0 + 1), y: $1 > 0 ? $1 : nil) }))
                }
                if let edge = m.value("mp_edge", key, step: s) ?? mpCurve(m, key, step: s)?.upperEdge {
                    refs.append(ReferenceLine(.horizontal, at: edge, color: color, dash: "5 3"))
                }
            }
            return LineChart.Panel(title: panelTitle(m), series: series, references: refs)
        }
        let file = "spectra/rank-\(role).svg"
        try write(LineChart(frame: f, panels: panels).render(), to: file)
        figures.append(.image(src: file, alt: title, caption: "\(title) at steps \(chosen.map(String.init).joined(separator: ", "))."))
    }
}
