import Fluent
import Foundation
import SQLKit
import Vapor

/// One page of a list with the list's total (issue 11: lists stopped silently at 500 rows).
/// Every list in the application and the API is read through this, and shows where it is.
struct Paged<Row: Encodable & Sendable>: Encodable, Sendable {
    let rows: [Row]
    let total: Int
    let page: Int
    let pages: Int
    let pageSize: Int

    init(rows: [Row], total: Int, page: Int, pageSize: Int) {
        self.rows = rows
        self.total = total
        self.pageSize = pageSize
        self.pages = max(1, (total + pageSize - 1) / pageSize)
        self.page = min(max(page, 1), self.pages)
    }

    func map<Other: Encodable & Sendable>(_ transform: (Row) throws -> Other) rethrows -> Paged<Other> {
        Paged<Other>(rows: try rows.map(transform), total: total, page: page, pageSize: pageSize)
    }

    /// The page of an SQL query: counted once, then read with LIMIT and OFFSET (the query must be ordered).
    static func read(_ query: SQLSelectBuilder, page: Int, pageSize: Int, on db: any Database,
                     decode: ([any SQLRow]) async throws -> [Row]) async throws -> Paged<Row> {
        let total = try await query.countMatching()
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let current = min(max(page, 1), pages)
        let rows = try await query.limit(pageSize).offset((current - 1) * pageSize).all()
        return Paged(rows: try await decode(rows), total: total, page: current, pageSize: pageSize)
    }

    /// The page of a Fluent query (ordered by the caller).
    static func read<M: Model>(_ query: QueryBuilder<M>, page: Int, pageSize: Int, transform: ([M]) async throws -> [Row]) async throws -> Paged<Row> {
        let total = try await query.copy().count()
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let current = min(max(page, 1), pages)
        let models = try await query.range((current - 1) * pageSize..<current * pageSize).all()
        return Paged(rows: try await transform(models), total: total, page: current, pageSize: pageSize)
    }
}

extension SQLSelectBuilder {
    /// How many rows this query matches, before any LIMIT (one COUNT over it as a subquery).
    func countMatching() async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(SQLAlias(SQLGroupExpression(query), as: SQLIdentifier("counted"))).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension Paged: Decodable where Row: Decodable {}
extension Paged: Content, RequestDecodable, ResponseEncodable, AsyncRequestDecodable, AsyncResponseEncodable where Row: Content {}

extension Paged: APIExample where Row: APIExample {
    static var example: Paged<Row> { Paged(rows: [Row.example], total: 1, page: 1, pageSize: 50) }
}

/// The links under a list: where the page is, the total, previous and next (keeping the filters).
struct Pager: Encodable, Sendable {
    let page: Int
    let pages: Int
    let total: Int
    let previous: String?
    let next: String?

    init<Row>(_ paged: Paged<Row>, path: String, query: [String: String?] = [:]) {
        page = paged.page
        pages = paged.pages
        total = paged.total
        func link(_ number: Int) -> String {
            var components = URLComponents()
            components.path = path
            components.queryItems = query.compactMap { key, value in value?.trimmed.nilIfEmpty.map { URLQueryItem(name: key, value: $0) } }
                .sorted { $0.name < $1.name } + [URLQueryItem(name: "page", value: String(number))]
            return components.string ?? path
        }
        previous = paged.page > 1 ? link(paged.page - 1) : nil
        next = paged.page < paged.pages ? link(paged.page + 1) : nil
    }
}

extension Request {
    /// The `page` query parameter (1 when absent or not a number).
    var pageNumber: Int { (try? query.get(Int.self, at: "page")).map { max(1, $0) } ?? 1 }
}

extension APIDoc.Parameter {
    static let page = APIDoc.Parameter.integer("page", "页码（从1起）", 1...1_000_000)
}
