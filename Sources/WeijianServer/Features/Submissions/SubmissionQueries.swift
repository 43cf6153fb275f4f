import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Submitting, reviewing, returning and resubmitting what units report through the portal.
enum SubmissionQueries {
    /// What a unit fills in; which fields count depends on the kind.
    struct Payload: Content, Sendable, Equatable {
        // entityChange
        var entity: EntityInput?
        // licence application / renewal
        var categoryCode: String?
        var scope: String?
        var licenceNumber: String?
        // self-inspection
        var inspectionDate: String?
        var content: String?
        var problems: String?
        var rectification: String?
        // water monitoring
        var sampleDate: String?
        var samplePoint: String?
        var values: [String: String]?
        // every kind
        var note: String?
    }

    /// Checks a payload; returns the flags to show reviewers (e.g. over-limit water values).
    static func validate(_ kind: Submission.Kind, _ payload: Payload, entity: SupervisedEntity, context: EntityValidation.Context,
                         crypto: FieldCrypto, limits: [WaterIndicator], fileErrors: [ValidationError] = []) throws -> [String] {
        var errors = ValidationCollector()
        func date(_ raw: String?, _ field: String) {
            let text = raw?.trimmed ?? ""
            if text.isEmpty { errors.add(ValidationError(field: field, code: "required", message: "必填，格式YYYY-MM-DD")) }
            else if LocalDate(text) == nil { errors.add(ValidationError(field: field, code: "date.format", message: "应为有效日期，格式YYYY-MM-DD")) }
        }
        func text(_ raw: String?, _ field: String, max: Int, required: Bool) {
            let value = raw?.trimmed ?? ""
            if required && value.isEmpty { errors.add(ValidationError(field: field, code: "required", message: "必填，不能为空")) }
            if value.count > max { errors.add(ValidationError(field: field, code: "length", message: "不能超过\(max)个字符")) }
        }
        var flags: [String] = []
        switch kind {
        case .entityChange:
            let proposed = try merged(payload.entity ?? EntityInput(), onto: entity, crypto: crypto)
            var valid = true
            errors.run {
                do { _ = try EntityValidation.check(proposed, context: context) } catch { valid = false; throw error }
            }
            if valid, try diffCount(proposed, entity: entity, crypto: crypto, context: context) == 0 {
                errors.add(ValidationError(field: "变更内容", code: "change.empty", message: "与登记信息相同，没有需要变更的内容"))
            }
        case .licenceApplication, .licenceRenewal:
            text(payload.scope, "申请许可项目", max: 500, required: true)
            if kind == .licenceRenewal { text(payload.licenceNumber, "原许可证号", max: 60, required: true) }
        case .selfInspection:
            date(payload.inspectionDate, "自查日期")
            text(payload.content, "自查内容", max: 2000, required: true)
            text(payload.problems, "发现的问题", max: 2000, required: false)
            text(payload.rectification, "整改情况", max: 2000, required: false)
        case .waterMonitoring:
            date(payload.sampleDate, "采样日期")
            let point = payload.samplePoint?.trimmed ?? ""
            if !["出厂水", "末梢水", "水源水"].contains(point) {
                errors.add(ValidationError(field: "采样点", code: "choice", message: "应为出厂水、末梢水或水源水"))
            }
            var any = false
            for indicator in limits {
                guard let raw = payload.values?[indicator.code]?.trimmed, !raw.isEmpty else { continue }
                any = true
                do {
                    let result = try indicator.evaluate(value: raw)
                    if result.verdict != .within { flags.append("\(result.verdict.label)：\(result.explanation)") }
                } catch let error as ValidationError {
                    errors.add(error)
                }
            }
            if !any { errors.add(ValidationError(field: "检测结果", code: "required", message: "至少填写一项指标的检测值")) }
        }
        text(payload.note, "说明", max: 1000, required: false)
        fileErrors.forEach { errors.add($0) }
        try errors.check()
        return flags
    }

