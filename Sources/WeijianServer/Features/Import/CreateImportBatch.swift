import Fluent

struct CreateImportBatch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("import_batches")
            .field("id", .uuid, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("filename", .string, .required)
            .field("sha256", .string, .required)
            .field("at", .int64, .required)
            .field("actor_name", .string, .required)
            .field("created", .int, .required)
            .field("updated", .int, .required)
            .field("ids", .string, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("import_batches").delete() }
}
