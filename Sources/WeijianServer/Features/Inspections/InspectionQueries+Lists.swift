import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

extension InspectionQueries {
    /// One inspection as lists show it.
    struct Row: Content, Sendable {
        let id: UUID
        let number: String
        let entityID: UUID
        let entityName: String
        let inspectedOn: String
        let source: String
        let status: String
        let statusName: String
        let grade: String
        let gradeName: String
        /// Why this inspection did not grade the unit (the new-licensee rule), or "".
        let gradeNote: String
        let score: String
        let late: Bool
        let entryDue: String
        let createdBy: String
    }

    enum View: String, CaseIterable, Sendable {
        case all, drafts, late
    }

    static func listQuery(on db: any Database) -> SQLSelectBuilder {
        db.sql.select()
            .columns(["id", "number", "entity_id", "inspected_on", "source", "status", "grade", "grade_note", "score_tenths", "late", "entry_due", "created_by"].map { SQLColumn($0, table: "i") as any SQLExpression })
            .column(SQLColumn("name", table: "e"))
            .from(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")))
            .join(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner, on: SQLColumn("entity_id", table: "i"), .equal, SQLColumn("id", table: "e"))
    }

    static func decodeRow(_ row: any SQLRow) throws -> Row {
        let status = InspectionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft
        let grade = try row.decode(column: "grade", as: String?.self).flatMap(Grading.Grade.init(rawValue:))
        let tenths = try row.decode(column: "score_tenths", as: Int?.self)
        let note = try row.decode(column: "grade_note", as: String?.self) ?? ""
        return Row(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: String?.self) ?? "（草稿）",
                   entityID: try row.decode(column: "entity_id", as: UUID.self), entityName: try row.decode(column: "name", as: String.self),
                   inspectedOn: try row.decode(column: "inspected_on", as: String.self),
                   source: InspectionSource(rawValue: try row.decode(column: "source", as: String.self))?.chinese ?? "",
                   status: status.rawValue, statusName: status.chinese, grade: grade?.rawValue ?? "", gradeName: note.isEmpty ? grade?.chinese ?? "" : "待评级", gradeNote: note,
                   score: tenths.map { Grading.text(Double($0) / 10) } ?? "", late: try row.decode(column: "late", as: Bool.self),
                   entryDue: try row.decode(column: "entry_due", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self))
    }

    /// Inspections within the caller's scope, newest first: all, drafts, or the ones entered after
    /// the time limit (and drafts already past it) that the department head reviews.
    static func list(view: View, entityID: UUID? = nil, page: Int, today: LocalDate, caller: Caller) async throws -> Paged<Row> {
        try await Paged.read(filtered(view: view, entityID: entityID, today: today, caller: caller), page: page, pageSize: 50, on: caller.db) { try $0.map(decodeRow) }
    }

    /// Every row of a view, for the export (as many as the list's total).
    static func all(view: View, entityID: UUID? = nil, today: LocalDate, caller: Caller) async throws -> [Row] {
        try await filtered(view: view, entityID: entityID, today: today, caller: caller).all().map(decodeRow)
    }

    static func filtered(view: View, entityID: UUID?, today: LocalDate, caller: Caller) -> SQLSelectBuilder {
        var query = caller.scope.applyToUnits(listQuery(on: caller.db))
        if let entityID { query = query.where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID)) }
        switch view {
        case .all: break
        case .drafts: query = query.where(SQLColumn("status", table: "i"), .equal, SQLBind("draft"))
        case .late:
            query = query.where { group in
                group.where(SQLColumn("late", table: "i"), .equal, SQLBind(true))
                    .orWhere { draft in
                        draft.where(SQLColumn("status", table: "i"), .equal, SQLBind("draft")).where(SQLColumn("entry_due", table: "i"), .lessThan, SQLBind(today.description))
                    }
            }
        }
        return query.orderBy(SQLColumn("inspected_on", table: "i"), SQLDirection.descending).orderBy(SQLColumn("created_at", table: "i"), SQLDirection.descending)
    }

    /// What the unit's page shows of its inspections: the latest ones, the grade and its history,
    /// the next inspection due, and the items still to correct.
    struct UnitSummary: Encodable, Sendable {
        let recent: [Row]
        let total: Int
        let grade: String
        let gradeName: String
        let gradedOn: String
        /// Why the latest inspection did not grade the unit (a new licensee), or "".
        let awaitingGrade: String
        let nextDue: String
        let overdue: Bool
        let gradeHistory: [Row]
        let open: [Rectification]
    }

    static func unitSummary(_ entityID: UUID, today: LocalDate, on db: any Database) async throws -> UnitSummary {
        let base = listQuery(on: db).where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID))
        let total = try await base.countMatching()
        let recent = try await listQuery(on: db).where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID))
            .orderBy(SQLColumn("inspected_on", table: "i"), SQLDirection.descending).orderBy(SQLColumn("created_at", table: "i"), SQLDirection.descending)
            .limit(10).all().map(decodeRow)
        let graded = try await listQuery(on: db).where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID))
            .where(SQLColumn("status", table: "i"), .equal, SQLBind("submitted"))
            .orderBy(SQLColumn("inspected_on", table: "i"), SQLDirection.descending).limit(10).all().map(decodeRow)
        // The grade and the schedule as submissions keep them on the unit (InspectionSchedule).
        let kept = try await db.sql.select().columns("grade", "last_inspected_on", "next_due").from("entities").where("id", .equal, SQLBind(entityID)).first()
        let grade = try kept?.decode(column: "grade", as: String?.self) ?? ""
        let nextDue = try kept?.decode(column: "next_due", as: String?.self) ?? ""
        let awaiting = graded.first?.gradeNote ?? ""
        return UnitSummary(recent: recent, total: total, grade: grade,
                           gradeName: Grading.Grade(rawValue: grade)?.chinese ?? (grade.isEmpty ? (graded.isEmpty ? "未检查" : "未评级") : grade),
                           gradedOn: try kept?.decode(column: "last_inspected_on", as: String?.self) ?? "", awaitingGrade: awaiting,
                           nextDue: nextDue, overdue: LocalDate(nextDue).map { $0 < today } ?? false,
                           gradeHistory: graded, open: try await openRectifications(entityID: entityID, on: db))
    }
}

extension InspectionQueries.Row: APIExample {
    static let example = InspectionQueries.Row(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, number: "JC202600012",
                                               entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!, entityName: "福州阳光游泳馆有限公司",
                                               inspectedOn: "2026-12-03", source: "日常", status: "submitted", statusName: "已提交", grade: "none",
                                               gradeName: "不予评级", gradeNote: "", score: "0", late: false, entryDue: "2026-12-10", createdBy: "陈志强(jiandu1)")
}
