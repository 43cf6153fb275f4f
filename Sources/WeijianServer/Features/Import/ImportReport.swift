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

        /// The rule in words for the page (the code stays in the CSV report for scripts).
        var ruleName: String { ImportReport.ruleName(rule) }

        enum CodingKeys: String, CodingKey { case row, column, rule, message, ruleName }

        init(row: Int, column: String, rule: String, message: String) {
            self.row = row
            self.column = column
            self.rule = rule
            self.message = message
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            (row, column, rule, message) = (try c.decode(Int.self, forKey: .row), try c.decode(String.self, forKey: .column),
                                            try c.decode(String.self, forKey: .rule), try c.decode(String.self, forKey: .message))
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row, forKey: .row)
            try c.encode(column, forKey: .column)
            try c.encode(rule, forKey: .rule)
            try c.encode(message, forKey: .message)
            try c.encode(ruleName, forKey: .ruleName)
        }
    }

    /// Rules by the start of their code: the words staff read.
    static let ruleNames: [(prefix: String, name: String)] = [
        ("required", "必填"), ("length", "长度"), ("creditCode.taken", "信用代码已登记"), ("creditCode.duplicateInFile", "文件内重复"),
        ("creditCode", "统一社会信用代码校验"), ("residentID", "身份证号校验"), ("phone", "电话号码格式"), ("date", "日期"),
        ("integer", "整数"), ("decimal", "数字"), ("range", "取值范围"), ("coordinate", "经纬度范围"), ("count", "人数关系"),
        ("choice", "可选值"), ("status", "可选值"), ("division", "行政区划代码"), ("code.unknown", "代码表"), ("category", "专业类别"),
        ("department", "科室"), ("inspector", "监督员"), ("scope", "数据范围"), ("entity.unknown", "单位须已登记"),
        ("licence.taken", "许可证号已登记"), ("licence.duplicateInFile", "文件内重复"), ("licence.otherUnit", "许可证号属于其他单位"), ("licence", "许可证"),
        ("column", "表头"), ("file", "文件"), ("csv", "文件格式"), ("duplicate.likely", "疑似重复（提示）"), ("extension", "专业信息"),
    ]

    static func ruleName(_ code: String) -> String {
        ruleNames.first { code == $0.prefix || code.hasPrefix($0.prefix + ".") || code.hasPrefix($0.prefix) }?.name ?? "输入规则"
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
    /// Findings that do not stop the import: rows that may duplicate a registered unit.
    var warnings: [Issue] = []
    var dryRun: Bool
    var committed = false
    var batchID: String?

    var isValid: Bool { issues.isEmpty }

    var summary: String {
        if !issues.isEmpty { return "共\(rows)行，发现\(issues.count)处问题，未导入任何数据。请修改后重新导入。" }
        if committed { return "已导入\(rows)行：新增\(created)户，更新\(updated)户。" }
        let note = warnings.isEmpty ? "" : "其中\(Set(warnings.map(\.row)).count)行可能与已登记的单位重复，请核对提示。"
        return "试导入通过：共\(rows)行，将新增\(created)户、更新\(updated)户。\(note)尚未保存。"
    }

    /// The report as a CSV file (UTF-8 with BOM) the user can download and work through.
    var csv: Data {
        CSVTable.write([["行号", "列", "规则", "规则代码", "问题"]]
                       + (issues + warnings).map { [String($0.row), $0.column, $0.ruleName, $0.rule, $0.message] })
    }

    static func sha256(_ data: Data) -> String { Hex.encode(SHA256.hash(data: data)) }
}

/// Column headers of an import template: the header text (also the field name validation uses),
/// whether it is required, and an example.
struct ImportColumn: Sendable {
    let header: String
    let required: Bool
    let example: String
    /// The rule, in words, for the template's notes sheet.
    var note: String = ""
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
    /// The header row of a template (required columns marked *); nothing else, so no sample row
    /// can be imported as a real record.
    static func template(_ columns: [ImportColumn], extra: [String] = []) -> [String] {
        columns.map { $0.header + ($0.required ? "*" : "") } + extra
    }

    /// The template's second sheet: each column, whether it is required, its rule and an example.
    static func notes(_ columns: [ImportColumn], extra: [String] = [], extraNote: String = "") -> [[String]] {
        columns.map { [$0.header, $0.required ? "必填" : "", $0.note, $0.example] } + extra.map { [$0, "", extraNote, ""] }
    }
}
