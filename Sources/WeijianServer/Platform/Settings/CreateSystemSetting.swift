import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

/// Settings the administrators change at run time, stored in the database so every node sees them.
struct CreateSystemSetting: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("system_settings")
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("system_settings").delete() }
}
