import Fluent

/// Results of requests sent with a one-time form token or an Idempotency-Key (`ReplayGuard`).
struct CreateRequestReplays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("request_replays")
            .field("key_hash", .string, .identifier(auto: false))
            .field("fingerprint", .string, .required)
            .field("status", .int, .required)
            .field("location", .string)
            .field("body", .string)
            .field("content_type", .string)
            .field("created_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema("request_replays").delete() }
}
