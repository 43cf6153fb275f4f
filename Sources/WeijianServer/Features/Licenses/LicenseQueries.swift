import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The licence lifecycle: issue, change, renew, reissue, cancel, withdraw, revoke — each an event
/// in `license_events` — and the lists of licences nearing expiry or review.
enum LicenseQueries {
    /// The issuing organs (DOMAIN.md: licences are issued in the name of the 卫生健康委 or the 行政审批局).
    static let organs = ["卫生健康委员会", "行政审批局"]

    struct Input: Content, Sendable {
        var event: String?
        var number: String?
        var scope: String?
        var issuingOrgan: String?
        var issueDate: String?
        var validUntil: String?
        var eventDate: String?
        var reason: String?
        var categoryCode: String?
    }

    /// Checks a new licence or filing and builds it without saving (shared by the form, the API and imports).
    static func prepare(_ input: Input, entityID: UUID, defaultCategory: String, categories: [String: SupervisionCategory], now: Date) throws -> HealthLicense {
        let categoryCode = input.categoryCode?.trimmed.nilIfEmpty ?? defaultCategory
        guard let category = categories[categoryCode] else {
            throw ValidationError(field: "许可类别", code: "category.unknown", message: "“\(categoryCode)”不是有效的专业类别")
        }
        var errors = ValidationCollector()
        if category.licensing == .none {
            errors.add(ValidationError(field: "许可类别", code: "licence.notRequired", message: "“\(category.name)”无需卫生许可或备案"))
        }
        let number = checkedNumber(input.number, pattern: category.licenceNumberPattern, errors: &errors)
        let organ = input.issuingOrgan?.trimmed ?? ""
        if !organs.contains(organ) { errors.add(ValidationError(field: "发证机关", code: "organ", message: "应为\(organs.joined(separator: "或"))")) }
        // Dates against today and each other (issue 11: a licence issued 2030-01-01 was saved as 有效).
        let today = LocalDate(instant: now)
        let issueDate = errors.date(input.issueDate, field: "发证日期", required: true, notAfter: today, notBefore: earliestIssue)
        var validUntil = errors.date(input.validUntil, field: "有效期至")
        if validUntil == nil, let issueDate, let years = category.validYears { validUntil = LicenseTerms.validUntil(from: issueDate, years: years) }
        if let issueDate, let until = validUntil {
            checkTerm(until, from: issueDate, years: category.validYears, errors: &errors)
        }
        let scope = input.scope?.trimmed ?? ""
        if scope.count > 500 { errors.add(ValidationError(field: "许可项目", code: "length", message: "不能超过500个字符")) }
        try errors.check()
        let licence = HealthLicense()
        licence.id = UUID()
        licence.number = number
        licence.kind = category.licensing
        licence.entityID = entityID
        licence.categoryCode = categoryCode
        licence.scope = scope.isEmpty ? category.name : scope
        licence.issuingOrgan = organ
        licence.issueDate = issueDate!.description
        licence.validUntil = validUntil?.description
        licence.nextReview = category.reviewYears.flatMap { LicenseTerms.nextReview(from: issueDate!, every: $0, until: validUntil, today: issueDate!) }?.description
        licence.status = .valid
        licence.createdAt = now
        licence.updatedAt = now
        return licence
    }

    /// Issues a licence or records a filing for a unit.
    static func issue(_ input: Input, entity: SupervisedEntity, by caller: Caller) async throws -> HealthLicense {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        let entityID = try entity.requireID()
        let licence = try prepare(input, entityID: entityID, defaultCategory: entity.categoryCode, categories: try await categoryMap(on: db), now: now)
        try await requireUniqueNumber(licence.number, except: nil, on: db)
        try await db.writeTransaction { tx in
            try await licence.create(on: tx)
            try await event(.issue, licence: licence, date: LocalDate(licence.issueDate)!, reason: "", changes: [], actor: actor, on: tx, now: now)
            try await EntityQueries.reindex(entity, on: tx)
            try await caller.audit(.licenceIssue, target: ("licence", licence.id!.uuidString),
                                      details: ["number": licence.number, "entity": entityID.uuidString], on: tx)
        }
        return licence
    }

