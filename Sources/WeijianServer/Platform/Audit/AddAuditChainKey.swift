import Fluent
import SQLKit

/// The chain key each audit event was hashed with (issue 10: a keyed chain). Existing events keep
/// NULL: they were hashed with plain SHA-256 and the key ring says where keyed hashing starts.
struct AddAuditChainKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("ALTER TABLE audit_events ADD COLUMN chain_key VARCHAR(64)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("ALTER TABLE audit_events DROP COLUMN chain_key").run()
    }
}
