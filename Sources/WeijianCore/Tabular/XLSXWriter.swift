import Foundation
import ZIPFoundation

/// Writes an Excel workbook (.xlsx) for exports and import templates.
///
/// Every cell is an inline string in a Text-formatted (`@`) style, so credit codes, ID numbers and
/// phone numbers with leading zeros stay exactly as written and are not turned into numbers, dates
/// or scientific notation, even after a user edits them. An inline string is never a formula, so
/// cells are written as they are (no apostrophe before "=1+1", issue 11); CSV exports are escaped.
/// The header row is bold and frozen.
public enum XLSXWriter {
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    /// Style indexes into `styles.xml`'s cellXfs.
    static let textStyle = 1
    static let headerStyle = 2

    /// The workbook's bytes.
    /// - Parameters:
    ///   - header: The first row, shown bold and kept in view while scrolling.
    ///   - rows: The data rows; they need not all be as long as the header.
    ///   - sheetName: The tab's name, made acceptable to Excel by `sanitisedSheetName(_:)`.
    public static func write(header: [String], rows: [[String]], sheetName: String) throws -> Data {
        try write(sheets: [(sheetName, header, rows)])
    }

    /// A workbook of several sheets, in order (the first is the one that opens).
    public static func write(sheets: [(name: String, header: [String], rows: [[String]])]) throws -> Data {
        try package([
            ("[Content_Types].xml", contentTypes(count: sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbook(sheetNames: sheets.map { sanitisedSheetName($0.name) })),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(count: sheets.count)),
            ("xl/styles.xml", styles),
        ] + sheets.enumerated().map { ("xl/worksheets/sheet\($0.offset + 1).xml", worksheet(header: $0.element.header, rows: $0.element.rows)) })
    }

    /// A zip package of the given parts, deflated, built in memory.
    static func package(_ parts: [(path: String, xml: String)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for part in parts {
            let bytes = Data(part.xml.utf8)
            try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(bytes.count),
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }

    /// A name Excel accepts for a sheet tab: without `[ ] : * ? / \`, without a leading or
    /// trailing apostrophe, at most 31 UTF-16 units, and "Sheet1" when nothing is left.
    public static func sanitisedSheetName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var cleaned = name.filter { !forbidden.contains($0) && !$0.isNewline }
            .trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "'")))
        while cleaned.utf16.count > 31 { cleaned.removeLast() }
        cleaned = cleaned.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "'")))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    static func worksheet(header: [String], rows: [[String]]) -> String {
        var xml = declaration
        xml += #"<worksheet xmlns="\#(mainNamespace)"><sheetViews><sheetView workbookViewId="0">"#
        xml += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        xml += "</sheetView></sheetViews><sheetData>"
        for (index, row) in ([header] + rows).enumerated() {
            let rowNumber = index + 1
            let style = index == 0 ? headerStyle : textStyle
            xml += #"<row r="\#(rowNumber)">"#
            for (column, cell) in row.enumerated() where !cell.isEmpty {
                let reference = CellReference.columnName(column) + String(rowNumber)
                let text = OOXMLText.escapeCellText(cell)
                xml += #"<c r="\#(reference)" s="\#(style)" t="inlineStr"><is><t xml:space="preserve">\#(text)</t></is></c>"#
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    static func workbook(sheetNames: [String]) -> String {
        declaration + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><sheets>"#
            + sheetNames.enumerated().map { #"<sheet name="\#(OOXMLText.escapeAttribute($0.element))" sheetId="\#($0.offset + 1)" r:id="rId\#($0.offset + 1)"/>"# }.joined()
            + "</sheets></workbook>"
    }

    static func contentTypes(count: Int) -> String {
        declaration
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + (1...count).map { #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# }.joined()
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + "</Types>"
    }

    static let rootRelationships = declaration
        + #"<Relationships xmlns="\#(packageRelationshipNamespace)">"#
        + #"<Relationship Id="rId1" Type="\#(relationshipNamespace)/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    static func workbookRelationships(count: Int) -> String {
        declaration
            + #"<Relationships xmlns="\#(packageRelationshipNamespace)">"#
            + (1...count).map { #"<Relationship Id="rId\#($0)" Type="\#(relationshipNamespace)/worksheet" Target="worksheets/sheet\#($0).xml"/>"# }.joined()
            + #"<Relationship Id="rId\#(count + 1)" Type="\#(relationshipNamespace)/styles" Target="styles.xml"/>"#
            + "</Relationships>"
    }

    /// Style 0 is the default, 1 is Text (number format 49, "@"), 2 is bold Text for the header.
    static let styles = declaration
        + #"<styleSheet xmlns="\#(mainNamespace)">"#
        + #"<fonts count="2"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="11"/><name val="宋体"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"
}
