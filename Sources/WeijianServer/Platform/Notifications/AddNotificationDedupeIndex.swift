import Fluent
import SQLKit

/// One reminder per user and dedupe key, kept by the database: a daily job on two nodes (or two
/// runs at once) used to check for the key and then insert, and could raise it twice.
struct AddNotificationDedupeIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            DELETE FROM notifications WHERE dedupe_key IS NOT NULL AND id NOT IN (
                SELECT MIN(id) FROM notifications WHERE dedupe_key IS NOT NULL GROUP BY user_id, dedupe_key)
            """).run()
        try await database.sql.raw("""
            CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX notifications_dedupe").run()
    }
}
