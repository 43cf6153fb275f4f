import Fluent
import Foundation
import SQLKit
import WeijianCore

/// Checklists as versions (an inspection keeps the version it used), seeded with the editable
/// defaults of `ChecklistDefaults`.
struct CreateChecklists: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("checklists")
            .field("id", .uuid, .identifier(auto: false))
            .field("code", .string, .required)
            .field("version", .int, .required)
            .field("name", .string, .required)
            .field("categories", .string, .required)
            .field("sections_json", .string, .required)
            .field("is_default", .bool, .required)
            .field("current", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_at", .int64, .required)
            .unique(on: "code", "version")
            .create()
        let now = Date().millis
        for entry in ChecklistDefaults.all {
            try await database.sql.insert(into: "checklists")
                .columns("id", "code", "version", "name", "categories", "sections_json", "is_default", "current", "created_by", "created_at")
                .values(SQLBind(UUID()), SQLBind(entry.code), SQLBind(1), SQLBind(entry.name), SQLBind(entry.categories.joined(separator: ",")),
                        SQLBind(try ChecklistQueries.json(entry.checklist)), SQLBind(true), SQLBind(true), SQLBind("系统预置"), SQLBind(now))
                .run()
        }
    }

    func revert(on database: any Database) async throws { try await database.schema("checklists").delete() }
}
