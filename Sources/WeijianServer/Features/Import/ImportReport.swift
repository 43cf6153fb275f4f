import Crypto
import Foundation
import Vapor
import WeijianCore

/// The outcome of checking (and perhaps storing) an import file: every bad cell with its row,
/// column and rule. Nothing is stored unless the report has no issues.
struct ImportReport: Content, Sendable {
    struct Issue: Content, Sendable, Equatable {
        let row: Int
        let column: String
        let rule: String
        let message: String
    }

    enum Kind: String, Codable, Sendable {
        case units, licences
        var chinese: String { self == .units ? "被监督单位" : "卫生许可证" }
    }

    let kind: Kind
    let filename: String
    let format: String
    let sha256: String
    let rows: Int
    var created = 0
    var updated = 0
    var issues: [Issue] = []
    var dryRun: Bool
    var committed = false
    var batchID: String?

    var isValid: Bool { issues.isEmpty }

    var summary: String {
        if !issues.isEmpty { return "共\(rows)行，发现\(issues.count)处问题，未导入任何数据。请修改后重新导入。" }
        if committed { return "已导入\(rows)行：新增\(created)户，更新\(updated)户。" }
        return "试导入通过：共\(rows)行，将新增\(created)户、更新\(updated)户。尚未保存。"
    }

    /// The report as a CSV file (UTF-8 with BOM) the user can download and work through.
    var csv: Data {
        CSVTable.write([["行号", "列", "规则", "问题"]] + issues.map { [String($0.row), $0.column, $0.rule, $0.message] })
    }

    static func sha256(_ data: Data) -> String { Hex.encode(SHA256.hash(data: data)) }
}

/// Column headers of an import template: the header text (also the field name validation uses),
/// whether it is required, and an example.
struct ImportColumn: Sendable {
    let header: String
    let required: Bool
    let example: String
}

enum ImportHeaders {
    /// Reads an uploaded file into data rows numbered as the user sees them (the header is row 1;
    /// blank rows are skipped), with a report that already names the problem when the file cannot be read.
    static func read(_ data: Data, filename: String, kind: ImportReport.Kind, dryRun: Bool) -> (header: [String], rows: [(number: Int, cells: [String])], report: ImportReport) {
        do {
            let table = try TableFile.read(data: data, filename: filename)
            let rows = table.rows.enumerated().dropFirst().filter { !$0.element.allSatisfy { $0.trimmed.isEmpty } }.map { (number: $0.offset + 1, cells: $0.element) }
            var report = ImportReport(kind: kind, filename: filename, format: table.format, sha256: ImportReport.sha256(data), rows: rows.count, dryRun: dryRun)
            if table.rows.isEmpty { report.issues = [.init(row: 1, column: "", rule: "file.empty", message: "文件没有表头行")] }
            return (table.rows.first ?? [], rows, report)
        } catch {
            var report = ImportReport(kind: kind, filename: filename, format: "", sha256: ImportReport.sha256(data), rows: 0, dryRun: dryRun)
            let reason = error as? ValidationError ?? ValidationError(field: "文件", code: "file.unreadable", message: "无法读取文件")
            report.issues = [.init(row: 0, column: reason.field, rule: reason.code, message: reason.message)]
            return ([], [], report)
        }
    }

    /// Maps the file's header row to known columns; unknown or missing required columns are issues.
    static func map(_ header: [String], columns: [ImportColumn], extra: Set<String> = []) -> (index: [String: Int], issues: [ImportReport.Issue]) {
        var index: [String: Int] = [:]
        var issues: [ImportReport.Issue] = []
        let known = Set(columns.map(\.header)).union(extra)
        for (position, raw) in header.enumerated() {
            let name = raw.trimmed.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "\u{FEFF}", with: "")
            if name.isEmpty { continue }
            if known.contains(name) { index[name] = position } else {
                issues.append(.init(row: 1, column: name, rule: "column.unknown", message: "无法识别的列“\(name)”，请使用模板中的列名"))
            }
        }
        for column in columns where column.required && index[column.header] == nil {
            issues.append(.init(row: 1, column: column.header, rule: "column.missing", message: "缺少必填列“\(column.header)”"))
        }
        return (index, issues)
    }

    /// A template: the header row (required columns marked *) and one example row.
    static func template(_ columns: [ImportColumn], extra: [String] = []) -> [[String]] {
        [columns.map { $0.header + ($0.required ? "*" : "") } + extra, columns.map(\.example) + extra.map { _ in "" }]
    }
}
