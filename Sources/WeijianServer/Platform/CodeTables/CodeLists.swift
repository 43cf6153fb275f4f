import Fluent
import Foundation
import Vapor
import WeijianCore

/// The code tables as forms offer them (issue 11: 经济类型, 行业 and 行政区划 were free text). Without
/// JavaScript, a `<datalist>` is the browser's own search-as-you-type: typing 鼓楼 or 3501 narrows the
/// 行政区划 list, 住宿 or 61 the 行业 list. 经济类型 is short enough for a `<select>`.
/// The templates read them through `shared/code-lists` (datalists `division-codes`, `industry-codes`).
struct CodeLists: Encodable, Sendable {
    struct Option: Encodable, Sendable {
        let value: String
        let label: String
        var selected: Bool = false
    }

    /// Divisions inside the institute's jurisdiction (系统设置), each labelled with its full path.
    let divisions: [Option]
    let industries: [Option]
    /// With the unit's current value selected; a stored value the table no longer has stays offered.
    let economicTypes: [Option]

    static func load(_ req: Request, economicType: String? = nil) async throws -> CodeLists {
        let jurisdiction = try await SiteSettings.load(on: req.db).jurisdiction
        return make(req.codeTables, jurisdiction: jurisdiction, economicType: economicType)
    }

    static func make(_ tables: CodeTables, jurisdiction: String?, economicType: String?) -> CodeLists {
        let prefix = jurisdiction.map(DivisionCode.significantPrefix) ?? ""
        let divisions = tables.divisions.entries.filter { prefix.isEmpty || $0.code.hasPrefix(prefix) }
            .map { Option(value: $0.code, label: tables.divisions.path($0.code)) }
        let industries = tables.industries.entries.map { entry in
            let parent = tables.industries.name(entry.parent).map { "\($0) › " } ?? ""
            return Option(value: entry.code, label: "\(parent)\(entry.name)")
        }
        let current = economicType?.trimmingCharacters(in: .whitespaces) ?? ""
        var economic = tables.economicTypes.entries.map { Option(value: $0.code, label: "\($0.code) \($0.name)", selected: $0.code == current) }
        if !current.isEmpty && !tables.economicTypes.contains(current) {
            economic.insert(Option(value: current, label: "\(current)（代码表中没有，请改选）", selected: true), at: 0)
        }
        return CodeLists(divisions: divisions, industries: industries, economicTypes: economic)
    }
}
