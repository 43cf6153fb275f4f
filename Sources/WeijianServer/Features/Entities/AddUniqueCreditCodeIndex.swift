import Fluent
import SQLKit

/// One unit per credit code among units that are not merged, held by the database, so two
/// parallel registrations cannot both pass the check before either is stored. A registry that
/// already holds such a pair (registered before the check existed) keeps working without the index;
/// the weekly data-quality run lists the pair for merging and makes the index once none is left.
struct AddUniqueCreditCodeIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await EntityQueries.createUniqueCreditCodeIndexIfClean(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS entities_credit_code_unique").run()
    }
}
