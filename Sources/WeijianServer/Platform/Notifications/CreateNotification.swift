import Fluent
import Foundation
import SQLKit
import Vapor

struct CreateNotification: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notifications")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string, .required)
            .field("due_date", .string)
            .field("dedupe_key", .string)
            .field("created_at", .int64, .required)
            .field("read_at", .int64)
            .create()
        try await database.sql.raw("CREATE INDEX notifications_user ON notifications (user_id, read_at)").run()
    }
    func revert(on database: any Database) async throws { try await database.schema("notifications").delete() }
}
