import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Runs an event parser over one XML part of an XLSX package.
enum XMLPart {
    /// Parses `data` with `delegate`; a malformed part is a `file.xlsx` validation error naming it.
    static func parse(_ data: Data, part: String, with delegate: XMLParserDelegate) throws {
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        // On Linux parse() can return true after a fatal error (an unclosed element at the end),
        // so the recorded error decides too.
        guard parser.parse(), parser.parserError == nil else {
            throw XLSXReader.invalid("文件内容已损坏，无法读取（\(part)）")
        }
    }

    /// The element name without its namespace prefix ("x:row" → "row"): some generators write
    /// SpreadsheetML with a prefix.
    static func localName(_ qualifiedName: String) -> Substring {
        qualifiedName.split(separator: ":").last ?? Substring(qualifiedName)
    }
}
