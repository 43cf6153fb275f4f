import Fluent
import Foundation
import SQLKit
import Vapor

/// Gap-free numbers per scheme, issuing organ and year (DESIGN.md "Numbering").
///
/// `allocate` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: it locks the counter
/// row until the surrounding transaction ends, so the number and the record that carries it commit
/// or roll back together and no number is skipped or given twice. A number that was issued and
/// then cancelled is voided with a reason, never reused.
public enum Numbering {
    /// Allocates `count` consecutive numbers and returns the last; a bulk import takes a block at once.
    public static func allocate(scheme: String, organ: String, year: Int, count: Int = 1, on db: any Database) async throws -> Int {
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.raw("""
                INSERT INTO number_counters (scheme, organ, year, last_value) VALUES (\(bind: scheme), \(bind: organ), \(bind: year), \(bind: count))
                ON CONFLICT (scheme, organ, year) DO UPDATE SET last_value = number_counters.last_value + \(bind: count)
                RETURNING last_value
                """).first() else {
                throw Abort(.internalServerError, reason: "编号分配失败")
            }
            return try row.decode(column: "last_value", as: Int.self)
        }
    }

    /// Moves a counter up to `value` (numbers issued by a bulk load); never moves it down.
    public static func raise(scheme: String, organ: String, year: Int, to value: Int, on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO number_counters (scheme, organ, year, last_value) VALUES (\(bind: scheme), \(bind: organ), \(bind: year), \(bind: value))
            ON CONFLICT (scheme, organ, year) DO UPDATE SET last_value =
                CASE WHEN number_counters.last_value < excluded.last_value THEN excluded.last_value ELSE number_counters.last_value END
            """).run()
    }

    /// Records that an issued number was cancelled (作废), with who and why.
    public static func void(scheme: String, organ: String, year: Int, value: Int, reason: String, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        let trimmed = reason.trimmed
        guard !trimmed.isEmpty else {
            throw Abort(.badRequest, reason: "作废原因：必填，不能为空")
        }
        try await db.writeTransaction { tx in
            let issued = try await tx.sql.select().column("last_value").from("number_counters")
                .where("scheme", .equal, scheme).where("organ", .equal, organ).where("year", .equal, year)
                .first()?.decode(column: "last_value", as: Int.self) ?? 0
            guard value >= 1, value <= issued else {
                throw Abort(.badRequest, reason: "编号：\(value)号尚未发出，不能作废")
            }
            try await tx.sql.insert(into: "number_voids")
                .columns("scheme", "organ", "year", "value", "reason", "voided_by", "voided_at")
                .values(SQLBind(scheme), SQLBind(organ), SQLBind(year), SQLBind(value), SQLBind(trimmed), SQLBind(actor.name), SQLBind(now.millis))
                .run()
            try await caller.audit(.numberingVoid, target: ("number", "\(scheme)/\(organ)/\(year)/\(value)"),
                                      details: ["reason": trimmed], on: tx)
        }
    }

    public static func isVoided(scheme: String, organ: String, year: Int, value: Int, on db: any Database) async throws -> Bool {
        try await db.sql.select().column("value").from("number_voids")
            .where("scheme", .equal, scheme).where("organ", .equal, organ).where("year", .equal, year).where("value", .equal, value)
            .first() != nil
    }
}
