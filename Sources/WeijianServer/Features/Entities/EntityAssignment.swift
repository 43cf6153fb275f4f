import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Who is responsible for a unit: its department, its 片区 and its inspectors. Units are assigned
/// many at a time from the unit list (the selected ones, or every unit matching the list's filter;
/// issue 11: imported units belonged to no one and were edited one by one), and an inspector's
/// units are handed to another when they leave. Every change stays inside the caller's data
/// scope, is written to each unit's history and commits with one audit event.
enum EntityAssignment {
    struct Input: Content, Sendable {
        /// "selected" (the `ids`) or "filter" (every unit the list's filters match).
        var target: String?
        var ids: [String]?
        var filters: EntitySearch.Filters?
        /// Responsible department (id); empty leaves it unchanged.
        var departmentID: String?
        /// 片区; empty leaves it unchanged.
        var area: String?
        /// An inspector (id or username) added to the units; empty leaves them unchanged.
        var inspector: String?
        /// The inspector replaces the units' other inspectors instead of joining them.
        var replaceInspectors: Bool?
    }

    struct Outcome: Content, Sendable {
        let assigned: Int
    }

    /// Units in one statement's `IN` list.
    static let chunk = 500

    /// Applies the assignment; throws every problem with the input at once, before anything is stored.
    static func assign(_ input: Input, by caller: Caller) async throws -> Outcome {
        var errors = ValidationCollector()
        let db = caller.db
        var chosenDepartment: (id: UUID, name: String)?
        if let raw = input.departmentID?.trimmed.nilIfEmpty {
            let found = try await UUID(uuidString: raw).asyncMap { try await Department.find($0, on: db) } ?? nil
            if let found, found.active, let id = found.id {
                chosenDepartment = (id, found.name)
                if !caller.scope.allowsDepartment(id) {
                    errors.add(ValidationError(field: "责任科室", code: "scope.department", message: "“\(found.name)”不在您的数据范围内"))
                }
            } else {
                errors.add(ValidationError(field: "责任科室", code: "department.unknown", message: "请从列表中选择在用的科室"))
            }
        }
        let department = chosenDepartment
        let area = errors.text(input.area, field: "片区", max: EntityField.byKey["area"]?.maxLength ?? 50)
        var chosenInspector: UserQueries.Supervisor?
        if let raw = input.inspector?.trimmed.nilIfEmpty {
            let choices = try await UserQueries.supervisors(in: caller.scope, activeOnly: true, on: db)
            chosenInspector = choices.first { $0.id.uuidString == raw || $0.username == raw.lowercased() }
            if chosenInspector == nil { errors.add(ValidationError(field: "监督员", code: "inspector.unknown", message: "请从列表中选择您数据范围内在用的监督员或科室负责人")) }
        }
        if input.departmentID?.trimmed.nilIfEmpty == nil, area == nil, input.inspector?.trimmed.nilIfEmpty == nil {
            errors.add(ValidationError(field: "指派内容", code: "required", message: "请至少选择责任科室、片区或监督员中的一项"))
        }
        let inspector = chosenInspector
        let units = try await targets(input, caller: caller, errors: &errors)
        if let area {
            let outside = units.filter { !caller.scope.allowsArea(division: $0.division, zone: area) }
            if !outside.isEmpty {
                errors.add(ValidationError(field: "片区", code: "scope.area", message: "“\(area)”不在您的数据范围内，\(outside.count)户单位指派后将无法管理"))
            }
        }
        try errors.check()

        let departments = try await DepartmentQueries.names(on: db)
        let inspectorNames = try await inspectorNames(units.map(\.id), on: db)
        return try await db.writeTransaction { tx in
            let origin = EntityQueries.Origin(actor: caller.actor, action: "assign", comment: "", source: .internal)
            for slice in units.chunked(chunk) {
                let ids = SQLBind.group(slice.map(\.id))
                var update = tx.sql.update(SupervisedEntity.schema).set("updated_at", to: SQLBind(caller.now))
                if let department { update = update.set("department_id", to: SQLBind(department.id)) }
                if let area { update = update.set("area", to: SQLBind(area)) }
                try await update.where("id", .in, ids).run()
                if let inspector {
                    let removing = tx.sql.delete(from: "entity_inspectors").where("entity_id", .in, ids)
                    try await (input.replaceInspectors == true ? removing : removing.where("user_id", .equal, SQLBind(inspector.id))).run()
                    try await tx.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id")
                        .rows(slice.map { [SQLBind($0.id), SQLBind(inspector.id)] as [any SQLExpression] }).run()
                }
            }
            for unit in units {
                var changes: [EntityQueries.Change] = []
                if let department, department.id != unit.department {
                    changes.append(.init(field: "责任科室", from: unit.department.flatMap { departments[$0] } ?? "", to: department.name))
                }
                if let area, area != unit.area { changes.append(.init(field: "片区", from: unit.area ?? "", to: area)) }
                if let inspector {
                    let before = inspectorNames[unit.id] ?? []
                    let after = input.replaceInspectors == true ? [inspector.displayName] : Array(Set(before + [inspector.displayName])).sorted()
                    if before.sorted() != after.sorted() {
                        changes.append(.init(field: "监督员", from: before.sorted().joined(separator: "、"), to: after.sorted().joined(separator: "、")))
                    }
                }
                if !changes.isEmpty { try await EntityQueries.record(entityID: unit.id, origin: origin, changes: changes, on: tx, now: caller.now) }
            }
            var details = ["count": "\(units.count)", "idsSHA256": ImportReport.sha256(Data(units.map(\.id.uuidString).joined(separator: ",").utf8))]
            if let department { details["department"] = department.name }
            if let area { details["area"] = area }
            if let inspector { details["inspector"] = inspector.username + (input.replaceInspectors == true ? "（替换）" : "") }
            try await caller.audit(.entityAssign, target: ("entity", units.count == 1 ? units[0].id.uuidString : "\(units.count)"), details: details, on: tx)
            return Outcome(assigned: units.count)
        }
    }