    /// Applies a later event to a valid licence.
    static func apply(_ input: Input, to licence: HealthLicense, entity: SupervisedEntity, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        guard let kind = LicenseEvent(rawValue: input.event ?? ""), kind != .issue else {
            throw ValidationError(field: "办理事项", code: "licence.event", message: "应为变更、延续、补办、注销、撤回或撤销")
        }
        guard LicenseEvent.allowed(from: licence.status).contains(kind) else {
            throw ValidationError(field: "办理事项", code: "licence.state", message: "许可证\(licence.status.chinese)，不能\(kind.chinese)")
        }
        var errors = ValidationCollector()
        let eventDate = errors.date(input.eventDate, field: "办理日期", required: true, notAfter: LocalDate(instant: now), notBefore: LocalDate(licence.issueDate))
        let reason = input.reason?.trimmed ?? ""
        if kind.needsReason && reason.count < 2 { errors.add(ValidationError(field: "原因", code: "reason.required", message: "\(kind.chinese)必须写明原因")) }
        if reason.count > 500 { errors.add(ValidationError(field: "原因", code: "length", message: "不能超过500个字符")) }
        let category = try await SupervisionCategory.find(licence.categoryCode, on: db)
        var changes: [EntityQueries.Change] = []
        func set(_ label: String, _ old: String, _ new: String) { if old != new { changes.append(.init(field: label, from: old, to: new)) } }
        switch kind {
        case .change:
            if input.scope?.trimmed.nilIfEmpty == nil && input.number?.trimmed.nilIfEmpty == nil {
                errors.add(ValidationError(field: "许可项目", code: "change.empty", message: "变更时请填写变更后的许可项目或新证号"))
            }
            let scope = input.scope?.trimmed.nilIfEmpty ?? licence.scope
            set("许可项目", licence.scope, scope)
            licence.scope = scope
            if let number = input.number?.trimmed.nilIfEmpty, number != licence.number {
                set("许可证号", licence.number, checkedNumber(number, pattern: category?.licenceNumberPattern, errors: &errors))
            }
        case .renew:
            // 行政许可法 第五十条: the renewed term runs on from the old expiry.
            let start = LocalDate(licence.validUntil ?? "")?.adding(days: 1) ?? eventDate ?? LocalDate(instant: now)
            let until = errors.date(input.validUntil, field: "有效期至")
                ?? category?.validYears.map { LicenseTerms.validUntil(from: start, years: $0) }
            guard let until else {
                errors.add(ValidationError(field: "有效期至", code: "required", message: "该类别无固定有效期，请填写延续后的有效期"))
                try errors.check()
                return
            }
            checkTerm(until, from: start, years: category?.validYears, errors: &errors)
            set("有效期至", licence.validUntil ?? "", until.description)
            licence.validUntil = until.description
            if let years = category?.reviewYears {
                licence.nextReview = LicenseTerms.nextReview(from: start, every: years, until: until, today: start)?.description
            }
            if let number = input.number?.trimmed.nilIfEmpty, number != licence.number {
                set("许可证号", licence.number, checkedNumber(number, pattern: category?.licenceNumberPattern, errors: &errors))
            }
        case .reissue:
            if let number = input.number?.trimmed.nilIfEmpty, number != licence.number {
                set("许可证号", licence.number, checkedNumber(number, pattern: category?.licenceNumberPattern, errors: &errors))
            }
        case .cancel, .withdraw, .revoke, .issue:
            set("状态", licence.status.chinese, kind.resultingStatus.chinese)
        }
        try errors.check()
        if let newNumber = changes.first(where: { $0.field == "许可证号" })?.to {
            try await requireUniqueNumber(newNumber, except: licence.id, on: db)
            licence.number = newNumber
        }
        licence.status = kind.resultingStatus
        licence.updatedAt = now
        let recorded = changes
        try await db.writeTransaction { tx in
            try await licence.save(on: tx)
            try await event(kind, licence: licence, date: eventDate!, reason: reason, changes: recorded, actor: actor, on: tx, now: now)
            try await EntityQueries.reindex(entity, on: tx)
            try await caller.audit(AuditAction(licence: kind), target: ("licence", try licence.requireID().uuidString),
                                      details: ["number": licence.number, "reason": reason], on: tx)
        }
    }

