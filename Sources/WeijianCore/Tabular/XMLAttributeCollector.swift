import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects the attributes of every element with a given local name, in document order: the
/// sheets of a workbook, the relationships of a package part.
final class XMLAttributeCollector: NSObject, XMLParserDelegate {
    let elementName: String
    private(set) var elements: [[String: String]] = []

    init(elementName: String) {
        self.elementName = elementName
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if XMLPart.localName(elementName) == self.elementName { elements.append(attributes) }
    }
}
