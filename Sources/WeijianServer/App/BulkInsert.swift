import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Multi-row inserts for bulk writes (imports, the demo registry, index rebuilds).
///
/// On SQLite the values go to the driver as they are, in statements of up to 30,000 values:
/// building the same statement with SQLKit (an expression per value, each bound through
/// `Encodable`) cost a bulk import more than SQLite's own work on the rows. On PostgreSQL SQLKit is used.
enum BulkInsert {
    /// A column value; dates are stored as SQLKit stores them (seconds since 1970 on SQLite).
    enum Value: Sendable {
        case text(String?)
        case int(Int?)
        case double(Double?)
        case date(Date?)
        case uuid(UUID?)
        case bool(Bool)

        var sqlite: SQLiteData {
            switch self {
            case .text(let value): value.map { .text($0) } ?? .null
            case .int(let value): value.map { .integer($0) } ?? .null
            case .double(let value): value.map { .float($0) } ?? .null
            case .date(let value): value.map { .float($0.timeIntervalSince1970) } ?? .null
            case .uuid(let value): value.map { .text($0.uuidString) } ?? .null
            case .bool(let value): .integer(value ? 1 : 0)
            }
        }

        var bind: any SQLExpression {
            switch self {
            case .text(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
            case .int(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
            case .double(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
            case .date(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
            case .uuid(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
            case .bool(let value): SQLBind(value)
            }
        }
    }

    static let valuesPerStatement = 30_000

    static func run(into table: String, columns: [String], rows: [[Value]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, valuesPerStatement / columns.count)
        if let sqlite = db as? any SQLiteDatabase, db.engine == .sqlite {
            let head = "INSERT INTO \(table) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = rows[start..<min(start + perStatement, rows.count)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for row in chunk {
                    precondition(row.count == columns.count, "a row has \(row.count) values for \(columns.count) columns")
                    for value in row { binds.append(value.sqlite) }
                }
                _ = try await sqlite.query(head + Array(repeating: tuple, count: chunk.count).joined(separator: ","), binds)
            }
        } else {
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                var insert = db.sql.insert(into: table).columns(columns)
                for row in rows[start..<min(start + perStatement, rows.count)] { insert = insert.values(row.map(\.bind)) }
                try await insert.run()
            }
        }
    }
}
