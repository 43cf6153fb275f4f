import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The drinking-water limits units' self-monitoring results are checked against: seeded from
/// GB 5749-2022 and kept by the information officer (a limit is data, not code).
enum WaterLimits {
    static func load(on db: any Database) async throws -> [WaterIndicator] {
        try await db.sql.select().columns("code", "name", "unit", "kind", "low", "high").from("water_limits").orderBy("sort_order").all()
            .compactMap { row in
                guard let kind = WaterLimitKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                return try WaterIndicator(code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                                          unit: try row.decode(column: "unit", as: String.self), kind: kind,
                                          low: try row.decode(column: "low", as: Double?.self), high: try row.decode(column: "high", as: Double?.self))
            }
    }

    /// Changes one limit; the old and new values go to the audit log.
    /// - Returns: the indicator's name.
    @discardableResult
    static func update(code: String, kind: String, low: String, high: String, by caller: Caller) async throws -> String {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        guard let current = try await load(on: db).first(where: { $0.code == code }) else { throw Abort(.notFound, reason: "指标不存在") }
        guard let limitKind = WaterLimitKind(rawValue: kind) else {
            throw ValidationError(field: "限值类型", code: "choice", message: "应为不超过、不低于、范围或不得检出")
        }
        func number(_ text: String, _ field: String) throws -> Double? {
            let trimmed = text.trimmed
            if trimmed.isEmpty { return nil }
            guard let value = Double(trimmed), value.isFinite else {
                throw ValidationError(field: "\(current.name) \(field)", code: "decimal", message: "应为数字，实际为“\(trimmed)”")
            }
            return value
        }
        let checked = try WaterIndicator(code: code, name: current.name, unit: current.unit, kind: limitKind,
                                         low: try number(low, "下限"), high: try number(high, "上限"))
        try await db.writeTransaction { tx in
            try await tx.sql.update("water_limits").set("kind", to: SQLBind(checked.kind.rawValue)).set("low", to: SQLBind(checked.low))
                .set("high", to: SQLBind(checked.high)).where("code", .equal, SQLBind(code)).run()
            try await caller.audit(.waterLimit, target: ("water_limit", code),
                                      details: ["from": "\(current.kind.rawValue) \(current.low.map { "\($0)" } ?? "") \(current.high.map { "\($0)" } ?? "")",
                                                "to": "\(checked.kind.rawValue) \(checked.low.map { "\($0)" } ?? "") \(checked.high.map { "\($0)" } ?? "")"],
                                      on: tx)
        }
        return current.name
    }
}

struct CreateWaterLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("water_limits")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("unit", .string, .required)
            .field("kind", .string, .required)
            .field("low", .double)
            .field("high", .double)
            .field("sort_order", .int, .required)
            .create()
        for (index, indicator) in GB5749.defaultTable.enumerated() {
            try await database.sql.insert(into: "water_limits").columns("code", "name", "unit", "kind", "low", "high", "sort_order")
                .values(SQLBind(indicator.code), SQLBind(indicator.name), SQLBind(indicator.unit), SQLBind(indicator.kind.rawValue),
                        SQLBind(indicator.low), SQLBind(indicator.high), SQLBind(index))
                .run()
        }
    }
    func revert(on database: any Database) async throws { try await database.schema("water_limits").delete() }
}
