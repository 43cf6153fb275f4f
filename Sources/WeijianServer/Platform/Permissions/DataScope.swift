import Foundation
import SQLKit
import WeijianCore

/// The records a user may see, by department, supervision category and area.
///
/// A dimension is either unrestricted (`nil`) or a set of allowed values. With no department grant,
/// a staff member sees their own department only. Every list query applies it through
/// `apply(to:department:category:area:)`, the one place where scope becomes SQL.
public struct DataScope: Sendable, Equatable {
    public var departments: Set<String>?
    public var categories: Set<String>?
    public var areas: Set<String>?

    public static let unrestricted = DataScope(departments: nil, categories: nil, areas: nil)
    public static let nothing = DataScope(departments: [], categories: [], areas: [])

    public init(departments: Set<String>?, categories: Set<String>?, areas: Set<String>?) {
        self.departments = departments
        self.categories = categories
        self.areas = areas
    }

    /// Builds the scope from grants. Leaders see everything unless restricted.
    static func from(grants: [DataScopeGrant], ownDepartment: UUID?, isLeader: Bool) -> DataScope {
        func values(_ dimension: DataScopeGrant.Dimension, default fallback: Set<String>?) -> Set<String>? {
            let list = grants.filter { $0.dimension == dimension }.map(\.value)
            if list.contains("*") { return nil }
            return list.isEmpty ? fallback : Set(list)
        }
        let ownDepartments: Set<String>? = isLeader ? nil : ownDepartment.map { [$0.uuidString] } ?? []
        return DataScope(departments: values(.department, default: ownDepartments),
                         categories: values(.category, default: nil),
                         areas: values(.area, default: nil))
    }

    public func allowsDepartment(_ id: UUID?) -> Bool {
        guard let departments else { return true }
        guard let id else { return false }
        return departments.contains(id.uuidString)
    }

    public func allowsCategory(_ topCategory: String) -> Bool { categories?.contains(topCategory) ?? true }

    /// The area rule of `apply` for one record: a division grant covers the codes under it; a 片区
    /// grant covers records of that 片区.
    public func allowsArea(division: String, zone: String?) -> Bool {
        guard let areas else { return true }
        return areas.contains { DataScope.isDivision($0) ? division.hasPrefix(DivisionCode.significantPrefix($0)) : zone == $0 }
    }

    /// Adds the scope's conditions on units to a query over `entities` under `alias`: responsible
    /// department, top-level category, and area (division code or the institute's 片区).
    public func applyToUnits<Builder: SQLPredicateBuilder>(_ builder: Builder, alias: String = "e") -> Builder {
        apply(to: builder, department: "\(alias).department_id", category: "\(alias).top_category", area: "\(alias).division_code", zone: "\(alias).area")
    }

    /// Whether an area value is a division code (6 digits) rather than a 片区 name.
    public static func isDivision(_ value: String) -> Bool { value.count == 6 && value.allSatisfy { $0.isASCII && $0.isNumber } }

    /// Adds the scope's conditions to a query. Pass the columns the table has; a dimension whose
    /// column is nil is not filtered (the table does not carry it). An area grant is a division
    /// code (matched on `area`, hierarchically) or a 片区 (matched exactly on `zone`).
    public func apply<Builder: SQLPredicateBuilder>(to builder: Builder, department: String? = nil,
                                                   category: String? = nil, area: String? = nil, zone: String? = nil) -> Builder {
        var builder = builder
        if let department, let departments {
            // Department ids are UUID columns: bind UUID values so both engines compare like with like.
            let ids = departments.compactMap(UUID.init(uuidString:)).sorted { $0.uuidString < $1.uuidString }
            builder = ids.isEmpty ? builder.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
                : builder.where(SQLColumn.path(department), .in, SQLBind.group(ids))
        }
        if let category, let categories {
            builder = categories.isEmpty ? builder.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
                : builder.where(SQLColumn.path(category), .in, SQLBind.group(categories.sorted()))
        }
        if let area, let areas {
            // Areas are hierarchical codes: a grant for 350100 covers 350102.
            let divisions = areas.filter(DataScope.isDivision).sorted()
            let zones = zone == nil ? [] : areas.filter { !DataScope.isDivision($0) }.sorted()
            builder = divisions.isEmpty && zones.isEmpty ? builder.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
                : builder.where { group in
                    var group = group
                    for code in divisions { group = group.orWhere(SQLColumn.path(area), .like, SQLBind(DivisionCode.significantPrefix(code) + "%")) }
                    if let zone, !zones.isEmpty { group = group.orWhere(SQLColumn.path(zone), .in, SQLBind.group(zones)) }
                    return group
                }
        }
        return builder
    }
}

extension SQLColumn {
    /// `"u.department_id"` → the column `department_id` of table alias `u`.
    static func path(_ path: String) -> SQLColumn {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        return parts.count == 2 ? SQLColumn(parts[1], table: parts[0]) : SQLColumn(path)
    }
}
