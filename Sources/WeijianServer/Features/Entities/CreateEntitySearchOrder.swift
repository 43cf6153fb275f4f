import Fluent
import SQLKit

/// Adds `search_rank` and the ordered full-text table on SQLite, and moves existing units from the
/// shared index into it.
struct CreateEntitySearchOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.engine == .sqlite else { return }
        // One transaction: an interrupted upgrade leaves the old index in place, not half a new one.
        try await database.transaction { tx in
            try await tx.sql.raw("ALTER TABLE entities ADD COLUMN search_rank INTEGER").run()
            try await tx.sql.raw("CREATE UNIQUE INDEX entities_search_rank ON entities (search_rank)").run()
            try await tx.sql.raw("CREATE VIRTUAL TABLE entity_fts USING fts5(tokens, content='', contentless_delete=1)").run()
            try await tx.sql.raw("DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_docs WHERE doc_type = 'entity')").run()
            try await tx.sql.raw("DELETE FROM search_docs WHERE doc_type = 'entity'").run()
            try await EntitySearchIndex.rebuild(on: tx)
        }
    }
    func revert(on database: any Database) async throws {
        guard database.engine == .sqlite else { return }
        try await database.sql.raw("DROP TABLE entity_fts").run()
        try await database.sql.raw("DROP INDEX entities_search_rank").run()
        try await database.sql.raw("ALTER TABLE entities DROP COLUMN search_rank").run()
    }
}
