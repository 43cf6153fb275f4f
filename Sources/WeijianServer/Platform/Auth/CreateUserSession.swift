import Fluent
import SQLKit

struct CreateUserSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("stage", .string, .required)
            .field("csrf_token", .string, .required)
            .field("second_factor_done", .bool, .required)
            .field("pending_totp_secret", .string)
            .field("flash", .string)
            .field("ip", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(UserSession.schema).delete() }
}
