import Fluent
import Foundation
import WeijianCore

struct CreateRoleGrant: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RoleGrant.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .field("granted_by", .string, .required)
            .field("granted_at", .datetime, .required)
            .unique(on: "user_id", "role")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(RoleGrant.schema).delete() }
}
