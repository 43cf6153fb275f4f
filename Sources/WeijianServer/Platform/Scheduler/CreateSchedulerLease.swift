import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

struct CreateSchedulerLease: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("scheduler_leases")
            .field("job", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("expires_at", .int64, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("scheduler_leases").delete() }
}
