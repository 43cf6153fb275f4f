import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Recording an inspection (现场检查): the header (source, date, times, at least two inspectors with
/// valid enforcement certificates, the party's representative), the item results section by
/// section as a draft, then the submission that numbers, scores and grades it and lists the items
/// to correct.
enum InspectionQueries {
    /// What a form or the API sends; each step reads the fields it needs.
    struct Input: Content, Sendable {
        var entityID: String?
        var source: String?
        var inspectedOn: String?
        var startTime: String?
        var endTime: String?
        var inspectorIDs: [String]?
        var representative: String?
        var representativeRefused: Bool?
        var refusalNote: String?
        var followUpOf: String?
        var results: [ItemInput]?
        var samples: [SampleInput]?
        var conclusion: String?
        var rectificationDeadline: String?
        /// Follow-up: the original's item codes found corrected (the rest stay uncorrected).
        var corrected: [String]?
        /// The API records and submits in one request unless this is false.
        var submit: Bool?
    }

    struct ItemInput: Content, Sendable {
        var item: String
        var result: String
        var finding: String?
    }

    struct SampleInput: Content, Sendable {
        var item: String?
        var quantity: String?
        var recordNumber: String?
    }

    /// One inspection as stored.
    struct Record: Sendable {
        let id: UUID
        let number: String?
        let entityID: UUID
        let checklistID: UUID
        let source: InspectionSource
        let status: InspectionStatus
        let inspectedOn: LocalDate
        let startTime: String
        let endTime: String
        let representative: String
        let representativeRefused: Bool
        let refusalNote: String
        let conclusion: String
        let rectificationDeadline: String?
        let followUpOf: UUID?
        let score: Grading.Score?
        /// Why the unit was not graded by this inspection (the new-licensee rule), or nil.
        let gradeNote: String?
        let entryDue: String
        let late: Bool
        let createdBy: String
        let submittedAt: Int64?
    }

    struct Inspector: Content, Sendable {
        let userID: UUID
        let name: String
        let certificateNumber: String
        let certificateExpiry: String
    }

    struct Result: Sendable {
        let result: ItemResult
        let finding: String
    }

    struct Sample: Content, Sendable {
        let item: String
        let quantity: String
        let recordNumber: String
    }

    struct Rectification: Content, Sendable {
        let id: UUID
        let inspectionID: UUID
        let itemCode: String
        let itemText: String
        let finding: String
        let deadline: String
        let status: String
        let statusName: String
        let followUpID: UUID?
    }

    // MARK: header

    /// `HH:mm` on a 24-hour clock.
    static func isTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute) && parts.allSatisfy { $0.allSatisfy(\.isASCII) }
    }

    /// Checks the header fields and the inspectors' certificates on the inspection date.
    static func checkHeader(_ input: Input, today: LocalDate, on db: any Database) async throws
        -> (source: InspectionSource, date: LocalDate, start: String, end: String, inspectors: [Inspector], representative: String, refused: Bool, note: String) {
        var errors = ValidationCollector()
        let source = InspectionSource(rawValue: input.source ?? "")
        if source == nil { errors.add(ValidationError(field: "检查来源", code: "choice", message: "应为" + InspectionSource.allCases.map(\.chinese).joined(separator: "、") + "之一")) }
        let date = errors.date(input.inspectedOn, field: "检查日期", required: true, notAfter: today, notBefore: LocalDate(year: 2000, month: 1, day: 1))
        let start = errors.text(input.startTime, field: "开始时间", max: 5, required: true)
        let end = errors.text(input.endTime, field: "结束时间", max: 5, required: true)
        for (value, field) in [(start, "开始时间"), (end, "结束时间")] {
            if let value, !isTime(value) { errors.add(ValidationError(field: field, code: "time", message: "应为24小时制时间，如09:30")) }
        }
        if let start, let end, isTime(start), isTime(end), end <= start {
            errors.add(ValidationError(field: "结束时间", code: "time.order", message: "应晚于开始时间\(start)"))
        }
        let ids = (input.inspectorIDs ?? []).map(\.trimmed).filter { !$0.isEmpty }
        var inspectors: [Inspector] = []
        if Set(ids).count < 2 {
            errors.add(ValidationError(field: "监督员", code: "inspectors.two", message: "现场检查至少需要2名执法人员（行政处罚法 第四十二条），请选择2名或以上不同的监督员"))
        } else if ids.count != Set(ids).count {
            errors.add(ValidationError(field: "监督员", code: "inspectors.duplicate", message: "同一监督员不能重复选择"))
        } else {
            for id in ids {
                guard let uuid = UUID(uuidString: id), let user = try await User.find(uuid, on: db), user.kind == .staff, user.status == .active else {
                    errors.add(ValidationError(field: "监督员", code: "inspectors.unknown", message: "“\(id)”不是在职的本所人员"))
                    continue
                }
                let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == uuid).first()
                guard let number = profile?.certificateNumber?.trimmed.nilIfEmpty else {
                    errors.add(ValidationError(field: "监督员", code: "certificate.missing", message: "\(user.displayName)没有登记执法证号，不能参加检查（请在人员信息中登记）"))
                    continue
                }
                let expiry = profile?.certificateExpiry.flatMap(LocalDate.init)
                if let date, let expiry, expiry < date {
                    errors.add(ValidationError(field: "监督员", code: "certificate.expired",
                                               message: "\(user.displayName)的执法证\(number)已于\(expiry.description)过期，不能参加\(date.description)的检查"))
                    continue
                }
                inspectors.append(Inspector(userID: uuid, name: user.displayName, certificateNumber: number, certificateExpiry: expiry?.description ?? ""))
            }
        }
        let refused = input.representativeRefused ?? false
        let representative = errors.text(input.representative, field: "当事人在场人员", max: 60) ?? ""
        let note = errors.text(input.refusalNote, field: "拒绝签字说明", max: 500) ?? ""
        if refused && note.isEmpty {
            errors.add(ValidationError(field: "拒绝签字说明", code: "refusal.note", message: "当事人拒绝签字时须写明情况"))
        }
        try errors.check()
        return (source!, date!, start!, end!, inspectors, representative, refused, note)
    }

    /// Starts an inspection of a unit as a draft, with the checklist current for the unit's category.
    static func create(_ input: Input, entity: SupervisedEntity, app: Application, by caller: Caller) async throws -> UUID {
        guard caller.scope.allows(entity) else { try await caller.refuseOutOfScope("entity", id: try entity.requireID().uuidString, name: entity.name) }
        let db = caller.db
        let today = LocalDate(instant: caller.now)
        let header = try await checkHeader(input, today: today, on: db)
        let entityID = try entity.requireID()
        var original: UUID?
        if header.source == .followUp {
            guard let found = try await input.followUpOf.flatMap(UUID.init(uuidString:)).asyncMap({ try await record($0, on: db) }) ?? nil,
                  found.entityID == entityID, found.status == .submitted else {
                throw ValidationError(field: "原检查", code: "followUp.original", message: "复查须选择本单位一次已提交的检查")
            }
            guard header.date >= found.inspectedOn else {
                throw ValidationError(field: "检查日期", code: "followUp.order", message: "复查日期不能早于原检查日期\(found.inspectedOn.description)")
            }
            original = found.id
        }
        let followUpOf = original
        guard let checklist = try await ChecklistQueries.forCategory(entity.categoryCode, on: db) else {
            throw ValidationError(field: "检查表", code: "checklist.none", message: "该单位的专业类别（\(entity.categoryCode)）还没有检查表，请信息管理员先维护检查表")
        }
        let settings = try await InspectionSettings.load(on: db)
        let calendar = try await CalendarStore.load(on: db)
        let entryDue = calendar.deadline(for: settings.entryRule, from: header.date).due
        let id = UUID()
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "inspections")
                .columns("id", "entity_id", "checklist_id", "source", "status", "inspected_on", "start_time", "end_time", "representative",
                         "representative_refused", "refusal_note", "conclusion", "follow_up_of", "entry_due", "late", "created_by", "created_by_id", "created_at")
                .values(SQLBind(id), SQLBind(entityID), SQLBind(checklist.id), SQLBind(header.source.rawValue), SQLBind(InspectionStatus.draft.rawValue),
                        SQLBind(header.date.description), SQLBind(header.start), SQLBind(header.end), SQLBind(header.representative),
                        SQLBind(header.refused), SQLBind(header.note), SQLBind(""), SQLBind(followUpOf), SQLBind(entryDue.description), SQLBind(false),
                        SQLBind(caller.actor.name), SQLBind(caller.userID), SQLBind(caller.now.millis))
                .run()
            for (position, inspector) in header.inspectors.enumerated() {
                try await tx.sql.insert(into: "inspection_inspectors")
                    .columns("inspection_id", "position", "user_id", "name", "certificate_number", "certificate_expiry")
                    .values(SQLBind(id), SQLBind(position), SQLBind(inspector.userID), SQLBind(inspector.name), SQLBind(inspector.certificateNumber),
                            SQLBind(inspector.certificateExpiry))
                    .run()
            }
            try await caller.audit(.inspectionCreate, target: ("inspection", id.uuidString),
                                   details: ["entity": entityID.uuidString, "source": header.source.chinese, "date": header.date.description], on: tx)
        }
        return id
    }

    // MARK: results

    /// Checks item results against the inspection's checklist version: every item in it, a finding
    /// for each 不符合, 合理缺项 only where the item allows it.
    static func checkResults(_ items: [ItemInput], checklist: Checklist) throws -> [String: Result] {
        var errors = ValidationCollector()
        var results: [String: Result] = [:]
        for input in items {
            let code = input.item.trimmed
            let field = "检查项目\(code)"
            guard let item = checklist.item(code) else {
                errors.add(ValidationError(field: field, code: "item.unknown", message: "不在本次检查使用的检查表版本中"))
                continue
            }
            guard let result = ItemResult(rawValue: input.result) else {
                errors.add(ValidationError(field: field, code: "item.result", message: "结果应为符合、不符合或合理缺项"))
                continue
            }
            let finding = input.finding?.trimmed ?? ""
            if finding.count > 500 { errors.add(ValidationError(field: field, code: "length", message: "发现的问题不能超过500个字符")) }
            if result == .nonconform && finding.isEmpty {
                errors.add(ValidationError(field: field, code: "item.finding", message: "判定为不符合时须写明发现的问题"))
            }
            if result == .notApplicable && !item.mayBeNotApplicable {
                errors.add(ValidationError(field: field, code: "item.notApplicable", message: "该项目不允许合理缺项"))
            }
            results[code] = Result(result: result, finding: result == .conform ? "" : finding)
        }
        try errors.check()
        return results
    }

    /// Saves results into a draft (one section from the tablet form, or all from the API).
    static func saveResults(_ items: [ItemInput], inspection: Record, checklist: Checklist, by caller: Caller) async throws {
        guard inspection.status == .draft else { throw ValidationError(field: "检查状态", code: "inspection.submitted", message: "检查已提交，不能再修改") }
        let results = try checkResults(items, checklist: checklist)
        guard !results.isEmpty else { return }
        try await caller.db.writeTransaction { tx in
            try await tx.sql.delete(from: "inspection_results").where("inspection_id", .equal, SQLBind(inspection.id))
                .where("item_code", .in, SQLBind.group(results.keys.sorted())).run()
            // One multi-row statement per 200 items (bind limits), not one per item.
            for slice in results.sorted(by: { $0.key < $1.key }).chunked(200) {
                try await tx.sql.insert(into: "inspection_results").columns("inspection_id", "item_code", "result", "finding")
                    .rows(slice.map { [SQLBind(inspection.id), SQLBind($0.key), SQLBind($0.value.result.rawValue), SQLBind($0.value.finding)] as [any SQLExpression] }).run()
            }
            try await caller.audit(.inspectionUpdate, target: ("inspection", inspection.id.uuidString),
                                   details: ["items": results.keys.sorted().joined(separator: ",")], on: tx)
        }
    }

    // MARK: submission

    /// Submits a draft: every item answered, the representative or the refusal, the conclusion, and
    /// a deadline when something must be corrected. Numbers, scores and grades it, marks it late
    /// when entered after the time limit, and lists the items to correct.
    static func submit(_ input: Input, inspection: Record, checklist: Checklist, by caller: Caller) async throws {
        guard inspection.status == .draft else { throw ValidationError(field: "检查状态", code: "inspection.submitted", message: "检查已提交，不能重复提交") }
        let db = caller.db
        let results = try await self.results(inspection.id, on: db)
        var errors = ValidationCollector()
        let missing = checklist.items.map(\.code).filter { results[$0] == nil }
        if !missing.isEmpty {
            errors.add(ValidationError(field: "检查项目", code: "items.missing", message: "还有\(missing.count)个项目未填写：" + missing.prefix(10).joined(separator: "、")))
        }
        let refused = input.representativeRefused ?? inspection.representativeRefused
        let representative = errors.text(input.representative ?? inspection.representative, field: "当事人在场人员", max: 60) ?? ""
        let note = errors.text(input.refusalNote ?? inspection.refusalNote, field: "拒绝签字说明", max: 500) ?? ""
        if refused && note.isEmpty { errors.add(ValidationError(field: "拒绝签字说明", code: "refusal.note", message: "当事人拒绝签字时须写明情况")) }
        if !refused && representative.isEmpty {
            errors.add(ValidationError(field: "当事人在场人员", code: "representative", message: "请填写在场的当事人或其代表；当事人拒绝签字时勾选“拒绝签字”并说明"))
        }
        let conclusion = errors.text(input.conclusion, field: "检查结论", max: 2000, required: true) ?? ""
        let failing = checklist.items.filter { results[$0.code]?.result == .nonconform }
        var deadline: LocalDate?
        if !failing.isEmpty {
            deadline = errors.date(input.rectificationDeadline, field: "整改期限", required: true, notBefore: inspection.inspectedOn.adding(days: 1))
            if let chosen = deadline, chosen > inspection.inspectedOn.adding(days: 365) {
                errors.add(ValidationError(field: "整改期限", code: "date.range", message: "不能晚于检查日期后一年"))
            }
        }
        var samples: [Sample] = []
        for (index, sample) in (input.samples ?? []).enumerated() {
            let values = [sample.item, sample.quantity, sample.recordNumber].map { $0?.trimmed ?? "" }
            if values.allSatisfy(\.isEmpty) { continue }
            let field = "采样\(index + 1)"
            if values.contains(where: \.isEmpty) {
                errors.add(ValidationError(field: field, code: "sample.incomplete", message: "采样物品、数量和采样记录编号须同时填写"))
            } else if values.contains(where: { $0.count > 100 }) {
                errors.add(ValidationError(field: field, code: "length", message: "每项不能超过100个字符"))
            } else {
                samples.append(Sample(item: values[0], quantity: values[1], recordNumber: values[2]))
            }
        }
        var originalOpen: [Rectification] = []
        if let original = inspection.followUpOf {
            originalOpen = try await rectifications(inspectionID: original, on: db).filter { $0.status == "open" }
            let known = Set(originalOpen.map(\.itemCode))
            for code in input.corrected ?? [] where !known.contains(code) {
                errors.add(ValidationError(field: "复查项目\(code)", code: "followUp.item", message: "不是原检查中待整改的项目"))
            }
        }
        try errors.check()
        let (chosenDeadline, checkedSamples, openItems) = (deadline, samples, originalOpen)
        let score = Grading.score(checklist, results: results.mapValues(\.result))
        let today = LocalDate(instant: caller.now)
        let late = today > (LocalDate(inspection.entryDue) ?? today)
        let corrected = Set(input.corrected ?? [])
        // 量化分级 is for public places; other categories keep their inspections without a grade.
        // A new licensee is graded only after its second qualifying inspection (DOMAIN.md Grading).
        let entity = try await SupervisedEntity.find(inspection.entityID, on: db)
        let graded = !checklist.items.isEmpty && entity?.topCategory == "GG"
        var awaiting: String?
        if graded, let entity, try await isNewLicensee(entity, inspected: inspection.inspectedOn, on: db) {
            let visits = try await self.visits(entityID: inspection.entityID, on: db) + [Grading.Visit(date: inspection.inspectedOn, inspectors: try await inspectors(inspection.id, on: db).count)]
            awaiting = Grading.newLicenseeNotYetGradable(visits)
        }
        let gradeNote = awaiting
        let unitGrade = graded && gradeNote == nil ? (score.grade == .none ? "不予评级" : score.grade.rawValue) : nil
        try await db.writeTransaction { tx in
            let sequence = try await Numbering.allocate(scheme: "inspection", organ: "", year: inspection.inspectedOn.year, on: tx)
            let number = "JC\(inspection.inspectedOn.year)" + String(format: "%05d", sequence)
            // One statement moves draft → submitted: a second submission finds nothing to change.
            let changed = try await tx.sql.raw("""
                UPDATE inspections SET status = 'submitted', number = \(bind: number), representative = \(bind: representative),
                    representative_refused = \(bind: refused), refusal_note = \(bind: note), conclusion = \(bind: conclusion),
                    rectification_deadline = \(bind: chosenDeadline?.description), score_actual = \(bind: score.actual), score_applicable = \(bind: score.applicable),
                    score_tenths = \(bind: Int((score.standardised * 10).rounded())), grade = \(bind: score.grade.rawValue), grade_note = \(bind: gradeNote), late = \(bind: late),
                    submitted_at = \(bind: caller.now.millis)
                WHERE id = \(bind: inspection.id) AND status = 'draft' RETURNING id
                """).all()
            guard !changed.isEmpty else { throw ValidationError(field: "检查状态", code: "inspection.submitted", message: "检查已提交，不能重复提交") }
            for (position, sample) in checkedSamples.enumerated() {
                try await tx.sql.insert(into: "inspection_samples").columns("inspection_id", "position", "item", "quantity", "record_number")
                    .values(SQLBind(inspection.id), SQLBind(position), SQLBind(sample.item), SQLBind(sample.quantity), SQLBind(sample.recordNumber)).run()
            }
            for slice in failing.chunked(100) {
                try await tx.sql.insert(into: "rectifications")
                    .columns("id", "inspection_id", "entity_id", "item_code", "item_text", "finding", "deadline", "status")
                    .rows(slice.map { item in
                        [SQLBind(UUID()), SQLBind(inspection.id), SQLBind(inspection.entityID), SQLBind(item.code), SQLBind(item.text),
                         SQLBind(results[item.code]?.finding ?? ""), SQLBind(chosenDeadline!.description), SQLBind("open")] as [any SQLExpression]
                    }).run()
            }
            for open in openItems {
                try await tx.sql.update("rectifications").set("status", to: SQLBind(corrected.contains(open.itemCode) ? "corrected" : "notCorrected"))
                    .set("follow_up_id", to: SQLBind(inspection.id)).set("closed_at", to: SQLBind(caller.now.millis))
                    .where("id", .equal, SQLBind(open.id)).run()
            }
            try await InspectionSchedule.record(entityID: inspection.entityID, inspected: inspection.inspectedOn, grade: score.grade,
                                                awaitingGrade: gradeNote != nil, unitGrade: unitGrade, on: tx)
            try await caller.audit(.inspectionSubmit, target: ("inspection", inspection.id.uuidString),
                                   details: ["number": number, "score": score.explanation + (gradeNote.map { "；" + $0 } ?? ""), "late": late ? "逾期录入" : "按时"], on: tx)
        }
    }

    /// Whether the new-licensee rule holds for an inspection of this unit: never graded, and its
    /// first health licence issued within the 12 months before the inspection.
    static func isNewLicensee(_ entity: SupervisedEntity, inspected: LocalDate, on db: any Database) async throws -> Bool {
        let first = try await db.sql.select().column(SQLFunction("MIN", args: SQLColumn("issue_date")), as: "first").from(HealthLicense.schema)
            .where("entity_id", .equal, SQLBind(try entity.requireID())).where("kind", .equal, SQLBind(Licensing.licence.rawValue))
            .first()?.decode(column: "first", as: String?.self)
        return Grading.isNewLicensee(firstLicensed: first.flatMap(LocalDate.init), inspected: inspected, everGraded: entity.grade != nil)
    }

    /// The unit's submitted inspections as the new-licensee rule counts them: date and inspectors.
    static func visits(entityID: UUID, on db: any Database) async throws -> [Grading.Visit] {
        try await db.sql.select().column(SQLColumn("inspected_on", table: "i")).column(SQLFunction("COUNT", args: SQLColumn("user_id", table: "p")), as: "n")
            .from(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")))
            .join(SQLAlias(SQLIdentifier("inspection_inspectors"), as: SQLIdentifier("p")), method: SQLJoinMethod.inner,
                  on: SQLColumn("inspection_id", table: "p"), .equal, SQLColumn("id", table: "i"))
            .where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID)).where(SQLColumn("status", table: "i"), .equal, SQLBind("submitted"))
            .groupBy(SQLColumn("id", table: "i")).groupBy(SQLColumn("inspected_on", table: "i")).all().compactMap { row in
                let count = try row.decode(column: "n", as: Int.self)
                return LocalDate(try row.decode(column: "inspected_on", as: String.self)).map { Grading.Visit(date: $0, inspectors: count) }
            }
    }

    // MARK: reading

    static let recordColumns = ["id", "number", "entity_id", "checklist_id", "source", "status", "inspected_on", "start_time", "end_time",
                                "representative", "representative_refused", "refusal_note", "conclusion", "rectification_deadline", "follow_up_of",
                                "score_actual", "score_applicable", "score_tenths", "grade", "grade_note", "entry_due", "late", "created_by", "submitted_at"]

    static func decode(_ row: any SQLRow) throws -> Record {
        let grade = try row.decode(column: "grade", as: String?.self).flatMap(Grading.Grade.init(rawValue:))
        var score: Grading.Score?
        if let grade, let actual = try row.decode(column: "score_actual", as: Int?.self), let applicable = try row.decode(column: "score_applicable", as: Int?.self),
           let tenths = try row.decode(column: "score_tenths", as: Int?.self) {
            // Failed key items are re-read from the results when the page needs them; the stored grade is what counts.
            score = Grading.Score(actual: actual, applicable: applicable, standardised: Double(tenths) / 10, failedKeyItems: [], grade: grade)
        }
        return Record(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: String?.self),
                      entityID: try row.decode(column: "entity_id", as: UUID.self), checklistID: try row.decode(column: "checklist_id", as: UUID.self),
                      source: InspectionSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .routine,
                      status: InspectionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                      inspectedOn: LocalDate(try row.decode(column: "inspected_on", as: String.self)) ?? LocalDate(instant: Date()),
                      startTime: try row.decode(column: "start_time", as: String.self), endTime: try row.decode(column: "end_time", as: String.self),
                      representative: try row.decode(column: "representative", as: String.self),
                      representativeRefused: try row.decode(column: "representative_refused", as: Bool.self),
                      refusalNote: try row.decode(column: "refusal_note", as: String.self), conclusion: try row.decode(column: "conclusion", as: String.self),
                      rectificationDeadline: try row.decode(column: "rectification_deadline", as: String?.self),
                      followUpOf: try row.decode(column: "follow_up_of", as: UUID?.self), score: score,
                      gradeNote: try row.decode(column: "grade_note", as: String?.self),
                      entryDue: try row.decode(column: "entry_due", as: String.self), late: try row.decode(column: "late", as: Bool.self),
                      createdBy: try row.decode(column: "created_by", as: String.self), submittedAt: try row.decode(column: "submitted_at", as: Int64?.self))
    }

    static func record(_ id: UUID, on db: any Database) async throws -> Record? {
        try await db.sql.select().columns(recordColumns).from("inspections").where("id", .equal, SQLBind(id)).first().map(decode)
    }

    /// One inspection and its unit, after the scope check (out of scope: 403 and audited).
    static func visible(_ id: UUID?, caller: Caller) async throws -> (Record, SupervisedEntity) {
        guard let id, let record = try await record(id, on: caller.db) else { throw Abort(.notFound, reason: "检查记录不存在") }
        let entity = try await EntityQueries.visible(record.entityID, caller: caller, asking: ("inspection", id.uuidString))
        return (record, entity)
    }

    static func inspectors(_ id: UUID, on db: any Database) async throws -> [Inspector] {
        try await db.sql.select().columns("user_id", "name", "certificate_number", "certificate_expiry").from("inspection_inspectors")
            .where("inspection_id", .equal, SQLBind(id)).orderBy("position").all().map { row in
                Inspector(userID: try row.decode(column: "user_id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                          certificateNumber: try row.decode(column: "certificate_number", as: String.self),
                          certificateExpiry: try row.decode(column: "certificate_expiry", as: String.self))
            }
    }

    static func results(_ id: UUID, on db: any Database) async throws -> [String: Result] {
        var results: [String: Result] = [:]
        for row in try await db.sql.select().columns("item_code", "result", "finding").from("inspection_results").where("inspection_id", .equal, SQLBind(id)).all() {
            guard let result = ItemResult(rawValue: try row.decode(column: "result", as: String.self)) else { continue }
            results[try row.decode(column: "item_code", as: String.self)] = Result(result: result, finding: try row.decode(column: "finding", as: String.self))
        }
        return results
    }

    static func samples(_ id: UUID, on db: any Database) async throws -> [Sample] {
        try await db.sql.select().columns("item", "quantity", "record_number").from("inspection_samples").where("inspection_id", .equal, SQLBind(id))
            .orderBy("position").all().map { row in
                Sample(item: try row.decode(column: "item", as: String.self), quantity: try row.decode(column: "quantity", as: String.self),
                       recordNumber: try row.decode(column: "record_number", as: String.self))
            }
    }

    static let rectificationStatus = ["open": "待整改", "corrected": "已整改", "notCorrected": "逾期未改"]

    static func decodeRectification(_ row: any SQLRow) throws -> Rectification {
        let status = try row.decode(column: "status", as: String.self)
        return Rectification(id: try row.decode(column: "id", as: UUID.self), inspectionID: try row.decode(column: "inspection_id", as: UUID.self),
                             itemCode: try row.decode(column: "item_code", as: String.self), itemText: try row.decode(column: "item_text", as: String.self),
                             finding: try row.decode(column: "finding", as: String.self), deadline: try row.decode(column: "deadline", as: String.self),
                             status: status, statusName: rectificationStatus[status] ?? status, followUpID: try row.decode(column: "follow_up_id", as: UUID?.self))
    }

    static let rectificationColumns = ["id", "inspection_id", "item_code", "item_text", "finding", "deadline", "status", "follow_up_id"]

    static func rectifications(inspectionID: UUID, on db: any Database) async throws -> [Rectification] {
        try await db.sql.select().columns(rectificationColumns).from("rectifications").where("inspection_id", .equal, SQLBind(inspectionID))
            .orderBy("item_code").all().map(decodeRectification)
    }

    static func openRectifications(entityID: UUID, on db: any Database) async throws -> [Rectification] {
        try await db.sql.select().columns(rectificationColumns).from("rectifications").where("entity_id", .equal, SQLBind(entityID))
            .where("status", .equal, SQLBind("open")).orderBy("deadline").all().map(decodeRectification)
    }
}
