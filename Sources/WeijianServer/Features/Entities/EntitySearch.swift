import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The one search box and the filters of the unit list (issue 3 §8), always within the reader's
/// data scope, sorted by pinyin. The same SQL runs on SQLite and PostgreSQL.
enum EntitySearch {
    struct Filters: Content, Sendable {
        var q: String?
        var category: String?
        var division: String?
        var area: String?
        var department: String?
        var status: String?
        var grade: String?
        var source: String?
        var inspector: String?
        var page: Int?

        /// A filter other than the search box is set.
        var narrows: Bool {
            [category, division, area, department, status, grade, source, inspector].contains { $0?.trimmed.isEmpty == false }
        }

        /// Each filter by its parameter name (the page aside), in the form's order.
        var fields: [(name: String, value: String?)] {
            [("q", q), ("category", category), ("division", division), ("area", area), ("department", department), ("status", status),
             ("grade", grade), ("source", source), ("inspector", inspector)]
        }
    }

    struct Row: Content {
        let id: String
        let unitCode: String
        let name: String
        let shortName: String
        let creditCode: String
        let category: String
        let categoryCode: String
        let division: String
        let address: String
        let legalRepName: String
        let status: String
        let grade: String
        let area: String
        let department: String
        let source: String
        let updatedAt: String
    }

    struct Result: Content {
        let rows: [Row]
        let total: Int
        /// The search matched more units than `total` says (a broad search); narrow it with filters.
        let more: Bool
        let page: Int
        let pages: Int
    }

    static let pageSize = 50

    /// How the search box narrows the list: not at all; to nothing (no searchable character); on
    /// SQLite through the rank-ordered index (`EntitySearchIndex`), read in pinyin order and
    /// stopped at the page's end; on PostgreSQL to the ids the GIN index matches.
    enum Search {
        case none
        case nothing
        case ranked(match: String)
        case matches(String)
    }

    /// Lists are counted up to this many; beyond it the count shows as "more than".
    static let matchCap = 20_000
    /// A search is counted up to this many matches (counting reads each one).
    static let searchCountCap = 1_000

    static func search(_ filters: Filters, on db: any Database) -> Search {
        guard let q = filters.q?.trimmed.nilIfEmpty else { return .none }
        let tokens = SearchTokenizer.queryTokens(q)
        guard !tokens.isEmpty else { return .nothing }
        return db.engine == .sqlite ? .ranked(match: tokens.map { "\"\($0)\"" }.joined(separator: " AND ")) : .matches(q)
    }

