import Fluent
import SQLKit

/// Evidence of an inspection (执法全过程记录): each file with the item it shows, its capture and upload time.
struct CreateInspectionEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inspection_evidence")
            .field("id", .uuid, .identifier(auto: false))
            .field("inspection_id", .uuid, .required)
            .field("item_code", .string, .required)
            .field("sha256", .string, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("captured_at", .string)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .int64, .required)
            .create()
        try await database.sql.create(index: "inspection_evidence_inspection").on("inspection_evidence").column("inspection_id").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("inspection_evidence").delete() }
}