    struct Unit: Sendable {
        let id: UUID
        let department: UUID?
        let area: String?
        let division: String
        let merged: Bool
    }

    /// The units to assign, all inside the caller's scope: the selected ids (one outside the scope
    /// is refused and audited), or every unit matching the filters.
    static func targets(_ input: Input, caller: Caller, errors: inout ValidationCollector) async throws -> [Unit] {
        func read(_ query: SQLSelectBuilder) async throws -> [Unit] {
            try await query.column(SQLColumn("id", table: "e")).column(SQLColumn("department_id", table: "e"))
                .column(SQLColumn("area", table: "e")).column(SQLColumn("division_code", table: "e")).column(SQLColumn("status", table: "e")).all().map { row in
                    Unit(id: try row.decode(column: "id", as: UUID.self), department: try row.decode(column: "department_id", as: UUID?.self),
                         area: try row.decode(column: "area", as: String?.self), division: try row.decode(column: "division_code", as: String.self),
                         merged: try row.decode(column: "status", as: String.self) == SupervisedEntity.Status.merged.rawValue)
                }
        }
        switch input.target {
        case "filter":
            let filters = input.filters ?? .init()
            let search = EntitySearch.search(filters, on: caller.db)
            let units = try await read(EntitySearch.base(filters, scope: caller.scope, search: search, on: caller.db))
            if units.isEmpty { errors.add(ValidationError(field: "指派范围", code: "empty", message: "当前筛选条件没有匹配的单位")) }
            return units
        case "selected":
            let ids = Set((input.ids ?? []).compactMap { UUID(uuidString: $0.trimmed) })
            guard !ids.isEmpty else {
                errors.add(ValidationError(field: "指派范围", code: "empty", message: "请先勾选要指派的单位"))
                return []
            }
            var units: [Unit] = []
            for slice in Array(ids).chunked(chunk) {
                let query = caller.db.sql.select().from(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")))
                    .where(SQLColumn("id", table: "e"), .in, SQLBind.group(Array(slice)))
                units += try await read(caller.scope.applyToUnits(query))
            }
            if let outside = ids.subtracting(units.map(\.id)).first {
                try await caller.refuseOutOfScope("entity", id: outside.uuidString)
            }
            let merged = units.filter(\.merged).count
            if merged > 0 { errors.add(ValidationError(field: "指派范围", code: "entity.merged", message: "选中的单位中有\(merged)户已被合并，请指派合并后的单位")) }
            return units
        default:
            errors.add(ValidationError(field: "指派范围", code: "choice", message: "应为选中的单位（selected）或全部筛选结果（filter）"))
            return []
        }
    }

    /// The inspectors' names of each unit, for the history.
    static func inspectorNames(_ ids: [UUID], on db: any Database) async throws -> [UUID: [String]] {
        var names: [UUID: [String]] = [:]
        for slice in ids.chunked(chunk) {
            let rows = try await db.sql.select().column(SQLColumn("entity_id", table: "i")).column(SQLColumn("display_name", table: "u"))
                .from(SQLAlias(SQLIdentifier("entity_inspectors"), as: SQLIdentifier("i")))
                .join(SQLAlias(SQLIdentifier(User.schema), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "i"))
                .where(SQLColumn("entity_id", table: "i"), .in, SQLBind.group(Array(slice))).all()
            for row in rows { names[try row.decode(column: "entity_id", as: UUID.self), default: []].append(try row.decode(column: "display_name", as: String.self)) }
        }
        return names
    }

    /// Hands the units of one inspector that lie in the caller's scope to another in one step (a
    /// departing or disabled inspector's units). Returns how many moved and how many of the
    /// inspector's units stayed because they are outside the caller's scope.
    static func handOver(from: UUID, to: UUID, by caller: Caller) async throws -> (moved: Int, outOfScope: Int) {
        let names = try await caller.db.sql.select().columns("id", "display_name").from(User.schema).where("id", .in, SQLBind.group([from, to])).all()
            .reduce(into: [UUID: String]()) { $0[try $1.decode(column: "id", as: UUID.self)] = try $1.decode(column: "display_name", as: String.self) }
        return try await caller.db.writeTransaction { tx in
            var query = tx.sql.select().column(SQLColumn("id", table: "e")).from(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")))
                .join(SQLAlias(SQLIdentifier("entity_inspectors"), as: SQLIdentifier("i")), on: SQLColumn("entity_id", table: "i"), .equal, SQLColumn("id", table: "e"))
                .where(SQLColumn("user_id", table: "i"), .equal, SQLBind(from))
            let all = try await query.all().count
            query = caller.scope.applyToUnits(query)
            let ids = try await query.all().map { try $0.decode(column: "id", as: UUID.self) }
            let origin = EntityQueries.Origin(actor: caller.actor, action: "handover", comment: "", source: .internal)
            for slice in ids.chunked(chunk) {
                try await tx.sql.delete(from: "entity_inspectors").where("entity_id", .in, SQLBind.group(Array(slice)))
                    .where("user_id", .in, SQLBind.group([from, to])).run()
                try await tx.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id").rows(slice.map { [SQLBind($0), SQLBind(to)] as [any SQLExpression] }).run()
            }
            for id in ids {
                try await EntityQueries.record(entityID: id, origin: origin,
                                               changes: [.init(field: "监督员", from: names[from] ?? from.uuidString, to: names[to] ?? to.uuidString)], on: tx, now: caller.now)
            }
            try await caller.audit(.entityHandover, target: ("user", from.uuidString),
                                   details: ["to": to.uuidString, "count": "\(ids.count)", "outOfScope": "\(all - ids.count)"], on: tx)
            return (ids.count, all - ids.count)
        }
    }
}

extension EntityAssignment.Input: APIExample {
    static let example = EntityAssignment.Input(target: "filter", ids: ["3F2504E0-4F89-11D3-9A0C-0305E82C3301"],
                                                filters: .init(q: "宾馆", category: "GG01", division: "350102", area: "", department: "", status: "operating",
                                                               grade: "", source: "external", inspector: "", page: 1),
                                                departmentID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", area: "一片区", inspector: "ggjd1", replaceInspectors: false)
}

extension EntityAssignment.Outcome: APIExample {
    static let example = EntityAssignment.Outcome(assigned: 120)
}
