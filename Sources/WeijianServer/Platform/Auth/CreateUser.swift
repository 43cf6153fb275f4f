import Fluent
import SQLKit

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("username", .string, .required).unique(on: "username")
            .field("display_name", .string, .required)
            .field("kind", .string, .required)
            .field("department_id", .uuid, .references(Department.schema, .id))
            .field("password_hash", .string, .required)
            .field("password_changed_at", .datetime, .required)
            .field("must_change_password", .bool, .required)
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("totp_last_step", .int64)
            .field("last_login_at", .datetime)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(User.schema).delete() }
}
