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
