import Fluent
import Foundation
import SQLKit
import Vapor

/// The system operation log and failure log (运行日志、故障日志, regulation 九(一)3): start-ups,
/// shutdowns, migrations, scheduled jobs, key rotations, and every failure a user met. The system
/// administrator reads it in the UI. It holds no personal data: messages name records by id.
public enum SystemLog {
    public enum Level: String, Sendable, CaseIterable {
        case info, warning, error
        public var chinese: String {
            switch self {
            case .info: "信息"
            case .warning: "警告"
            case .error: "故障"
            }
        }
    }

    public static func write(_ level: Level, category: String, _ message: String, on db: any Database, now: Date) async {
        do {
            try await db.sql.insert(into: "system_log")
                .columns("occurred_at", "level", "category", "message")
                .values(SQLBind(now.millis), SQLBind(level.rawValue), SQLBind(category), SQLBind(String(message.prefix(2000))))
                .run()
        } catch {
            db.logger.error("system log write failed", metadata: ["category": .string(category)])
        }
    }

    struct Row: Codable, Sendable {
        let id: Int64
        let occurred_at: Int64
        let level: String
        let category: String
        let message: String
    }

    /// A page of the log, newest first, with its total.
    static func page(level: String?, category: String?, page: Int, pageSize: Int = 100, on db: any Database) async throws -> Paged<Row> {
        var query = db.sql.select().columns("id", "occurred_at", "level", "category", "message").from("system_log")
        if let level, !level.isEmpty { query = query.where("level", .equal, level) }
        if let category, !category.isEmpty { query = query.where("category", .equal, category) }
        return try await Paged.read(query.orderBy("id", .descending), page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { try $0.decode(model: Row.self) }
        }
    }
}
