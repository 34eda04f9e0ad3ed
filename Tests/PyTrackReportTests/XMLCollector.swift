import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects what an XMLParser saw: element names, text, the attributes of the root and of every
/// element, and the first error.
final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var text = ""
    var attributes: [String: String] = [:]
    var allAttributes: [(String, [String: String])] = []
    var texts: [(attributes: [String: String], text: String)] = []
    private var currentText: String?
    private var currentAttributes: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if elements.isEmpty { self.attributes = attributes }
        elements.append(name)
        allAttributes.append((name, attributes))
        if name == "text" { currentText = ""; currentAttributes = attributes }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
        if currentText != nil { currentText! += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let t = currentText { texts.append((currentAttributes, t)); currentText = nil }
    }

    /// Parses `data`; returns nil on success, else the error.
    static func parse(_ data: Data) -> (XMLCollector, Error?) {
        let c = XMLCollector()
        let p = XMLParser(data: data)
        p.delegate = c
        let ok = p.parse()
        return (c, ok ? nil : (p.parserError ?? NSError(domain: "xml", code: 1)))
    }
}