    /// Inserts many new licences with their issue events (a bulk load); the caller indexes the units.
    static func insertMany(_ licences: [HealthLicense], actor: Actor, on db: any Database, now: Date) async throws {
        for chunk in stride(from: 0, to: licences.count, by: 300) {
            let slice = licences[chunk..<min(chunk + 300, licences.count)]
            var insert = db.sql.insert(into: HealthLicense.schema)
                .columns("id", "number", "kind", "entity_id", "category_code", "scope", "issuing_organ", "issue_date", "valid_until", "next_review", "status", "created_at", "updated_at")
            var events = db.sql.insert(into: "license_events").columns("license_id", "event", "event_date", "at", "actor_name", "reason", "changes")
            for l in slice {
                insert = insert.values(SQLBind(l.id), SQLBind(l.number), SQLBind(l.kind.rawValue), SQLBind(l.entityID), SQLBind(l.categoryCode), SQLBind(l.scope),
                                       SQLBind(l.issuingOrgan), SQLBind(l.issueDate), SQLBind(l.validUntil), SQLBind(l.nextReview), SQLBind(l.status.rawValue),
                                       SQLBind(l.createdAt), SQLBind(l.updatedAt))
                events = events.values(SQLBind(l.id), SQLBind(LicenseEvent.issue.rawValue), SQLBind(l.issueDate), SQLBind(now.millis), SQLBind(actor.name),
                                       SQLBind(""), SQLBind("[]"))
            }
            try await insert.run()
            try await events.run()
        }
    }

    static func checkedNumber(_ raw: String?, pattern: String?, errors: inout ValidationCollector) -> String {
        let number = raw?.trimmed ?? ""
        if number.isEmpty {
            errors.add(ValidationError(field: "许可证号", code: "required", message: "必填，不能为空"))
        } else if number.count > 60 {
            errors.add(ValidationError(field: "许可证号", code: "length", message: "不能超过60个字符"))
        } else if let pattern, !pattern.isEmpty, number.range(of: "^(?:\(pattern))$", options: .regularExpression) == nil {
            errors.add(ValidationError(field: "许可证号", code: "licence.pattern", message: "不符合本省格式（\(pattern)）"))
        }
        return number
    }

    /// No health licence predates the 公共场所卫生管理条例 (1987); an earlier date is a typing slip.
    static let earliestIssue = LocalDate(year: 1987, month: 1, day: 1)!
    /// A term without a legal length is still bounded.
    static let longestTermYears = 30

    /// A term ends after it starts and within the category's legal length (延续 starts the day
    /// after the old expiry).
    static func checkTerm(_ until: LocalDate, from start: LocalDate, years: Int?, errors: inout ValidationCollector) {
        if until <= start {
            errors.add(ValidationError(field: "有效期至", code: "date.order", message: "应晚于\(start.description)"))
        } else if case let limit = LicenseTerms.validUntil(from: start, years: years ?? longestTermYears), until > limit {
            errors.add(ValidationError(field: "有效期至", code: "date.term",
                                       message: years.map { "超过法定有效期\($0)年（最迟\(limit.description)）" } ?? "有效期不能超过\(longestTermYears)年（最迟\(limit.description)）"))
        }
    }

    static func requireUniqueNumber(_ number: String, except id: UUID?, on db: any Database) async throws {
        var query = HealthLicense.query(on: db).filter(\.$number == number)
        if let id { query = query.filter(\.$id != id) }
        if try await query.first() != nil {
            throw ValidationError(field: "许可证号", code: "licence.taken", message: "“\(number)”已被其他许可证使用")
        }
    }

    static func event(_ kind: LicenseEvent, licence: HealthLicense, date: LocalDate, reason: String, changes: [EntityQueries.Change],
                      actor: Actor, on db: any Database, now: Date) async throws {
        try await db.sql.insert(into: "license_events")
            .columns("license_id", "event", "event_date", "at", "actor_name", "reason", "changes")
            .values(SQLBind(try licence.requireID()), SQLBind(kind.rawValue), SQLBind(date.description), SQLBind(now.millis), SQLBind(actor.name),
                    SQLBind(reason), SQLBind(String(decoding: try JSONEncoder.sorted.encode(changes), as: UTF8.self)))
            .run()
    }

    static func numbers(entityID: UUID, on db: any Database) async throws -> [String] {
        try await db.sql.select().column("number").from(HealthLicense.schema).where("entity_id", .equal, SQLBind(entityID)).all()
            .map { try $0.decode(column: "number", as: String.self) }
    }

    // MARK: reading

    struct Row: Content {
        let id: String
        let entityID: String
        let entityName: String
        let number: String
        let kind: String
        let category: String
        let scope: String
        let issuingOrgan: String
        let issueDate: String
        let validUntil: String
        let nextReview: String
        let status: String
        let statusCode: String
        /// Days until expiry (negative: expired); nil without a term.
        let daysLeft: Int?
        let renewalDue: String
        let events: [EventRow]
        let allowedEvents: [Choice]
    }

    struct EventRow: Content {
        let event: String
        let date: String
        let actor: String
        let reason: String
        let changes: [EntityQueries.Change]
    }

    struct Choice: Content {
        let value: String
        let label: String
    }

