import Fluent
import SQLKit

struct CreateDepartment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Department.schema)
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required).unique(on: "name")
            .field("is_business", .bool, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema(Department.schema).delete() }
}

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
