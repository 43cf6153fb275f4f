import Fluent
import SQLKit

/// 双随机: plans, declared conflicts (回避), and draws with everything needed to repeat them.
struct CreateRandomChecks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("random_plans")
            .field("id", .uuid, .identifier(auto: false))
            .field("year", .int, .required)
            .field("name", .string, .required)
            .field("shares_json", .string, .required)
            .field("window_start", .string, .required)
            .field("window_end", .string, .required)
            .field("per_target", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .int64, .required)
            .create()
        try await database.schema("random_recusals")
            .field("id", .uuid, .identifier(auto: false))
            .field("user_id", .uuid, .required)
            .field("entity_id", .uuid, .required)
            .field("reason", .string, .required)
            .field("declared_by", .string, .required)
            .field("declared_at", .int64, .required)
            .unique(on: "user_id", "entity_id")
            .create()
        try await database.schema("random_draws")
            .field("id", .uuid, .identifier(auto: false))
            .field("plan_id", .uuid, .required)
            .field("seed", .string, .required)
            .field("algorithm", .string, .required)
            .field("snapshot", .string, .required)
            .field("units_json", .string, .required)
            .field("inspectors_json", .string, .required)
            .field("targets_json", .string, .required)
            .field("drawn_by", .string, .required)
            .field("drawn_at", .int64, .required)
            .create()
        try await database.sql.create(index: "random_draws_plan").on("random_draws").column("plan_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["random_draws", "random_recusals", "random_plans"] { try await database.schema(table).delete() }
    }
}
