import Fluent
import Foundation
import SQLKit
import Vapor

struct CreateSystemLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("system_log")
            .field("id", .int64, .identifier(auto: true))
            .field("occurred_at", .int64, .required)
            .field("level", .string, .required)
            .field("category", .string, .required)
            .field("message", .string, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("system_log").delete() }
}
