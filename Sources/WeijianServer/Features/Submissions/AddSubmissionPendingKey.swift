import Fluent
import SQLKit

/// One pending submission of a kind per unit (issue 10: a replayed change form made three). Rows
/// submitted before this migration keep no key, so existing data never blocks it.
struct AddSubmissionPendingKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Submission.schema).field("pending_key", .string).update()
        try await database.sql.raw("CREATE UNIQUE INDEX submissions_one_pending ON submissions (pending_key)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX submissions_one_pending").run()
        try await database.schema(Submission.schema).deleteField("pending_key").update()
    }
}
