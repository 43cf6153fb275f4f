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

    /// How the search box narrows the list: not at all; to its matches, collected from the
    /// full-text index and sorted; or, when they are many, by walking the pinyin index and probing
    /// the full-text index row by row until the page is full.
    enum Search {
        case none
        case nothing
        case matches(String)
        case probe(String)
    }

    /// Lists are counted up to this many; beyond it the count shows as "more than".
    static let matchCap = 20_000

    /// Up to how many matches a search collects and sorts. Collecting costs about the same per
    /// match as one probe, and a page of 50 needs 50 ÷ density probes, so the two cost the same at
    /// about 5 × √(units): 1,600 matches among 100,000 units, 5,000 among 1,000,000.
    static func collectLimit(on db: any Database) async throws -> Int {
        guard db.engine == .sqlite else { return matchCap }
        let units = try await db.sql.raw("SELECT MAX(rowid) AS n FROM entities").first()?.decode(column: "n", as: Int?.self) ?? 0
        return max(500, min(matchCap, Int(5 * Double(units ?? 0).squareRoot())))
    }

    static func search(_ filters: Filters, cap: Int? = nil, on db: any Database) async throws -> Search {
        guard let q = filters.q?.trimmed.nilIfEmpty else { return .none }
        guard SearchIndex.probe(type: "entity", query: q, column: "e.id", on: db) != nil else { return .nothing }
        var limit = cap ?? 0
        if cap == nil { limit = try await collectLimit(on: db) }
        let count = try await SearchIndex.count(type: "entity", query: q, limit: limit + 1, on: db)
        return count > limit ? .probe(q) : .matches(q)
    }

    static func base(_ filters: Filters, scope: DataScope, search: Search, on db: any Database) -> SQLSelectBuilder {
        var query = db.sql.select().from(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")))
        query = scope.apply(to: query, department: "e.department_id", category: "e.top_category", area: "e.division_code")
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
            query = query.where(SQLColumn("division_code", table: "e"), .like, SQLBind(DataScope.areaPrefix(division).escapedForLike + "%"))
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
        case .none:
            break
        case .nothing:
            query = query.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
        case .matches(let text):
            if let match = SearchIndex.matching(type: "entity", query: text, column: "e.id", on: db) { query = query.where(match) }
        case .probe(let text):
            if let probe = SearchIndex.probe(type: "entity", query: text, column: "e.id", on: db) { query = query.where(probe) }
        }
        return query
    }

    static func list(_ filters: Filters, scope: DataScope, limit: Int = pageSize, cap: Int = matchCap, on db: any Database) async throws -> Result {
        let search = try await search(filters, cap: cap == matchCap ? nil : cap, on: db)
        // A broad search is not counted: counting would read every match, and the page walks the
        // pinyin index and stops when it is full. Other lists are counted up to the cap.
        var more = false
        var total = cap
        if case .probe = search {
            more = true
        } else {
            let counting = base(filters, scope: scope, search: search, on: db).column(SQLLiteral.numeric("1"), as: "one").limit(cap + 1)
            let counted = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(SQLAlias(SQLGroupExpression(counting.query), as: SQLIdentifier("m"))).first()?.decode(column: "n", as: Int.self) ?? 0
            more = counted > cap
            total = min(counted, cap)
        }
        let pages = max(1, (total + limit - 1) / limit)
        let page = min(max(filters.page ?? 1, 1), pages)
        // A narrow search sorts its few matches: ordering by an expression keeps SQLite from walking
        // the whole pinyin index to find them (3 s at 100,000 units).
        let order: any SQLExpression = { if case .matches = search { return SQLRaw("e.pinyin_key || ''") } else { return SQLColumn("pinyin_key", table: "e") } }()
        let rows = try await select(base(filters, scope: scope, search: search, on: db))
            .orderBy(order).orderBy(SQLColumn("id", table: "e"))
            .limit(limit).offset((page - 1) * limit).all()
        return Result(rows: try await decode(rows, on: db), total: total, more: more, page: page, pages: pages)
    }

    /// Every matching row, for an export (up to `cap`).
    static func all(_ filters: Filters, scope: DataScope, cap: Int, on db: any Database) async throws -> [Row] {
        let search = try await search(filters, on: db)
        let rows = try await select(base(filters, scope: scope, search: search, on: db)).orderBy(SQLColumn("pinyin_key", table: "e")).limit(cap).all()
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
        let categories = try await LicenseQueries.categoryMap(on: db)
        let departments = Dictionary(uniqueKeysWithValues: try await Department.query(on: db).all().compactMap { d in d.id.map { ($0, d.name) } })
        return try rows.map { row in
            let category = try row.decode(column: "category_code", as: String.self)
            return Row(id: try row.decode(column: "id", as: UUID.self).uuidString, unitCode: try row.decode(column: "unit_code", as: String.self),
                       name: try row.decode(column: "name", as: String.self), shortName: try row.decode(column: "short_name", as: String?.self) ?? "",
                       creditCode: try row.decode(column: "credit_code", as: String?.self) ?? "",
                       category: categories[category]?.name ?? category, categoryCode: category,
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
