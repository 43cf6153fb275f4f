import Fluent
import SQLKit

/// The register of issued enforcement documents; a number is unique per kind, organ and year.
struct CreateEnforcementDocuments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("enforcement_documents")
            .field("id", .uuid, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("organ", .string, .required)
            .field("year", .int, .required)
            .field("sequence", .int, .required)
            .field("number", .string, .required)
            .field("owner_type", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("entity_id", .uuid, .required)
            .field("sha256", .string, .required)
            .field("size", .int, .required)
            .field("status", .string, .required)
            .field("issued_by", .string, .required)
            .field("issued_at", .int64, .required)
            .field("void_reason", .string)
            .field("voided_by", .string)
            .field("voided_at", .int64)
            .unique(on: "kind", "organ", "year", "sequence")
            .create()
        try await database.sql.create(index: "enforcement_documents_owner").on("enforcement_documents").column("owner_type").column("owner_id").run()
        try await database.sql.create(index: "enforcement_documents_issued").on("enforcement_documents").column("issued_at").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("enforcement_documents").delete() }
}