    /// A unit's licences with their events, newest first.
    static func forEntity(_ entityID: UUID, today: LocalDate, on db: any Database) async throws -> [Row] {
        let licences = try await HealthLicense.query(on: db).filter(\.$entityID == entityID).sort(\.$issueDate, .descending).all()
        let categories = try await categoryMap(on: db)
        var rows: [Row] = []
        for licence in licences {
            let events = try await db.sql.select().columns("event", "event_date", "actor_name", "reason", "changes").from("license_events")
                .where("license_id", .equal, SQLBind(try licence.requireID())).orderBy("id", .descending).all()
                .map { row in
                    EventRow(event: LicenseEvent(rawValue: try row.decode(column: "event", as: String.self))?.chinese ?? "",
                             date: try row.decode(column: "event_date", as: String.self), actor: try row.decode(column: "actor_name", as: String.self),
                             reason: try row.decode(column: "reason", as: String.self),
                             changes: try JSONDecoder().decode([EntityQueries.Change].self, from: Data(try row.decode(column: "changes", as: String.self).utf8)))
                }
            rows.append(row(licence, entityName: "", categories: categories, today: today, events: events))
        }
        return rows
    }

    static func categoryMap(on db: any Database) async throws -> [String: SupervisionCategory] {
        Dictionary(uniqueKeysWithValues: try await SupervisionCategory.query(on: db).all().compactMap { c in c.id.map { ($0, c) } })
    }

    static func row(_ licence: HealthLicense, entityName: String, categories: [String: SupervisionCategory], today: LocalDate, events: [EventRow]) -> Row {
        let until = LocalDate(licence.validUntil ?? "")
        let category = categories[licence.categoryCode]
        return Row(id: licence.id?.uuidString ?? "", entityID: licence.entityID.uuidString, entityName: entityName, number: licence.number,
                   kind: licence.kind.chinese, category: category?.name ?? licence.categoryCode, scope: licence.scope, issuingOrgan: licence.issuingOrgan,
                   issueDate: licence.issueDate, validUntil: licence.validUntil ?? "长期", nextReview: licence.nextReview ?? "",
                   status: licence.status == .valid && until.map { $0 < today } == true ? "已过期" : licence.status.chinese,
                   statusCode: licence.status.rawValue, daysLeft: until.map { today.days(until: $0) },
                   renewalDue: until.map { LicenseTerms.renewalDue(validUntil: $0, leadDays: category?.renewalLeadDays ?? 30).description } ?? "",
                   events: events, allowedEvents: LicenseEvent.allowed(from: licence.status).map { Choice(value: $0.rawValue, label: $0.chinese) })
    }

    /// Valid licences expiring (or due for review) within `days`, or already expired, in the reader's
    /// scope: one page with the total, read in one joined query (each row used to be loaded again).
    static func expiring(scope: DataScope, withinDays days: Int, expired: Bool, page: Int = 1, pageSize: Int = 50, today: LocalDate,
                         on db: any Database) async throws -> Paged<Row> {
        let horizon = today.adding(days: days).description
        var query = db.sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("l"))).column(SQLColumn("name", table: "e"), as: "entity_name")
            .from(SQLAlias(SQLIdentifier(HealthLicense.schema), as: SQLIdentifier("l")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("entity_id", table: "l"), .equal, SQLColumn("id", table: "e"))
            .where(SQLColumn("status", table: "l"), .equal, SQLBind(LicenseStatus.valid.rawValue))
            .where(SQLColumn("status", table: "e"), .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
        if expired {
            query = query.where(SQLColumn("valid_until", table: "l"), .lessThan, SQLBind(today.description))
        } else {
            query = query.where { group in
                group.where { inner in
                    inner.where(SQLColumn("valid_until", table: "l"), .greaterThanOrEqual, SQLBind(today.description))
                        .where(SQLColumn("valid_until", table: "l"), .lessThanOrEqual, SQLBind(horizon))
                }.orWhere { inner in
                    inner.where(SQLColumn("next_review", table: "l"), .greaterThanOrEqual, SQLBind(today.description))
                        .where(SQLColumn("next_review", table: "l"), .lessThanOrEqual, SQLBind(horizon))
                }
            }
        }
        query = scope.applyToUnits(query).orderBy(SQLColumn("valid_until", table: "l")).orderBy(SQLColumn("number", table: "l"))
        let categories = try await categoryMap(on: db)
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { found in
            try found.map { item in
                row(try item.decode(fluentModel: HealthLicense.self), entityName: try item.decode(column: "entity_name", as: String.self),
                    categories: categories, today: today, events: [])
            }
        }
    }
}
