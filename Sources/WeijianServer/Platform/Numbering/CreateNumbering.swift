import Fluent
import Foundation
import SQLKit
import Vapor

struct CreateNumbering: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("number_counters")
            .field("scheme", .string, .required)
            .field("organ", .string, .required)
            .field("year", .int, .required)
            .field("last_value", .int, .required)
            .compositeIdentifier(over: "scheme", "organ", "year")
            .create()
        try await database.schema("number_voids")
            .field("scheme", .string, .required)
            .field("organ", .string, .required)
            .field("year", .int, .required)
            .field("value", .int, .required)
            .field("reason", .string, .required)
            .field("voided_by", .string, .required)
            .field("voided_at", .int64, .required)
            .unique(on: "scheme", "organ", "year", "value")
            .create()
    }
    func revert(on database: any Database) async throws {
        try await database.schema("number_voids").delete()
        try await database.schema("number_counters").delete()
    }
}
