import Fluent
import Foundation
import Vapor
import WeijianCore

struct CreateStaffProfile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffProfile.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade)).unique(on: "user_id")
            .field("title", .string)
            .field("certificate_number", .string)
            .field("certificate_expiry", .string)
            .field("phone_cipher", .string)
            .field("phone_index", .string)
            .field("id_number_cipher", .string)
            .field("id_number_index", .string)
            .create()
        try await database.sql.raw("CREATE INDEX staff_profiles_phone_index ON staff_profiles (phone_index)").run()
        try await database.sql.raw("CREATE INDEX staff_profiles_id_number_index ON staff_profiles (id_number_index)").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(StaffProfile.schema).delete() }
}
