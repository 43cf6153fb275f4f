import Fluent
import SQLKit

/// Inspection records (现场检查) with their inspectors, item results, samples and the items to
/// correct (责令改正) that follow-up inspections close.
struct CreateInspections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inspections")
            .field("id", .uuid, .identifier(auto: false))
            .field("number", .string)
            .field("entity_id", .uuid, .required)
            .field("checklist_id", .uuid, .required)
            .field("source", .string, .required)
            .field("status", .string, .required)
            .field("inspected_on", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("representative", .string, .required)
            .field("representative_refused", .bool, .required)
            .field("refusal_note", .string, .required)
            .field("conclusion", .string, .required)
            .field("rectification_deadline", .string)
            .field("follow_up_of", .uuid)
            .field("score_actual", .int)
            .field("score_applicable", .int)
            .field("score_tenths", .int)
            .field("grade", .string)
            .field("entry_due", .string, .required)
            .field("late", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_by_id", .uuid)
            .field("created_at", .int64, .required)
            .field("submitted_at", .int64)
            .unique(on: "number")
            .create()
        // A unit's inspections by status and date: every per-unit query (summary, risk, schedule) has
        // all three constraints, so the planner takes this index, not a scan of all submitted ones
        // by date (measured: a (status, inspected_on) index made the unit page scan 700,000 rows).
        try await database.sql.create(index: "inspections_entity").on("inspections").column("entity_id").column("status").column("inspected_on").run()
        try await database.sql.create(index: "inspections_inspected").on("inspections").column("inspected_on").run()

        try await database.schema("inspection_inspectors")
            .field("inspection_id", .uuid, .required)
            .field("position", .int, .required)
            .field("user_id", .uuid, .required)
            .field("name", .string, .required)
            .field("certificate_number", .string, .required)
            .field("certificate_expiry", .string, .required)
            .unique(on: "inspection_id", "user_id")
            .create()
        try await database.sql.create(index: "inspection_inspectors_user").on("inspection_inspectors").column("user_id").run()

        try await database.schema("inspection_results")
            .field("inspection_id", .uuid, .required)
            .field("item_code", .string, .required)
            .field("result", .string, .required)
            .field("finding", .string, .required)
            .unique(on: "inspection_id", "item_code")
            .create()

        try await database.schema("inspection_samples")
            .field("inspection_id", .uuid, .required)
            .field("position", .int, .required)
            .field("item", .string, .required)
            .field("quantity", .string, .required)
            .field("record_number", .string, .required)
            .unique(on: "inspection_id", "position")
            .create()

        try await database.schema("rectifications")
            .field("id", .uuid, .identifier(auto: false))
            .field("inspection_id", .uuid, .required)
            .field("entity_id", .uuid, .required)
            .field("item_code", .string, .required)
            .field("item_text", .string, .required)
            .field("finding", .string, .required)
            .field("deadline", .string, .required)
            .field("status", .string, .required)
            .field("follow_up_id", .uuid)
            .field("closed_at", .int64)
            .create()
        try await database.sql.create(index: "rectifications_entity").on("rectifications").column("entity_id").column("status").run()
        try await database.sql.create(index: "rectifications_due").on("rectifications").column("status").column("deadline").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["rectifications", "inspection_samples", "inspection_results", "inspection_inspectors", "inspections"] {
            try await database.schema(table).delete()
        }
    }
}