    static func base(_ filters: Filters, scope: DataScope, search: Search, on db: any Database) -> SQLSelectBuilder {
        var query = db.sql.select()
        if case .ranked(let match) = search {
            // The full-text index drives the join (CROSS JOIN keeps that order) and yields its
            // matches by rank, that is in pinyin order.
            query = query.from(SQLRaw("entity_fts f CROSS JOIN entities e ON e.search_rank = f.rowid")).where(SQLQueryString("entity_fts MATCH \(bind: match)"))
        } else {
            query = query.from(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")))
        }
        query = scope.applyToUnits(query)
        func value(_ text: String?) -> String? { text?.trimmed.nilIfEmpty }
        if let status = value(filters.status) {
            query = query.where(SQLColumn("status", table: "e"), .equal, SQLBind(status))
        } else {
            query = query.where(SQLColumn("status", table: "e"), .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
        }
        if let category = value(filters.category) {
            query = query.where(SQLColumn("category_code", table: "e"), .like, SQLBind(category.escapedForLike + "%"))
        }
        if let division = value(filters.division) {
            query = query.where(SQLColumn("division_code", table: "e"), .like, SQLBind(DivisionCode.significantPrefix(division).escapedForLike + "%"))
        }
        if let area = value(filters.area) { query = query.where(SQLColumn("area", table: "e"), .equal, SQLBind(area)) }
        if let department = value(filters.department).flatMap(UUID.init(uuidString:)) {
            query = query.where(SQLColumn("department_id", table: "e"), .equal, SQLBind(department))
        }
        if let grade = value(filters.grade) { query = query.where(SQLColumn("grade", table: "e"), .equal, SQLBind(grade)) }
        if let source = value(filters.source) { query = query.where(SQLColumn("source", table: "e"), .equal, SQLBind(source)) }
        if let inspector = value(filters.inspector).flatMap(UUID.init(uuidString:)) {
            query = query.where(SQLQueryString("e.id IN (SELECT entity_id FROM entity_inspectors WHERE user_id = \(bind: inspector))"))
        }
        switch search {
        case .none, .ranked:
            break
        case .nothing:
            query = query.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
        case .matches(let text):
            if let match = SearchIndex.matching(type: "entity", query: text, column: "e.id", on: db) { query = query.where(match) }
        }
        return query
    }

    static func list(_ filters: Filters, scope: DataScope, limit: Int = pageSize, cap: Int = matchCap, on db: any Database) async throws -> Result {
        let search = search(filters, on: db)
        var countCap = cap
        if case .ranked = search { countCap = min(cap, searchCountCap) }
        var counting = base(filters, scope: scope, search: search, on: db).column(SQLLiteral.numeric("1"), as: "one").limit(countCap + 1)
        if case .ranked(let match) = search, scope.departments == nil, scope.categories == nil, scope.areas == nil, !filters.narrows {
            // Nothing to check on the unit's row (merged units are not in the index): count in the
            // index alone instead of reading each match's row (26 ms → 1 ms for 1,000 matches).
            counting = db.sql.select().column(SQLLiteral.numeric("1"), as: "one").from("entity_fts")
                .where(SQLQueryString("entity_fts MATCH \(bind: match)")).limit(countCap + 1)
        }
        let counted = try await counting.countMatching()
        let more = counted > countCap
        let total = min(counted, countCap)
        let pages = max(1, (total + limit - 1) / limit)
        let page = min(max(filters.page ?? 1, 1), pages)
        let rows = try await ordered(select(base(filters, scope: scope, search: search, on: db)), search)
            .limit(limit).offset((page - 1) * limit).all()
        return Result(rows: try await decode(rows, on: db), total: total, more: more, page: page, pages: pages)
    }

    /// Pinyin order: by rank on SQLite's ordered index (ranks are unique, and a second sort key
    /// would make SQLite sort every match instead of stopping at the page's end); elsewhere by the
    /// pinyin key and id (a narrow PostgreSQL search sorts its few matches: ordering by an
    /// expression keeps the planner from walking the whole pinyin index to find them).
    static func ordered(_ query: SQLSelectBuilder, _ search: Search) -> SQLSelectBuilder {
        switch search {
        case .ranked: query.orderBy(SQLRaw("f.rowid"))
        case .matches: query.orderBy(SQLRaw("e.pinyin_key || ''")).orderBy(SQLColumn("id", table: "e"))
        case .none, .nothing: query.orderBy(SQLColumn("pinyin_key", table: "e")).orderBy(SQLColumn("id", table: "e"))
        }
    }

    /// Every matching row, for an export (up to `cap`).
    static func all(_ filters: Filters, scope: DataScope, cap: Int, on db: any Database) async throws -> [Row] {
        let search = search(filters, on: db)
        let rows = try await ordered(select(base(filters, scope: scope, search: search, on: db)), search).limit(cap).all()
        return try await decode(rows, on: db)
    }

    static func select(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
        query.column(SQLColumn("id", table: "e")).column(SQLColumn("unit_code", table: "e")).column(SQLColumn("name", table: "e"))
            .column(SQLColumn("short_name", table: "e")).column(SQLColumn("credit_code", table: "e")).column(SQLColumn("category_code", table: "e"))
            .column(SQLColumn("division_code", table: "e")).column(SQLColumn("operating_address", table: "e"))
            .column(SQLColumn("legal_rep_name", table: "e")).column(SQLColumn("status", table: "e")).column(SQLColumn("grade", table: "e"))
            .column(SQLColumn("area", table: "e")).column(SQLColumn("department_id", table: "e")).column(SQLColumn("source", table: "e"))
            .column(SQLColumn("updated_at", table: "e"))
    }

    static func decode(_ rows: [any SQLRow], on db: any Database) async throws -> [Row] {
        // Names of the page's categories and departments only, read without building models (loading
        // every category as a Fluent model was a sixth of a search at 1,000,000 units).
        let codes = Set(try rows.map { try $0.decode(column: "category_code", as: String.self) })
        var categories: [String: String] = [:]
        if !codes.isEmpty {
            for row in try await db.sql.select().columns("code", "name").from(SupervisionCategory.schema)
                .where(SQLIdentifier("code"), .in, SQLGroupExpression(codes.map { SQLBind($0) as any SQLExpression })).all() {
                categories[try row.decode(column: "code", as: String.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        let departments = try await DepartmentQueries.names(on: db)
        return try rows.map { row in
            let category = try row.decode(column: "category_code", as: String.self)
            return Row(id: try row.decode(column: "id", as: UUID.self).uuidString, unitCode: try row.decode(column: "unit_code", as: String.self),
                       name: try row.decode(column: "name", as: String.self), shortName: try row.decode(column: "short_name", as: String?.self) ?? "",
                       creditCode: try row.decode(column: "credit_code", as: String?.self) ?? "",
                       category: categories[category] ?? category, categoryCode: category,
                       division: try row.decode(column: "division_code", as: String.self),
                       address: try row.decode(column: "operating_address", as: String.self),
                       legalRepName: try row.decode(column: "legal_rep_name", as: String?.self) ?? "",
                       status: SupervisedEntity.Status(rawValue: try row.decode(column: "status", as: String.self))?.chinese ?? "",
                       grade: try row.decode(column: "grade", as: String?.self) ?? "", area: try row.decode(column: "area", as: String?.self) ?? "",
                       department: try row.decode(column: "department_id", as: UUID?.self).flatMap { departments[$0] } ?? "",
                       source: InformationSource(rawValue: try row.decode(column: "source", as: String.self))?.chinese ?? "",
                       updatedAt: Format.dateTime(try row.decode(column: "updated_at", as: Date.self)))
        }
    }
}

extension String {
    /// LIKE wildcards taken literally (the search box must not let `%` match everything).
    var escapedForLike: String { filter { $0 != "%" && $0 != "_" && $0 != "\\" } }
}
