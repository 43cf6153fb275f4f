import Fluent
import Foundation
import SQLKit
import WeijianCore

/// A group of settings kept as one JSON value under its key in `system_settings`: read with its
/// defaults when never saved, written in one transaction with its audit event.
protocol StoredSetting: Codable, Sendable {
    static var key: String { get }
    init()
}

extension StoredSetting {
    static func load(on db: any Database) async throws -> Self {
        guard let json = try await db.sql.select().column("value").from("system_settings").where("key", .equal, key).first()?
            .decode(column: "value", as: String.self) else { return Self() }
        return (try? JSONDecoder().decode(Self.self, from: Data(json.utf8))) ?? Self()
    }

    /// Replaces the stored value; `details` describe the change for the audit log.
    func store(by caller: Caller, action: AuditAction, details: [String: String]) async throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(self), as: UTF8.self)
        try await caller.db.writeTransaction { tx in
            try await tx.sql.delete(from: "system_settings").where("key", .equal, Self.key).run()
            try await tx.sql.insert(into: "system_settings").columns("key", "value", "updated_at", "updated_by")
                .values(SQLBind(Self.key), SQLBind(json), SQLBind(caller.now), SQLBind(caller.actor.name)).run()
            try await caller.audit(action, target: ("settings", Self.key), details: details, on: tx)
        }
    }
}
