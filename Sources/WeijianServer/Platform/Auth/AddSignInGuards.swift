import Fluent
import SQLKit

/// One-time passwords that expire, and failure counts for names that are no account (so that an
/// unknown name behaves like a real one: issue 10).
struct AddSignInGuards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("one_time_password_expires_at", .datetime).update()
        try await database.schema("sign_in_throttle")
            .field("name_key", .string, .identifier(auto: false))
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sign_in_throttle").delete()
        try await database.schema(User.schema).deleteField("one_time_password_expires_at").update()
    }
}
