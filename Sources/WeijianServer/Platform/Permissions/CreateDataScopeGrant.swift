import Fluent
import Foundation
import WeijianCore

struct CreateDataScopeGrant: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DataScopeGrant.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("dimension", .string, .required)
            .field("value", .string, .required)
            .field("granted_by", .string, .required)
            .field("granted_at", .datetime, .required)
            .unique(on: "user_id", "dimension", "value")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(DataScopeGrant.schema).delete() }
}
