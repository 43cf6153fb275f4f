import Foundation
import Vapor
import WeijianCore

/// A national code table (GB/T 2260 divisions, GB/T 12402 economic types, GB/T 4754 industries,
/// WS 218 institution categories), read once from `Resources/CodeTables/*.csv`.
public struct CodeTable: Sendable {
    public struct Entry: Sendable, Encodable {
        public let code: String
        public let name: String
        public let parent: String
    }

    public let title: String
    public let entries: [Entry]
    private let byCode: [String: Entry]

    public init(title: String, entries: [Entry]) {
        self.title = title
        self.entries = entries
        self.byCode = Dictionary(entries.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func name(_ code: String) -> String? { byCode[code]?.name }
    public func contains(_ code: String) -> Bool { byCode[code] != nil }
    public var isEmpty: Bool { entries.isEmpty }

    /// `350102` → `福建省福州市鼓楼区`: the names from the top of the tree down.
    public func path(_ code: String) -> String {
        var names: [String] = []
        var current = byCode[code]
        var guardCount = 0
        while let entry = current, guardCount < 6 {
            if entry.name != "市辖区" && entry.name != "县" { names.insert(entry.name, at: 0) }
            current = entry.parent.isEmpty ? nil : byCode[entry.parent]
            guardCount += 1
        }
        return names.joined()
    }

    /// Reads `code,name,parent_code[,…]` with a header row. A missing file gives an empty table.
    static func load(_ path: String, title: String) throws -> CodeTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return CodeTable(title: title, entries: []) }
        let entries: [Entry] = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 2, !parts[0].isEmpty else { return nil }
            return Entry(code: parts[0], name: parts[1], parent: parts.count > 2 ? parts[2] : "")
        }
        return CodeTable(title: title, entries: entries)
    }
}

/// The code tables the registry validates against.
public struct CodeTables: Sendable {
    public let divisions: CodeTable
    public let economicTypes: CodeTable
    public let industries: CodeTable
    public let institutionCategories: CodeTable
    /// The divisions' names in long and short form, for duplicate matching.
    public let divisionIndex: DivisionIndex

    init(divisions: CodeTable, economicTypes: CodeTable, industries: CodeTable, institutionCategories: CodeTable) {
        self.divisions = divisions
        self.economicTypes = economicTypes
        self.industries = industries
        self.institutionCategories = institutionCategories
        divisionIndex = DivisionIndex(entries: divisions.entries.map { ($0.code, $0.name, $0.parent) })
    }

    /// The duplicate matcher the weekly run and the check at entry share.
    public var duplicateMatcher: DuplicateMatcher { DuplicateMatcher(divisions: divisionIndex) }

    static let empty = CodeTables(divisions: .init(title: "", entries: []), economicTypes: .init(title: "", entries: []),
                                  industries: .init(title: "", entries: []), institutionCategories: .init(title: "", entries: []))

    static func load(root: String) throws -> CodeTables {
        let folder = (root as NSString).appendingPathComponent("Resources/CodeTables")
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        return CodeTables(divisions: try .load(file("divisions.csv"), title: "行政区划代码（GB/T 2260）"),
                          economicTypes: try .load(file("economic-types.csv"), title: "经济类型（GB/T 12402）"),
                          industries: try .load(file("industries.csv"), title: "国民经济行业分类（GB/T 4754）"),
                          institutionCategories: try .load(file("health-institution-categories.csv"), title: "卫生机构类别（WS 218）"))
    }

    /// Checks a division code's format (Core) and that it exists in the table.
    public func division(_ raw: String, field: String = "行政区划代码") throws -> DivisionCode {
        let code = try DivisionCode(raw, field: field)
        if !divisions.isEmpty && !divisions.contains(code.value) {
            throw ValidationError(field: field, code: "division.unknown", message: "“\(code.value)”不在行政区划代码表（GB/T 2260）中")
        }
        return code
    }

    /// Checks an optional code against a table; empty is allowed.
    public func check(_ raw: String?, in table: CodeTable, field: String) throws -> String? {
        guard let value = raw?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if !table.isEmpty && !table.contains(value) {
            throw ValidationError(field: field, code: "code.unknown", message: "“\(value)”不在\(table.title)代码表中")
        }
        return value
    }
}

extension Application {
    struct CodeTablesKey: StorageKey { typealias Value = CodeTables }
    public var codeTables: CodeTables {
        get { storage[CodeTablesKey.self] ?? .empty }
        set { storage[CodeTablesKey.self] = newValue }
    }
}

extension Request {
    public var codeTables: CodeTables { application.codeTables }
}
