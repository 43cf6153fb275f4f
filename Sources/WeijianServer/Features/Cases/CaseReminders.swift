import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 案件提醒: what a case waits for goes to the inbox of whoever must act — 立案 to the department's
/// heads, the decision (once the 陈述申辩 period is over) to the leaders whose scope holds the case,
/// and each of the institute's own deadlines to the handlers three days before it and when it has
/// passed. Each item is raised once (dedupe keys).
enum CaseReminders {
    /// Days before an institute-side deadline that the handlers are reminded.
    static let lead = 3

    static func remind(_ app: Application) async throws {
        let now = app.clock.now()
        let today = LocalDate(instant: now)
        let db = app.db
        let calendar = try await CalendarStore.load(on: db)
        let open = CaseState.allCases.filter { !$0.isFinal }.map(\.rawValue)
        var offset = 0
        while true {
            let rows = try await db.sql.select().columns(CaseQueries.columns).from("cases").where("state", .in, SQLBind.group(open))
                .orderBy("id").limit(500).offset(offset).all()
            for row in rows {
                let record = try CaseQueries.decode(row)
                let items = CaseDeadlines.items(record.dates, calendar: calendar)
                let link = "/app/cases/\(record.id)"
                switch record.state {
                case .accepted:
                    for user in try await approvers([.departmentHead], department: record.departmentID, headsOnly: true, on: db) {
                        try await Inbox.notify(userID: user, kind: .task, title: "立案审批：案件\(record.number)（\(record.partyName)）待立案", link: link,
                                               dedupeKey: "case-file-\(record.id)", on: db, now: now)
                    }
                case .notified:
                    let ends = items.first { $0.code == "case.statement" }?.due
                    if record.statementWaived || ends.map({ $0 < today }) == true {
                        for user in try await approvers([.leader], department: record.departmentID, headsOnly: false, on: db) {
                            try await Inbox.notify(userID: user, kind: .task, title: "作出决定：案件\(record.number)（\(record.partyName)）陈述申辩期已届满，待作出处罚决定",
                                                   link: link, dedupeKey: "case-decide-\(record.id)", on: db, now: now)
                        }
                    }
                default:
                    break
                }
                let handlers = try await db.sql.select().column("user_id").from("case_handlers").where("case_id", .equal, SQLBind(record.id)).all()
                    .map { try $0.decode(column: "user_id", as: UUID.self) }
                for item in items where !item.met && !CasePages.partySide.contains(item.code) && item.code != "case.limitation" {
                    let daysLeft = today.days(until: item.due)
                    guard daysLeft <= lead else { continue }
                    let overdue = daysLeft < 0
                    for user in handlers {
                        try await Inbox.notify(userID: user, kind: overdue ? .task : .reminder,
                                               title: "案件\(record.number)：\(item.name)期限\(overdue ? "已于\(item.due)届满" : "于\(item.due)届满")",
                                               link: link + "#deadlines", dueDate: item.due.description,
                                               dedupeKey: "case-\(record.id)-\(item.code)-\(overdue ? "overdue" : "near")", on: db, now: now)
                    }
                }
            }
            guard rows.count == 500 else { break }
            offset += 500
        }
    }

    /// Active staff holding one of `roles`: in the case's department (heads), or with a scope that
    /// covers it (leaders usually hold every department).
    static func approvers(_ roles: Set<Role>, department: UUID, headsOnly: Bool, on db: any Database) async throws -> [UUID] {
        let users = try await db.sql.select().column(SQLColumn("id", table: "u")).column(SQLColumn("department_id", table: "u"))
            .from(SQLAlias(SQLIdentifier(User.schema), as: SQLIdentifier("u")))
            .where(SQLColumn("status", table: "u"), .equal, SQLBind(User.Status.active.rawValue))
            .where(SQLColumn("id", table: "u"), .in, SQLSubquery.select { $0.column("user_id").from(RoleGrant.schema).where("role", .in, SQLBind.group(roles.map(\.rawValue))) })
            .all()
        return try users.compactMap { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let home = try row.decode(column: "department_id", as: UUID?.self)
            return !headsOnly || home == department ? id : nil
        }
    }
}
