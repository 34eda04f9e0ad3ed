import Foundation

/// A small SVG writer: appends escaped elements to a buffer and renders a standalone, self-contained
/// SVG file (system fonts only, no external references).
public struct SVGDocument {
    public let width: Double
    public let height: Double
    private var body: String = ""
    private var nextID = 0

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body.reserveCapacity(1 << 14)
    }

    /// Pixel coordinates with at most one decimal, trailing zeros removed.
    public static func num(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return "0" }
        let tenths = Int((v * 10).rounded())
        let whole = tenths / 10, frac = abs(tenths % 10)
        if frac == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-0" : String(whole)) + "." + String(frac)
    }

    /// A fresh id for clip paths and gradients, unique within this document.
    public mutating func makeID(_ prefix: String) -> String {
        nextID += 1
        return "\(prefix)\(nextID)"
    }

    /// Appends trusted markup (callers escape any text they put in it).
    public mutating func raw(_ markup: String) {
        body += markup
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, opacity: Double? = nil, title: String? = nil) {
        var s = "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(0, width)))\" height=\"\(Self.num(max(0, height)))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let opacity { s += " fill-opacity=\"\(String(format: "%.2f", opacity))\"" }
        if let title {
            s += "><title>\(HTMLEscaping.escape(title))</title></rect>"
        } else {
            s += "/>"
        }
        body += s
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil) {
        var s = "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\""
        if width != 1 { s += " stroke-width=\"\(Self.num(width))\"" }
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        body += s + "/>"
    }

    /// A polyline through `points`; each inner array is one unbroken segment (gaps between them).
    public mutating func path(segments: [[(Double, Double)]], stroke: String, width: Double = 1.5,
                              dash: String? = nil, fill: String = "none", opacity: Double? = nil) {
        var d = ""
        for segment in segments where !segment.isEmpty {
            for (i, p) in segment.enumerated() {
                d += (i == 0 ? "M" : "L") + Self.num(p.0) + " " + Self.num(p.1)
            }
        }
        guard !d.isEmpty else { return }
        var s = "<path d=\"\(d)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        if let opacity { s += " stroke-opacity=\"\(String(format: "%.2f", opacity))\"" }
        body += s + "/>"
        // A single-point segment draws nothing as a path: mark it with a dot.
        for segment in segments where segment.count == 1 {
            circle(cx: segment[0].0, cy: segment[0].1, r: max(1.5, width), fill: stroke)
        }
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
        body += "<circle cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\" fill=\"\(fill)\"/>"
    }

    public enum Anchor: String { case start, middle, end }

    /// Text (escaped here). `rotate` turns it around its anchor point (e.g. -90 for a y-axis label).
    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              bold: Bool = false, fill: String = "#222", rotate: Double? = nil, italic: Bool = false) {
        var s = "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\""
        if size != 12 { s += " font-size=\"\(Self.num(size))\"" }
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { s += " font-weight=\"bold\"" }
        if italic { s += " font-style=\"italic\"" }
        if fill != "#222" { s += " fill=\"\(fill)\"" }
        if let rotate { s += " transform=\"rotate(\(Self.num(rotate)) \(Self.num(x)) \(Self.num(y)))\"" }
        body += s + ">" + HTMLEscaping.escape(string) + "</text>"
    }

    /// Opens a group clipped to a rectangle; close it with `endGroup()`.
    public mutating func beginClip(x: Double, y: Double, width: Double, height: Double) {
        let id = makeID("clip")
        body += "<clipPath id=\"\(id)\"><rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\"/></clipPath><g clip-path=\"url(#\(id))\">"
    }

    public mutating func beginGroup(attributes: String = "") {
        body += attributes.isEmpty ? "<g>" : "<g \(attributes)>"
    }

    public mutating func endGroup() {
        body += "</g>"
    }

    /// The complete SVG file. `title` becomes the document's accessible name.
    public func render(title: String) -> String {
        let w = Self.num(width), h = Self.num(height)
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" font-family="DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif" font-size="12">
        <title>\(HTMLEscaping.escape(title))</title>
        <rect width="100%" height="100%" fill="#ffffff"/>
        \(body)
        </svg>

        """
    }
}
