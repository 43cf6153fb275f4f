import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The duplicate check at entry (issue 11: registering 福州鼓楼康乐宾馆有限责任公司 without a credit
/// code beside the …有限公司 at the same address raised nothing until the weekly run). Before a unit
/// is registered or its name or address changed, the registry's units that share its name block or
/// its road and house number are compared with the same matcher as the weekly run; likely matches
/// stop the save until the clerk opens the existing unit or confirms "not the same unit", which is
/// recorded (the pair is marked different and the weekly run does not raise it again).
enum EntityDuplicates {
    struct Match: Content, Sendable {
        let id: String
        let name: String
        let unitCode: String
        let address: String
        let department: String
        let score: String
        /// The reader may open it (it is in their data scope).
        let canOpen: Bool
    }

    /// Likely duplicates the clerk has not yet confirmed as different units.
    struct Likely: Error, Sendable, CustomStringConvertible {
        let matches: [Match]

        var description: String { message }

        var message: String {
            "可能与已登记的单位重复：" + matches.map { "“\($0.name)”（单位编码\($0.unitCode)，\($0.address)）" }.joined(separator: "、")
                + "。请打开核对；如确认不是同一单位，勾选确认后再保存"
        }
    }

    /// The registry's units `name` at `address` (in county `division`) may duplicate, best first;
    /// `except` is the unit being changed. The candidates are the units whose core name starts
    /// with the same two characters in the same county, and those at the same road and house
    /// number: both lookups are indexed, so the check costs the same in a registry of a million.
    static func likely(name: String, address: String, division: String, except: UUID?, caller: Caller) async throws -> [Match] {
        let (nameKey, addressKey) = EntityKeys.duplicateKeys(name: name, address: address, divisions: caller.tables.divisionIndex)
        guard !nameKey.isEmpty || !addressKey.isEmpty else { return [] }
        var query = caller.db.sql.select().columns("id", "name", "operating_address", "unit_code", "department_id", "top_category", "division_code", "area")
            .from(SupervisedEntity.schema)
            .where("status", .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
            .where { group in
                var group = group
                if !nameKey.isEmpty { group = group.orWhere { $0.where("name_key", .equal, SQLBind(nameKey)).where("division_code", .equal, SQLBind(division)) } }
                if !addressKey.isEmpty { group = group.orWhere("address_key", .equal, SQLBind(addressKey)) }
                return group
            }
        if let except { query = query.where("id", .notEqual, SQLBind(except)) }
        let rows = try await query.limit(5000).all()
        let others = try rows.map { row in
            DuplicateRecord(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                            address: try row.decode(column: "operating_address", as: String.self), creditCode: nil)
        }
        let found = caller.tables.duplicateMatcher.matches(for: DuplicateRecord(id: except ?? UUID(), name: name, address: address, creditCode: nil), among: others)
        guard !found.isEmpty else { return [] }
        let decided = try await confirmedDifferent(except, on: caller.db)
        let departments = try await DepartmentQueries.names(on: caller.db)
        let byID = Dictionary(try rows.map { (try $0.decode(column: "id", as: UUID.self), $0) }, uniquingKeysWith: { a, _ in a })
        return try found.filter { !decided.contains($0.second) }.prefix(10).compactMap { candidate in
            guard let row = byID[candidate.second] else { return nil }
            let department = try row.decode(column: "department_id", as: UUID?.self)
            let category = try row.decode(column: "top_category", as: String.self)
            let division = try row.decode(column: "division_code", as: String.self)
            let zone = try row.decode(column: "area", as: String?.self)
            let inScope = caller.scope.allowsDepartment(department) && caller.scope.allowsCategory(category) && caller.scope.allowsArea(division: division, zone: zone)
            return Match(id: candidate.second.uuidString, name: try row.decode(column: "name", as: String.self),
                         unitCode: try row.decode(column: "unit_code", as: String.self), address: try row.decode(column: "operating_address", as: String.self),
                         department: department.flatMap { departments[$0] } ?? "未指定科室", score: String(format: "%.2f", candidate.score), canOpen: inScope)
        }
    }

    /// Units already confirmed to be another unit than `id`.
    static func confirmedDifferent(_ id: UUID?, on db: any Database) async throws -> Set<UUID> {
        guard let id else { return [] }
        let rows = try await db.sql.select().columns("first_id", "second_id").from("duplicate_pairs").where("status", .equal, "different")
            .where { $0.where("first_id", .equal, SQLBind(id)).orWhere("second_id", .equal, SQLBind(id)) }.all()
        return Set(try rows.map { row in
            let first = try row.decode(column: "first_id", as: UUID.self)
            return first == id ? try row.decode(column: "second_id", as: UUID.self) : first
        })
    }

    /// Throws `Likely` when the unit may duplicate one the clerk has not confirmed as different.
    static func requireChecked(_ unit: ValidatedEntity, except: UUID?, confirmed: [String]?, caller: Caller) async throws {
        let confirmed = Set((confirmed ?? []).compactMap { UUID(uuidString: $0.trimmed)?.uuidString })
        let open = try await likely(name: unit.name, address: unit.operatingAddress, division: unit.division.value, except: except, caller: caller)
            .filter { !confirmed.contains($0.id) }
        if !open.isEmpty { throw Likely(matches: open) }
    }

    /// The API's answer to likely duplicates: 409 naming them; the client confirms with notDuplicateOf.
    static func answeringAPI<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let likely as Likely {
            throw APIError(.conflict, code: "duplicate.likely", message: likely.message.replacingOccurrences(of: "勾选确认后再保存", with: "在 notDuplicateOf 中列出其 id 后重新提交")
                + "（" + likely.matches.map { "\($0.name)：\($0.id)" }.joined(separator: "；") + "）")
        }
    }

    /// Records the clerk's "not the same unit" for each confirmed unit, in the save's transaction.
    static func recordConfirmed(_ id: UUID, different others: [String]?, caller: Caller, on tx: any Database) async throws {
        for other in Set((others ?? []).compactMap { UUID(uuidString: $0.trimmed) }) where other != id {
            let (first, second) = id.uuidString < other.uuidString ? (id, other) : (other, id)
            try await tx.sql.raw("""
                INSERT INTO duplicate_pairs (first_id, second_id, reason, score, status, found_at, decided_by, decided_at)
                VALUES (\(bind: first), \(bind: second), \(bind: DuplicateReason.similarNameAndAddress.rawValue), \(bind: 0.0), 'different',
                        \(bind: caller.now.millis), \(bind: caller.actor.name), \(bind: caller.now.millis))
                ON CONFLICT (first_id, second_id) DO UPDATE SET status = 'different', decided_by = excluded.decided_by, decided_at = excluded.decided_at
                """).run()
            try await caller.audit(.qualityDifferent, target: ("entity", id.uuidString), details: ["other": other.uuidString, "at": "entry"], on: tx)
        }
    }
}
