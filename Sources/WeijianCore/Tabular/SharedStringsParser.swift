import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `sharedStrings.xml`: one string per `<si>`, the runs of rich text joined, the phonetic
/// guide (`<rPh>`, furigana) left out.
final class SharedStringsParser: NSObject, XMLParserDelegate {
    private(set) var strings: [String] = []
    private var current = ""
    private var capturing = false
    private var inPhonetic = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XMLPart.localName(elementName) {
        case "si": current = ""
        case "rPh": inPhonetic = true
        case "t": capturing = !inPhonetic
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch XMLPart.localName(elementName) {
        case "si": strings.append(OOXMLText.unescape(current))
        case "rPh": inPhonetic = false
        case "t": capturing = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { current += string }
    }
}
