import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the cells of a worksheet part as text, each placed by its reference ("C12").
final class WorksheetParser: NSObject, XMLParserDelegate {
    /// A non-empty cell, zero-based.
    struct Cell {
        let row: Int
        let column: Int
        let text: String
    }

    private let sharedStrings: [String]
    private(set) var cells: [Cell] = []
    /// Set when a cell points past the shared strings; parsing stops there.
    private(set) var badSharedStringIndex: String?

    private var row = -1
    private var column = -1
    private var type: String?
    private var text = ""
    private var capturing = false
    private var inInlineString = false
    private var inPhonetic = false

    init(sharedStrings: [String]) {
        self.sharedStrings = sharedStrings
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XMLPart.localName(elementName) {
        case "row":
            // Rows and cells may omit their reference; they then follow the previous one.
            row = attributes["r"].flatMap { Int($0) }.map { $0 - 1 } ?? row + 1
            column = -1
        case "c":
            if let reference = attributes["r"].flatMap(CellReference.parse) {
                column = reference.column
                if let referencedRow = reference.row { row = referencedRow }
            } else {
                column += 1
            }
            type = attributes["t"]
            text = ""
        case "v": capturing = true
        case "is": inInlineString = true
        case "rPh": inPhonetic = true
        case "t": capturing = inInlineString && !inPhonetic
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch XMLPart.localName(elementName) {
        case "v", "t": capturing = false
        case "is": inInlineString = false
        case "rPh": inPhonetic = false
        case "c":
            guard let value = cellText() else {
                badSharedStringIndex = text
                parser.abortParsing()
                return
            }
            if !value.isEmpty { cells.append(Cell(row: row, column: column, text: value)) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { text += string }
    }

    /// The cell's value as text by its type; nil for a shared-string index that does not exist.
    private func cellText() -> String? {
        switch type {
        case "s":
            guard let index = Int(text.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(index) else {
                return text.isEmpty ? "" : nil
            }
            return sharedStrings[index]
        case "inlineStr", "str":
            return OOXMLText.unescape(text)
        case "b":
            return text.isEmpty ? "" : text == "1" ? "TRUE" : "FALSE"
        case "e", "d":
            return text
        default:
            return Double(text).map(\.plainText) ?? text
        }
    }
}
