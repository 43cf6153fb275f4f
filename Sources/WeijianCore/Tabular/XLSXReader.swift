import Foundation
import ZIPFoundation

/// Reads the first worksheet of an Excel workbook (.xlsx) into rows of text for imports.
///
/// Shared strings, inline strings, numbers, booleans and formula results are read; cells are placed
/// by their references, so skipped cells and rows come back empty, and every row is as wide as the
/// widest. Whole numbers read without ".0" and other numbers to 15 significant digits, as Excel
/// shows them; number formats are not applied, so a date cell reads as its serial number.
public enum XLSXReader {
    /// Larger parts are refused rather than inflated: a zip bomb must not exhaust the server.
    static let maximumPartSize: UInt64 = 256 * 1024 * 1024
    /// The most cells (rows × columns) a sheet may span.
    static let maximumCells = 10_000_000

    static let officeDocumentType = "/officeDocument"
    static let sharedStringsType = "/sharedStrings"

    /// The rows of the workbook's first sheet.
    /// - Throws: `ValidationError` with code `file.xlsx` when the data is not a readable workbook.
    public static func read(_ data: Data) throws -> [[String]] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw invalid("文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后重试")
        }
        let workbookPath = try relationships(of: "", in: archive)
            .first { $0.type.hasSuffix(officeDocumentType) }?.target ?? "xl/workbook.xml"
        guard let workbook = try contents(of: workbookPath, in: archive) else {
            throw invalid("文件中缺少工作簿内容（\(workbookPath)）")
        }
        let sheets = XMLAttributeCollector(elementName: "sheet")
        try XMLPart.parse(workbook, part: workbookPath, with: sheets)
        guard let firstSheet = sheets.elements.first else { throw invalid("工作簿中没有工作表") }

        let workbookRelationships = try relationships(of: workbookPath, in: archive)
        // The relationship id attribute is "r:id" with whatever prefix the workbook declared.
        let sheetID = firstSheet.first { XMLPart.localName($0.key) == "id" && $0.key.contains(":") }?.value
        guard let sheetPath = workbookRelationships.first(where: { $0.id == sheetID })?.target,
              let sheet = try contents(of: sheetPath, in: archive) else {
            throw invalid("文件中找不到第一个工作表")
        }

        var sharedStrings: [String] = []
        if let path = workbookRelationships.first(where: { $0.type.hasSuffix(sharedStringsType) })?.target,
           let part = try contents(of: path, in: archive) {
            let parser = SharedStringsParser()
            try XMLPart.parse(part, part: path, with: parser)
            sharedStrings = parser.strings
        }

        let worksheet = WorksheetParser(sharedStrings: sharedStrings)
        do {
            try XMLPart.parse(sheet, part: sheetPath, with: worksheet)
        } catch {
            guard let index = worksheet.badSharedStringIndex else { throw error }
            throw invalid("工作表引用了不存在的共享字符串（\(index)），文件已损坏")
        }
        return try table(from: worksheet.cells)
    }

    static func table(from cells: [WorksheetParser.Cell]) throws -> [[String]] {
        guard let lastRow = cells.map(\.row).max(), let lastColumn = cells.map(\.column).max() else { return [] }
        guard cells.allSatisfy({ $0.row >= 0 && $0.column >= 0 }) else { throw invalid("工作表中有无效的单元格位置") }
        let width = lastColumn + 1
        guard (lastRow + 1).multipliedReportingOverflow(by: width).partialValue <= maximumCells else {
            throw invalid("工作表过大（\(lastRow + 1)行×\(width)列），请拆分后再导入")
        }
        var rows = Array(repeating: Array(repeating: "", count: width), count: lastRow + 1)
        for cell in cells { rows[cell.row][cell.column] = cell.text }
        return rows
    }

    /// The relationships (`_rels/*.rels`) of a package part ("" for the package itself), their
    /// targets resolved to paths in the package.
    static func relationships(of part: String, in archive: Archive) throws -> [(id: String, type: String, target: String)] {
        let folder = directory(of: part)
        let name = part.split(separator: "/").last.map(String.init) ?? ""
        let path = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard let data = try contents(of: path, in: archive) else { return [] }
        let collector = XMLAttributeCollector(elementName: "Relationship")
        try XMLPart.parse(data, part: path, with: collector)
        return collector.elements.compactMap { attributes in
            guard let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"] else { return nil }
            return (id, type, resolve(target, from: folder))
        }
    }

    /// The uncompressed bytes of a part, nil when the package has no such part.
    static func contents(of path: String, in archive: Archive) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        guard entry.uncompressedSize <= maximumPartSize else {
            throw invalid("文件解压后过大，请拆分后再导入")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry) { data.append($0) }
        } catch {
            throw invalid("文件内容已损坏，无法解压（\(path)）")
        }
        return data
    }

    /// A relationship target resolved against the folder of the part that names it.
    static func resolve(_ target: String, from folder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = folder.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            switch part {
            case "..": _ = parts.popLast()
            case ".": continue
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func invalid(_ message: String) -> ValidationError {
        ValidationError(field: "文件", code: "file.xlsx", message: message)
    }
}
