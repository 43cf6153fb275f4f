import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 量化分级 frequency in bulk: each unit's latest graded inspection, its grade and the next
/// inspection due (A yearly, B twice, C and ungraded three times a year), and the units whose
/// next inspection is overdue — one aggregate query, the dates computed in Core.
enum InspectionSchedule {
    struct Row: Content, Sendable {
        let entityID: UUID
        let entityName: String
        let lastInspected: String
        let grade: String
        let gradeName: String
        let nextDue: String
        let daysOverdue: Int
    }

    /// Every unit's latest submitted inspection date and the grade it gave: the per-unit maximum
    /// (one GROUP BY) joined back for the grade; two inspections on that day are settled by `latest`.
    /// (A NOT EXISTS form took 4.4 s over 1,000,000 inspections against 0.6 s for the aggregation.)
    static func latestQuery(on db: any Database) -> SQLSelectBuilder {
        db.sql.select()
            .column(SQLColumn("id", table: "e")).column(SQLColumn("name", table: "e"))
            .column(SQLColumn("inspected_on", table: "i")).column(SQLColumn("grade", table: "i")).column(SQLColumn("submitted_at", table: "i"))
            .from(SQLRaw("(SELECT entity_id, MAX(inspected_on) AS last FROM inspections WHERE status = 'submitted' GROUP BY entity_id) m"))
            .join(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")), method: SQLJoinMethod.inner,
                  on: SQLRaw("i.entity_id = m.entity_id AND i.status = 'submitted' AND i.inspected_on = m.last"))
            .join(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner, on: SQLColumn("id", table: "e"), .equal, SQLColumn("entity_id", table: "m"))
    }

    /// One row per unit: of two inspections on the last day, the one submitted last.
    static func latest(_ rows: [any SQLRow], today: LocalDate) throws -> [Row] {
        var best: [UUID: (Int64, Row)] = [:]
        for sqlRow in rows {
            guard let row = try row(sqlRow, today: today) else { continue }
            let submitted = try sqlRow.decode(column: "submitted_at", as: Int64?.self) ?? 0
            if let current = best[row.entityID], current.0 >= submitted { continue }
            best[row.entityID] = (submitted, row)
        }
        return best.values.map(\.1)
    }

    static func row(_ row: any SQLRow, today: LocalDate) throws -> Row? {
        guard let last = LocalDate(try row.decode(column: "inspected_on", as: String.self)) else { return nil }
        let grade = try row.decode(column: "grade", as: String?.self).flatMap(Grading.Grade.init(rawValue:)) ?? .none
        let due = Grading.nextDue(after: last, grade: grade)
        return Row(entityID: try row.decode(column: "id", as: UUID.self), entityName: try row.decode(column: "name", as: String.self),
                   lastInspected: last.description, grade: grade.rawValue, gradeName: grade.chinese, nextDue: due.description,
                   daysOverdue: max(0, due.days(until: today)))
    }

    /// Units in the caller's scope whose next inspection is past due, most overdue first, paged.
    static func overdue(today: LocalDate, page: Int, caller: Caller) async throws -> Paged<Row> {
        let rows = try await caller.scope.applyToUnits(latestQuery(on: caller.db)).where(SQLColumn("status", table: "e"), .equal, SQLBind("operating")).all()
        let late = try latest(rows, today: today).filter { $0.daysOverdue > 0 }
            .sorted { $0.daysOverdue != $1.daysOverdue ? $0.daysOverdue > $1.daysOverdue : $0.entityName < $1.entityName }
        let size = 50
        let shape = Paged<Row>(rows: [], total: late.count, page: page, pageSize: size)
        return Paged(rows: Array(late.dropFirst((shape.page - 1) * size).prefix(size)), total: late.count, page: shape.page, pageSize: size)
    }

    /// Every unit's next due date (the benchmark's subject, and reports).
    static func all(today: LocalDate, on db: any Database) async throws -> [Row] {
        try latest(try await latestQuery(on: db).all(), today: today)
    }
}

extension InspectionSchedule.Row: APIExample {
    static let example = InspectionSchedule.Row(entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, entityName: "福州清波游泳馆有限公司",
                                                lastInspected: "2026-03-02", grade: "B", gradeName: "B级", nextDue: "2026-09-02", daysOverdue: 92)
}
