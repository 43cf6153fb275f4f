import Fluent
import SQLKit

struct CreateAPIToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("prefix", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(APIToken.schema).delete() }
}
