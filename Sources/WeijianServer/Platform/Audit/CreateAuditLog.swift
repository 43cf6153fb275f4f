import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .int64, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .string, .required)
            .field("outcome", .string, .required)
            .field("source_ip", .string, .required)
            .field("details", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("last_seq", .int64, .required)
            .field("last_hash", .string, .required)
            .create()
        try await database.schema("audit_checkpoints")
            .field("last_seq", .int64, .identifier(auto: false))
            .field("last_hash", .string, .required)
            .field("signed_at", .int64, .required)
            .field("key_id", .string, .required)
            .field("signature", .string, .required)
            .create()
        try await database.sql.insert(into: "audit_head").columns("id", "last_seq", "last_hash")
            .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(AuditRecord.genesisHash)).run()
        let sql = database.sql
        try await sql.raw("CREATE INDEX audit_events_time ON audit_events (occurred_at)").run()
        try await sql.raw("CREATE INDEX audit_events_actor ON audit_events (actor_id)").run()
        // Append-only: the application never changes or removes an event. Someone with direct
        // database access can drop these triggers; the hash chain and signed checkpoints then show it.
        switch database.engine {
        case .sqlite:
            try await sql.raw("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, '审计日志只能追加'); END").run()
            try await sql.raw("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, '审计日志只能追加'); END").run()
        case .postgres:
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '审计日志只能追加'; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_checkpoints").delete()
        try await database.schema("audit_head").delete()
        try await database.schema("audit_events").delete()
        if database.engine == .postgres { try await database.sql.raw("DROP FUNCTION IF EXISTS audit_events_append_only").run() }
    }
}
