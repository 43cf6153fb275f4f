import Fluent
import SQLKit

struct CreateDataQuality: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("quality_runs")
            .field("id", .int64, .identifier(auto: true))
            .field("started_at", .int64, .required)
            .field("finished_at", .int64, .required)
            .field("trigger", .string, .required)
            .field("units", .int, .required)
            .field("duplicates", .int, .required)
            .field("gaps", .int, .required)
            .field("errors", .int, .required)
            .field("warnings", .int, .required)
            .create()
        try await database.schema("quality_issues")
            .field("id", .int64, .identifier(auto: true))
            .field("run_id", .int64, .required)
            .field("entity_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("field", .string, .required)
            .field("message", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX quality_issues_run ON quality_issues (run_id, kind)").run()
        try await database.schema("duplicate_pairs")
            .field("id", .int64, .identifier(auto: true))
            .field("first_id", .uuid, .required)
            .field("second_id", .uuid, .required)
            .field("reason", .string, .required)
            .field("score", .double, .required)
            .field("status", .string, .required)
            .field("found_at", .int64, .required)
            .field("decided_by", .string)
            .field("decided_at", .int64)
            .unique(on: "first_id", "second_id")
            .create()
        try await database.sql.raw("CREATE INDEX duplicate_pairs_status ON duplicate_pairs (status)").run()
        try await database.schema("entity_merges")
            .field("id", .uuid, .identifier(auto: false))
            .field("pair_id", .int64)
            .field("survivor_id", .uuid, .required)
            .field("absorbed_id", .uuid, .required)
            .field("absorbed_status", .string, .required)
            .field("moved", .string, .required)
            .field("at", .int64, .required)
            .field("actor_name", .string, .required)
            .field("undone_at", .int64)
            .field("undone_by", .string)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["entity_merges", "duplicate_pairs", "quality_issues", "quality_runs"] { try await database.schema(table).delete() }
    }
}
