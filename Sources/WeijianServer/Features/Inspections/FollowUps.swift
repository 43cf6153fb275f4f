import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 复查: when the deadline of a 责令改正 arrives, the inspectors of the inspection get a task to
/// inspect again; items still open after their deadline are listed for the department head.
enum FollowUps {
    /// One inspection whose items to correct are due: its unit, deadline and inspectors.
    struct Due: Content, Sendable {
        let inspectionID: UUID
        let inspectionNumber: String
        let entityID: UUID
        let entityName: String
        let deadline: String
        let items: Int
        let inspectors: String
        /// Past its deadline (not just due today).
        let overdue: Bool
    }

    static func dueQuery(on db: any Database, today: LocalDate) -> SQLSelectBuilder {
        db.sql.select()
            .column(SQLColumn("inspection_id", table: "r")).column(SQLColumn("number", table: "i")).column(SQLColumn("entity_id", table: "r"))
            .column(SQLColumn("name", table: "e"))
            .column(SQLFunction("MIN", args: SQLColumn("deadline", table: "r")), as: "deadline")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "items")
            .from(SQLAlias(SQLIdentifier("rectifications"), as: SQLIdentifier("r")))
            .join(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")), method: SQLJoinMethod.inner, on: SQLColumn("inspection_id", table: "r"), .equal, SQLColumn("id", table: "i"))
            .join(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner, on: SQLColumn("entity_id", table: "r"), .equal, SQLColumn("id", table: "e"))
            .where(SQLColumn("status", table: "r"), .equal, SQLBind("open"))
            .where(SQLColumn("deadline", table: "r"), .lessThanOrEqual, SQLBind(today.description))
            .groupBy(SQLColumn("inspection_id", table: "r")).groupBy(SQLColumn("number", table: "i")).groupBy(SQLColumn("entity_id", table: "r"))
            .groupBy(SQLColumn("name", table: "e"))
    }

    static func decode(_ row: any SQLRow, today: LocalDate, on db: any Database) async throws -> Due {
        let id = try row.decode(column: "inspection_id", as: UUID.self)
        let deadline = try row.decode(column: "deadline", as: String.self)
        return Due(inspectionID: id, inspectionNumber: try row.decode(column: "number", as: String?.self) ?? "",
                   entityID: try row.decode(column: "entity_id", as: UUID.self), entityName: try row.decode(column: "name", as: String.self),
                   deadline: deadline, items: try row.decode(column: "items", as: Int.self),
                   inspectors: try await InspectionQueries.inspectors(id, on: db).map(\.name).joined(separator: "、"),
                   overdue: LocalDate(deadline).map { $0 < today } ?? false)
    }

    /// Inspections with items due for a follow-up, within the caller's scope, oldest deadline first.
    static func due(today: LocalDate, page: Int, caller: Caller) async throws -> Paged<Due> {
        let query = caller.scope.applyToUnits(dueQuery(on: caller.db, today: today)).orderBy(SQLRaw("deadline")).orderBy(SQLColumn("inspection_id", table: "r"))
        let total = try await caller.scope.applyToUnits(caller.db.sql.select().column(SQLFunction("COUNT", args: SQLRaw("DISTINCT r.inspection_id")), as: "n")
            .from(SQLAlias(SQLIdentifier("rectifications"), as: SQLIdentifier("r")))
            .join(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner, on: SQLColumn("entity_id", table: "r"), .equal, SQLColumn("id", table: "e"))
            .where(SQLColumn("status", table: "r"), .equal, SQLBind("open"))
            .where(SQLColumn("deadline", table: "r"), .lessThanOrEqual, SQLBind(today.description))).first()?.decode(column: "n", as: Int.self) ?? 0
        let size = 50
        let shape = Paged<Due>(rows: [], total: total, page: page, pageSize: size)
        var rows: [Due] = []
        for row in try await query.limit(size).offset((shape.page - 1) * size).all() { rows.append(try await decode(row, today: today, on: caller.db)) }
        return Paged(rows: rows, total: total, page: shape.page, pageSize: size)
    }

    /// The daily job: a task in each inspector's inbox on the day the items are due (once per inspection).
    static func remind(_ app: Application) async throws {
        let now = app.clock.now()
        let today = LocalDate(instant: now)
        var offset = 0
        while true {
            let rows = try await dueQuery(on: app.db, today: today).orderBy(SQLColumn("inspection_id", table: "r")).limit(500).offset(offset).all()
            for row in rows {
                let due = try await decode(row, today: today, on: app.db)
                for inspector in try await InspectionQueries.inspectors(due.inspectionID, on: app.db) {
                    try await Inbox.notify(userID: inspector.userID, kind: .task,
                                           title: "复查：\(due.entityName)责令改正的\(due.items)项已到期（\(due.deadline)），请进行复查",
                                           link: "/app/entities/\(due.entityID)/inspections/new?followUp=\(due.inspectionID)", dueDate: due.deadline,
                                           dedupeKey: "follow-up-\(due.inspectionID)", on: app.db, now: now)
                }
            }
            guard rows.count == 500 else { break }
            offset += 500
        }
    }
}

extension FollowUps.Due: APIExample {
    static let example = FollowUps.Due(inspectionID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, inspectionNumber: "JC202600012",
                                       entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!, entityName: "福州清波游泳馆有限公司",
                                       deadline: "2026-12-10", items: 2, inspectors: "陈志强、林海燕", overdue: false)
}
