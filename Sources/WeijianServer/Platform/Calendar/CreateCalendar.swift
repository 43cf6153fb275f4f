import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

struct CreateCalendar: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_days")
            .field("day", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .create()
        try await database.schema("calendar_years")
            .field("year", .int, .identifier(auto: false))
            .create()
        for entry in HolidayTable.official.entries.values.sorted(by: { $0.date < $1.date }) {
            try await database.sql.insert(into: "calendar_days").columns("day", "kind", "name")
                .values(SQLBind(entry.date.description), SQLBind(entry.kind.rawValue), SQLBind(entry.name)).run()
        }
        for year in HolidayTable.official.coveredYears.sorted() {
            try await database.sql.insert(into: "calendar_years").columns("year").values(SQLBind(year)).run()
        }
    }
    func revert(on database: any Database) async throws {
        try await database.schema("calendar_years").delete()
        try await database.schema("calendar_days").delete()
    }
}
