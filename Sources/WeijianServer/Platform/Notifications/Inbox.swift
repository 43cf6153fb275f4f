import Fluent
import Foundation
import SQLKit
import Vapor

/// The in-app inbox of tasks (待办) and reminders (提醒). A `dedupeKey` keeps a reminder that a
/// daily job raises from appearing twice.
public enum Inbox {
    public enum Kind: String, Sendable, Codable {
        case task, reminder
        public var chinese: String { self == .task ? "待办" : "提醒" }
    }

    public struct Item: Decodable, Sendable {
        let id: Int64
        let kind: String
        let title: String
        let body: String
        let link: String
        let due_date: String?
        let created_at: Int64
        let read_at: Int64?
    }

    /// Adds an item; with a `dedupeKey`, only if the user has none with that key yet (one
    /// statement: the unique index decides, so two jobs at once still raise it once).
    public static func notify(userID: UUID, kind: Kind, title: String, body: String = "", link: String = "",
                              dueDate: String? = nil, dedupeKey: String? = nil, on db: any Database, now: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO notifications (user_id, kind, title, body, link, due_date, dedupe_key, created_at, read_at)
            VALUES (\(bind: userID.uuidString), \(bind: kind.rawValue), \(bind: title), \(bind: body), \(bind: link),
                    \(bind: dueDate), \(bind: dedupeKey), \(bind: now.millis), NULL)
            ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            """).run()
    }

    /// The newest unread items and how many are unread in all, by kind: one query (the counts are
    /// window aggregates over the same rows).
    static func unread(for userID: UUID, limit: Int = 50, on db: any Database) async throws -> (items: [Item], tasks: Int, reminders: Int) {
        struct Counted: Decodable {
            let tasks: Int
            let reminders: Int
        }
        let rows = try await db.sql.raw("""
            SELECT id, kind, title, body, link, due_date, created_at, read_at,
                   SUM(CASE WHEN kind = 'task' THEN 1 ELSE 0 END) OVER () AS tasks,
                   SUM(CASE WHEN kind = 'task' THEN 0 ELSE 1 END) OVER () AS reminders
            FROM notifications WHERE user_id = \(bind: userID.uuidString) AND read_at IS NULL
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all()
        let counts = try rows.first?.decode(model: Counted.self)
        return (try rows.map { try $0.decode(model: Item.self) }, counts?.tasks ?? 0, counts?.reminders ?? 0)
    }

    static func items(for userID: UUID, includeRead: Bool = false, limit: Int = 50, on db: any Database) async throws -> [Item] {
        var query = db.sql.select().columns("id", "kind", "title", "body", "link", "due_date", "created_at", "read_at")
            .from("notifications").where("user_id", .equal, userID.uuidString)
        if !includeRead { query = query.where("read_at", .is, SQLLiteral.null) }
        return try await query.orderBy("id", .descending).limit(limit).all(decoding: Item.self)
    }

    static func markRead(id: Int64, userID: UUID, on db: any Database, now: Date) async throws {
        try await db.sql.update("notifications").set("read_at", to: now.millis)
            .where("id", .equal, id).where("user_id", .equal, userID.uuidString).run()
    }
}
