import Foundation

/// The one entry point for uploaded tables: tells an Excel workbook from a CSV file and reads
/// either into rows of text.
public enum TableFile {
    /// Every .xlsx is a zip package and starts with a local file header.
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// Excel 97–2003 workbooks (.xls) are OLE compound files.
    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// The rows of an uploaded file and a short name of what it was: "XLSX", or "CSV" with the
    /// encoding found ("CSV UTF-8 BOM", "CSV GB18030").
    ///
    /// The contents decide before the name does, so a workbook renamed to .csv is still read as a
    /// workbook; a file named .xlsx that is not one is reported as a broken workbook.
    /// - Throws: `ValidationError` (`file.xlsx`, `file.xls`, `file.encoding`, `csv.quote`).
    public static func read(data: Data, filename: String) throws -> (rows: [[String]], format: String) {
        let extensionName = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if data.starts(with: zipMagic) || extensionName == "xlsx" {
            return (try XLSXReader.read(data), "XLSX")
        }
        if data.starts(with: oleMagic) || extensionName == "xls" {
            throw ValidationError(field: "文件", code: "file.xls",
                                  message: "不支持旧版 Excel 97–2003 格式（.xls），请另存为 .xlsx 或 CSV 后重试")
        }
        let decoded = try TextDecoding.decode(data)
        return (try CSVTable.parse(decoded.text), "CSV \(decoded.encoding.rawValue)")
    }
}