    /// What an information change would make of the unit (nil for other kinds of submission).
    static func proposed(_ submission: Submission, entity: SupervisedEntity, crypto: FieldCrypto) throws -> EntityInput? {
        guard submission.kind == .entityChange else { return nil }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(submission.payload.utf8))
        return try merged(payload.entity ?? EntityInput(), onto: entity, crypto: crypto)
    }

    /// The unit's current data with the proposed portal-editable changes laid over it.
    static func merged(_ proposal: EntityInput, onto entity: SupervisedEntity, crypto: FieldCrypto) throws -> EntityInput {
        var base = try EntityPages.keepingPersonalData(EntityPages.input(of: entity, inspectors: []), of: entity, crypto: crypto)
        base.inspectors = nil
        func take(_ keyPath: WritableKeyPath<EntityInput, String?>) {
            if let value = proposal[keyPath: keyPath]?.trimmed, !value.isEmpty { base[keyPath: keyPath] = value }
        }
        for field in EntityField.portal { take(field.input) }
        if let ext = proposal.ext {
            var values = base.ext ?? [:]
            for (key, value) in ext where !value.trimmed.isEmpty { values[key] = value.trimmed }
            base.ext = values
        }
        return base
    }

    static func diffCount(_ proposed: EntityInput, entity: SupervisedEntity, crypto: FieldCrypto, context: EntityValidation.Context) throws -> Int {
        try preview(proposed, entity: entity, crypto: crypto, context: context).count
    }

    /// The changes an entity-change submission would make, for the reviewer.
    static func preview(_ proposed: EntityInput, entity: SupervisedEntity, crypto: FieldCrypto, context: EntityValidation.Context) throws -> [EntityQueries.Change] {
        guard let valid = try? EntityValidation.check(proposed, context: context) else { return [] }
        let copy = SupervisedEntity()
        copy.id = entity.id
        copy.unitCode = entity.unitCode
        copy.source = entity.source
        copy.createdAt = entity.createdAt
        let inspectors: [UUID] = []
        let before = try EntityQueries.snapshot(entity, inspectors: inspectors, crypto: crypto)
        try EntityQueries.apply(valid, to: copy, crypto: crypto, divisions: context.tables.divisionIndex, now: entity.updatedAt)
        copy.status = entity.status
        copy.departmentID = entity.departmentID
        copy.area = entity.area
        return EntityQueries.diff(before, try EntityQueries.snapshot(copy, inspectors: inspectors, crypto: crypto))
    }

    static func dueDate(_ kind: Submission.Kind, rule code: String? = nil, from date: LocalDate, on db: any Database) async throws -> Deadline {
        let calendar = try await CalendarStore.load(on: db)
        let rule = DeadlineRule.defaults.first { $0.code == (code ?? kind.deadlineRule) }!
        return calendar.deadline(for: rule, from: date)
    }

    // MARK: writing

    /// Files attached to a submission: the uploads and the store they go to.
    struct Files: Sendable {
        var uploads: [Attachments.Upload] = []
        var directory = ""
    }

    static func submit(_ kind: Submission.Kind, payload: Payload, files: Files = Files(), entity: SupervisedEntity, by caller: Caller) async throws -> Submission {
        let (crypto, tables, db, now, actor) = (caller.crypto, caller.tables, caller.db, caller.now, caller.actor)
        try await requireKind(kind, for: entity, on: db)
        try await requireNoPendingSubmission(kind, entityID: try entity.requireID(), on: db)
        let context = try await EntityValidation.context(tables: tables, on: db)
        let attachments = Attachments.check(files.uploads)
        let flags = try validate(kind, payload, entity: entity, context: context, crypto: crypto, limits: try await WaterLimits.load(on: db),
                                 fileErrors: attachments.errors)
        try Attachments.write(attachments.files, directory: files.directory, crypto: crypto)
        let today = LocalDate(instant: now)
        let deadline = try await dueDate(kind, from: today, on: db)
        let submission = Submission()
        submission.id = UUID()
        submission.kind = kind
        submission.entityID = try entity.requireID()
        guard let submitter = caller.userID else { throw Abort(.forbidden, reason: "只有单位门户账号可以报送") }
        submission.submittedBy = submitter
        submission.pendingKey = oneAtATime.contains(kind) ? "\(try entity.requireID().uuidString):\(kind.rawValue)" : nil
        submission.version = 1
        submission.payload = try encode(payload)
        submission.flags = try encode(flags)
        submission.status = .submitted
        submission.submittedAt = now
        submission.dueDate = deadline.due.description
        submission.dueNote = deadline.provisional ? "暂定（节假日表未覆盖）" : deadline.rule.legalBasis
        try await db.writeTransaction { tx in
            let sequence = try await Numbering.allocate(scheme: "submission", organ: "", year: today.year, on: tx)
            submission.number = "BS\(today.year)\(String(format: "%06d", sequence))"
            do {
                try await submission.create(on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // A parallel submission of the same kind won the race to the one-pending-of-a-kind index.
                throw ValidationError(field: "报送类型", code: "submission.pending", message: "本单位已有一份待审核的\(kind.chinese)，请等待审核结果后再报送")
            }
            try await version(submission, actor: actor, on: tx, now: now)
            try await Attachments.link(attachments.files, ownerType: "submission", ownerID: submission.id!, version: 1, actor: actor, on: tx, now: now)
            try await event(submission, from: "", to: .submitted, actor: actor, comment: "", on: tx, now: now)
            try await caller.audit(.submissionSubmit, target: ("submission", submission.id!.uuidString),
                                   details: ["kind": kind.rawValue, "number": submission.number], on: tx)
            try await notifyReviewers(submission, entity: entity, title: "\(entity.name)报送\(kind.chinese)，请于\(deadline.due.chinese)前审核", on: tx, now: now)
        }
        return submission
    }

    /// The unit corrects a returned submission; the new version is reviewed again.
    static func resubmit(_ submission: Submission, payload: Payload, files: Files = Files(), entity: SupervisedEntity, by caller: Caller) async throws {
        let (crypto, tables, db, now, actor) = (caller.crypto, caller.tables, caller.db, caller.now, caller.actor)
        guard submission.status == .returned else {
            throw ValidationError(field: "状态", code: "submission.state", message: "只有已退回的报送才能修改后重新提交")
        }
        let context = try await EntityValidation.context(tables: tables, on: db)
        let attachments = Attachments.check(files.uploads)
        let flags = try validate(submission.kind, payload, entity: entity, context: context, crypto: crypto, limits: try await WaterLimits.load(on: db),
                                 fileErrors: attachments.errors)
        try Attachments.write(attachments.files, directory: files.directory, crypto: crypto)
        let deadline = try await dueDate(submission.kind, from: LocalDate(instant: now), on: db)
        submission.version += 1
        submission.payload = try encode(payload)
        submission.flags = try encode(flags)
        submission.status = .submitted
        submission.submittedAt = now
        submission.dueDate = deadline.due.description
        submission.dueNote = deadline.provisional ? "暂定（节假日表未覆盖）" : deadline.rule.legalBasis
        try await db.writeTransaction { tx in
            try await submission.save(on: tx)
            try await version(submission, actor: actor, on: tx, now: now)
            try await Attachments.link(attachments.files, ownerType: "submission", ownerID: submission.id!, version: submission.version, actor: actor, on: tx, now: now)
            try await event(submission, from: Submission.Status.returned.rawValue, to: .submitted, actor: actor, comment: "第\(submission.version)版", on: tx, now: now)
            try await caller.audit(.submissionResubmit, target: ("submission", submission.id!.uuidString),
                                   details: ["version": "\(submission.version)"], on: tx)
            try await notifyReviewers(submission, entity: entity, title: "\(entity.name)已补正\(submission.kind.chinese)（第\(submission.version)版），请于\(deadline.due.chinese)前审核", on: tx, now: now)
        }
    }

    enum Decision: String { case approve, `return` }

    /// Approves (an entity change goes into the registry, with history) or returns with reasons.
    /// `notDuplicateOf`: units the reviewer confirmed are not this one, when its name or address
    /// changes into a likely duplicate (the check at entry).
    static func decide(_ submission: Submission, decision: Decision, reason: String, notDuplicateOf: [String]? = nil,
                       entity: SupervisedEntity, by caller: Caller) async throws {
        let (crypto, db, now) = (caller.crypto, caller.db, caller.now)
        guard submission.status == .submitted else {
            throw ValidationError(field: "状态", code: "submission.state", message: "该报送\(submission.status.chinese)，不能再审核")
        }
        let reason = reason.trimmed
        if decision == .return && reason.count < 2 {
            let hint = submission.kind == .licenceApplication || submission.kind == .licenceRenewal ? "（行政许可法第三十二条：一次告知需要补正的全部内容）" : ""
            throw ValidationError(field: "退回理由", code: "reason.required", message: "退回时必须写明需要补正的内容\(hint)")
        }
        if reason.count > 2000 { throw ValidationError(field: "退回理由", code: "length", message: "不能超过2000个字符") }
        let actor = caller.actor
        try await db.writeTransaction { tx in
            if decision == .approve && submission.kind == .entityChange {
                let payload = try JSONDecoder().decode(Payload.self, from: Data(submission.payload.utf8))
                let proposed = try merged(payload.entity ?? EntityInput(), onto: entity, crypto: crypto)
                var withInspectors = proposed
                withInspectors.notDuplicateOf = notDuplicateOf
                withInspectors.inspectors = try await EntityQueries.inspectorIDs(try entity.requireID(), on: tx).map(\.uuidString)
                try await EntityQueries.update(entity, with: withInspectors,
                                               origin: .init(actor: actor, action: "portal", comment: "报送\(submission.number)第\(submission.version)版", source: .external),
                                               by: caller.on(tx))
            }
            let from = submission.status.rawValue
            submission.status = decision == .approve ? .approved : .returned
            if decision == .approve { submission.pendingKey = nil }
            submission.decidedAt = now
            submission.decidedBy = actor.name
            submission.reason = reason.nilIfEmpty
            if decision == .return {
                let deadline = try await dueDate(submission.kind, rule: "info.correction", from: LocalDate(instant: now), on: tx)
                submission.dueDate = deadline.due.description
                submission.dueNote = "请在此日期前补正（\(deadline.rule.legalBasis)）"
            }
            try await submission.save(on: tx)
            try await event(submission, from: from, to: submission.status, actor: actor, comment: reason, on: tx, now: now)
            try await caller.audit(decision == .approve ? .submissionApprove : .submissionReturn, target: ("submission", try submission.requireID().uuidString),
                                   details: ["number": submission.number], on: tx)
            let title = decision == .approve ? "您报送的\(submission.kind.chinese)（\(submission.number)）已审核通过"
                : "您报送的\(submission.kind.chinese)（\(submission.number)）被退回补正，请于\(submission.dueDate)前修改后重新提交"
            for portalUser in try await User.query(on: tx).filter(\.$entityID == submission.entityID).filter(\.$status == .active).all() {
                try await Inbox.notify(userID: try portalUser.requireID(), kind: .task, title: title, body: reason,
                                       link: "/portal/submissions/\(try submission.requireID())", on: tx, now: now)
            }
        }
    }

    /// What a unit's category lets it submit: licence applications only where a licence or filing
    /// is required, drinking-water results only from water suppliers (issue 11: a school was
    /// offered 饮用水自检).
    static func kinds(for entity: SupervisedEntity, on db: any Database) async throws -> [Submission.Kind] {
        let category = try await SupervisionCategory.find(entity.categoryCode, on: db)
        return Submission.Kind.allCases.filter { kind in
            switch kind {
            case .entityChange, .selfInspection: true
            case .licenceApplication, .licenceRenewal: (category?.licensing ?? .none) != .none
            case .waterMonitoring: entity.topCategory == "YS"
            }
        }
    }

    static func requireKind(_ kind: Submission.Kind, for entity: SupervisedEntity, on db: any Database) async throws {
        guard try await kinds(for: entity, on: db).contains(kind) else {
            throw ValidationError(field: "报送类型", code: "submission.kind", message: "本单位的专业类别不需要报送“\(kind.chinese)”")
        }
    }

    /// Kinds a unit may have only one of under review at a time: a second would be a duplicate
    /// (a replayed form) or contradict the first.
    static let oneAtATime: Set<Submission.Kind> = [.entityChange, .licenceApplication, .licenceRenewal]

    static func requireNoPendingSubmission(_ kind: Submission.Kind, entityID: UUID, on db: any Database) async throws {
        guard oneAtATime.contains(kind) else { return }
        if let pending = try await Submission.query(on: db).filter(\.$entityID == entityID).filter(\.$kind == kind)
            .filter(\.$status ~~ [.submitted, .returned]).first() {
            throw ValidationError(field: "报送类型", code: "submission.pending",
                                  message: "本单位已有一份\(pending.status.chinese)的\(kind.chinese)（\(pending.number)），请在那份报送上补正或等待审核结果")
        }
    }

    static func notifyReviewers(_ submission: Submission, entity: SupervisedEntity, title: String, on db: any Database, now: Date) async throws {
        var reviewers = try await EntityQueries.inspectorIDs(try entity.requireID(), on: db)
        if reviewers.isEmpty { reviewers = try await UserQueries.holders(of: .infoOfficer, on: db) }
        for reviewer in reviewers {
            try await Inbox.notify(userID: reviewer, kind: .task, title: title, link: "/app/submissions/\(try submission.requireID())",
                                   dueDate: submission.dueDate, dedupeKey: "submission-\(try submission.requireID())-\(submission.version)", on: db, now: now)
        }
    }

    static func version(_ submission: Submission, actor: Actor, on db: any Database, now: Date) async throws {
        try await db.sql.insert(into: "submission_versions").columns("submission_id", "version", "payload", "submitted_at", "submitted_by")
            .values(SQLBind(try submission.requireID()), SQLBind(submission.version), SQLBind(submission.payload), SQLBind(now.millis), SQLBind(actor.name))
            .run()
    }

    static func event(_ submission: Submission, from: String, to: Submission.Status, actor: Actor, comment: String, on db: any Database, now: Date) async throws {
        try await db.sql.insert(into: "submission_events").columns("submission_id", "at", "actor_name", "from_status", "to_status", "comment")
            .values(SQLBind(try submission.requireID()), SQLBind(now.millis), SQLBind(actor.name), SQLBind(from), SQLBind(to.rawValue), SQLBind(comment))
            .run()
    }

    static func encode<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self) }

    // MARK: reading

    struct Summary: Content {
        let id: String
        let number: String
        let kind: String
        let entityID: String
        let entityName: String
        let status: String
        let statusCode: String
        let version: Int
        let submittedAt: String
        let dueDate: String
        let overdue: Bool
        let flagged: Bool
    }

    static func summary(_ submission: Submission, entityName: String, today: LocalDate) -> Summary {
        let flags = (try? JSONDecoder().decode([String].self, from: Data(submission.flags.utf8))) ?? []
        return Summary(id: submission.id?.uuidString ?? "", number: submission.number, kind: submission.kind.chinese, entityID: submission.entityID.uuidString,
                       entityName: entityName, status: submission.status.chinese, statusCode: submission.status.rawValue, version: submission.version,
                       submittedAt: Format.dateTime(submission.submittedAt), dueDate: submission.dueDate,
                       overdue: submission.status != .approved && (LocalDate(submission.dueDate).map { $0 < today } ?? false), flagged: !flags.isEmpty)
    }

    /// A page of the unit's submissions, newest first, with the total.
    static func forEntity(_ entityID: UUID, page: Int = 1, pageSize: Int = 20, today: LocalDate = LocalDate(instant: Date()),
                          on db: any Database) async throws -> Paged<Summary> {
        try await Paged.read(Submission.query(on: db).filter(\.$entityID == entityID).sort(\.$submittedAt, .descending).sort(\.$id),
                             page: page, pageSize: pageSize) { $0.map { summary($0, entityName: "", today: today) } }
    }

    /// The review queue in the reader's scope, oldest deadline first, one page with the total. The
    /// page's rows come from one joined query (each row used to be loaded again).
    static func queue(scope: DataScope, status: Submission.Status?, page: Int = 1, pageSize: Int = 50, today: LocalDate,
                      on db: any Database) async throws -> Paged<Summary> {
        var query = db.sql.select()
            .column(SQLColumn("id", table: "s")).column(SQLColumn("number", table: "s")).column(SQLColumn("kind", table: "s"))
            .column(SQLColumn("entity_id", table: "s")).column(SQLColumn("status", table: "s")).column(SQLColumn("version", table: "s"))
            .column(SQLColumn("submitted_at", table: "s")).column(SQLColumn("due_date", table: "s")).column(SQLColumn("flags", table: "s"))
            .column(SQLColumn("name", table: "e"), as: "entity_name")
            .from(SQLAlias(SQLIdentifier(Submission.schema), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("entity_id", table: "s"), .equal, SQLColumn("id", table: "e"))
        if let status { query = query.where(SQLColumn("status", table: "s"), .equal, SQLBind(status.rawValue)) }
        query = scope.applyToUnits(query).orderBy(SQLColumn("due_date", table: "s")).orderBy(SQLColumn("number", table: "s"))
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { row in
                let status = Submission.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .submitted
                let flags = (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "flags", as: String.self).utf8))) ?? []
                let due = try row.decode(column: "due_date", as: String.self)
                return Summary(id: try row.decode(column: "id", as: UUID.self).uuidString, number: try row.decode(column: "number", as: String.self),
                               kind: Submission.Kind(rawValue: try row.decode(column: "kind", as: String.self))?.chinese ?? "",
                               entityID: try row.decode(column: "entity_id", as: UUID.self).uuidString,
                               entityName: try row.decode(column: "entity_name", as: String.self), status: status.chinese, statusCode: status.rawValue,
                               version: try row.decode(column: "version", as: Int.self),
                               submittedAt: Format.dateTime(try row.decode(column: "submitted_at", as: Date.self)), dueDate: due,
                               overdue: status != .approved && (LocalDate(due).map { $0 < today } ?? false), flagged: !flags.isEmpty)
            }
        }
    }

    struct VersionRow: Content {
        let version: Int
        let submittedAt: String
        let submittedBy: String
        let lines: [EntityPages.Fact]
    }

    struct EventRow: Content {
        let at: String
        let actor: String
        let from: String
        let to: String
        let comment: String
    }

    struct Detail: Content {
        let summary: Summary
        let lines: [EntityPages.Fact]
        let flags: [String]
        let changes: [EntityQueries.Change]
        let versions: [VersionRow]
        let events: [EventRow]
        let reason: String
        let dueNote: String
        let canResubmit: Bool
        let payload: Payload
        let attachments: [Attachments.Row]
    }

    /// Readable lines of a payload: personal data masked.
    static func lines(_ kind: Submission.Kind, _ payload: Payload, limits: [WaterIndicator]) -> [EntityPages.Fact] {
        var lines: [EntityPages.Fact] = []
        func add(_ label: String, _ value: String?) { if let value = value?.trimmed, !value.isEmpty { lines.append(.init(label: label, value: value)) } }
        switch kind {
        case .entityChange:
            let e = payload.entity ?? EntityInput()
            for field in EntityField.portal {
                let value = e[keyPath: field.input]
                add(field.label, field.personal.map { personal in value.map(personal.kind.mask) } ?? value)
            }
        case .licenceApplication, .licenceRenewal:
            add("申请类别", payload.categoryCode); add("申请许可项目", payload.scope); add("原许可证号", payload.licenceNumber)
        case .selfInspection:
            add("自查日期", payload.inspectionDate); add("自查内容", payload.content); add("发现的问题", payload.problems); add("整改情况", payload.rectification)
        case .waterMonitoring:
            add("采样日期", payload.sampleDate); add("采样点", payload.samplePoint)
            for indicator in limits { add("\(indicator.name)（\(indicator.unit)）", payload.values?[indicator.code]) }
        }
        add("说明", payload.note)
        return lines
    }

    static func detail(_ submission: Submission, entity: SupervisedEntity, crypto: FieldCrypto, tables: CodeTables, today: LocalDate, on db: any Database) async throws -> Detail {
        let id = try submission.requireID()
        let limits = try await WaterLimits.load(on: db)
        let payload = try JSONDecoder().decode(Payload.self, from: Data(submission.payload.utf8))
        let versions = try await db.sql.select().columns("version", "payload", "submitted_at", "submitted_by").from("submission_versions")
            .where("submission_id", .equal, SQLBind(id)).orderBy("version", .descending).all()
            .map { row in
                let old = try JSONDecoder().decode(Payload.self, from: Data(try row.decode(column: "payload", as: String.self).utf8))
                return VersionRow(version: try row.decode(column: "version", as: Int.self), submittedAt: Format.dateTime(millis: try row.decode(column: "submitted_at", as: Int64.self)),
                                  submittedBy: try row.decode(column: "submitted_by", as: String.self), lines: lines(submission.kind, old, limits: limits))
            }
        let events = try await db.sql.select().columns("at", "actor_name", "from_status", "to_status", "comment").from("submission_events")
            .where("submission_id", .equal, SQLBind(id)).orderBy("id").all()
            .map { row in
                EventRow(at: Format.dateTime(millis: try row.decode(column: "at", as: Int64.self)), actor: try row.decode(column: "actor_name", as: String.self),
                         from: Submission.Status(rawValue: try row.decode(column: "from_status", as: String.self))?.chinese ?? "提交",
                         to: Submission.Status(rawValue: try row.decode(column: "to_status", as: String.self))?.chinese ?? "",
                         comment: try row.decode(column: "comment", as: String.self))
            }
        var changes: [EntityQueries.Change] = []
        if submission.kind == .entityChange && submission.status != .approved {
            let context = try await EntityValidation.context(tables: tables, on: db)
            changes = try preview(try merged(payload.entity ?? EntityInput(), onto: entity, crypto: crypto), entity: entity, crypto: crypto, context: context)
        }
        return Detail(summary: summary(submission, entityName: entity.name, today: today), lines: lines(submission.kind, payload, limits: limits),
                      flags: (try? JSONDecoder().decode([String].self, from: Data(submission.flags.utf8))) ?? [], changes: changes,
                      versions: versions, events: events, reason: submission.reason ?? "", dueNote: submission.dueNote,
                      canResubmit: submission.status == .returned, payload: payload,
                      attachments: try await Attachments.rows(ownerType: "submission", ownerID: id, on: db))
    }
}
