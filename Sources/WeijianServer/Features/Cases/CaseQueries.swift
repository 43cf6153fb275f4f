import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 行政处罚案件: opening a case from an inspection's failed item, its facts, the steps of the
/// procedure (each checked by `CaseWorkflow` in Core, stored with its history entry and audit event
/// in one transaction, the state moved by one conditional statement), payments, and the reading.
enum CaseQueries {
    /// One case as stored.
    struct Record: Sendable {
        let id: UUID
        let number: String
        let entityID: UUID?
        let departmentID: UUID
        let topCategory: String
        let divisionCode: String
        let area: String?
        let source: String
        let sourceInspectionID: UUID?
        let sourceItem: String
        let partyKind: Penalty.PartyKind
        let partyName: String
        let partyCreditCode: String
        let partyAddress: String
        let partyRepresentative: String
        let illegalFacts: String
        let violatedProvision: String
        let penaltyBasis: String
        let penaltyProposal: String
        /// The 违法行为 chosen from the table (PenaltyRule.code), the 裁量档次 and the reason when the fine is outside it.
        let ruleCode: String
        let discretionBand: String
        let discretionReason: String
        let fineFen: Int
        let paidFen: Int
        let lifeAndHealth: Bool
        let major: Bool
        let state: CaseState
        let dates: CaseDates
        let acceptedOn: LocalDate
        let statementWaived: Bool
        let hearingRequested: Bool
        let hearingHeld: Bool
        let serviceMethod: ServiceMethod?
        let createdBy: String
    }

    static let columns = ["id", "number", "entity_id", "department_id", "top_category", "division_code", "area", "source", "source_inspection_id",
                          "source_item", "party_kind", "party_name", "party_credit_code", "party_address", "party_representative", "illegal_facts",
                          "violated_provision", "penalty_basis", "penalty_proposal", "rule_code", "discretion_band", "discretion_reason", "fine_fen", "paid_fen", "violation_on", "life_and_health", "major",
                          "state", "accepted_on", "filed_on", "notice_served_on", "statement_waived", "hearing_requested", "hearing_on", "hearing_held",
                          "decided_on", "served_on", "service_method", "closed_on", "decision_extension_days", "created_by"]

    static func decode(_ row: any SQLRow) throws -> Record {
        func date(_ column: String) throws -> LocalDate? { try row.decode(column: column, as: String?.self).flatMap(LocalDate.init) }
        var dates = CaseDates()
        dates.violationOn = try date("violation_on")
        dates.lifeAndHealth = try row.decode(column: "life_and_health", as: Bool.self)
        dates.filedOn = try date("filed_on")
        dates.decisionExtensionDays = try row.decode(column: "decision_extension_days", as: Int.self)
        dates.noticeServedOn = try date("notice_served_on")
        dates.hearingOn = try date("hearing_on")
        dates.decidedOn = try date("decided_on")
        dates.servedOn = try date("served_on")
        dates.closedOn = try date("closed_on")
        return Record(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: String.self),
                      entityID: try row.decode(column: "entity_id", as: UUID?.self), departmentID: try row.decode(column: "department_id", as: UUID.self),
                      topCategory: try row.decode(column: "top_category", as: String.self), divisionCode: try row.decode(column: "division_code", as: String.self),
                      area: try row.decode(column: "area", as: String?.self), source: try row.decode(column: "source", as: String.self),
                      sourceInspectionID: try row.decode(column: "source_inspection_id", as: UUID?.self), sourceItem: try row.decode(column: "source_item", as: String.self),
                      partyKind: Penalty.PartyKind(rawValue: try row.decode(column: "party_kind", as: String.self)) ?? .organisation,
                      partyName: try row.decode(column: "party_name", as: String.self), partyCreditCode: try row.decode(column: "party_credit_code", as: String.self),
                      partyAddress: try row.decode(column: "party_address", as: String.self),
                      partyRepresentative: try row.decode(column: "party_representative", as: String.self),
                      illegalFacts: try row.decode(column: "illegal_facts", as: String.self),
                      violatedProvision: try row.decode(column: "violated_provision", as: String.self), penaltyBasis: try row.decode(column: "penalty_basis", as: String.self),
                      penaltyProposal: try row.decode(column: "penalty_proposal", as: String.self),
                      ruleCode: try row.decode(column: "rule_code", as: String.self), discretionBand: try row.decode(column: "discretion_band", as: String.self),
                      discretionReason: try row.decode(column: "discretion_reason", as: String.self),
                      fineFen: try row.decode(column: "fine_fen", as: Int.self), paidFen: try row.decode(column: "paid_fen", as: Int.self),
                      lifeAndHealth: dates.lifeAndHealth, major: try row.decode(column: "major", as: Bool.self),
                      state: CaseState(rawValue: try row.decode(column: "state", as: String.self)) ?? .accepted, dates: dates,
                      acceptedOn: try date("accepted_on") ?? LocalDate(instant: Date()),
                      statementWaived: try row.decode(column: "statement_waived", as: Bool.self),
                      hearingRequested: try row.decode(column: "hearing_requested", as: Bool.self), hearingHeld: try row.decode(column: "hearing_held", as: Bool.self),
                      serviceMethod: try row.decode(column: "service_method", as: String?.self).flatMap(ServiceMethod.init(rawValue:)),
                      createdBy: try row.decode(column: "created_by", as: String.self))
    }

    static func record(_ id: UUID, on db: any Database) async throws -> Record? {
        try await db.sql.select().columns(columns).from("cases").where("id", .equal, SQLBind(id)).first().map(decode)
    }

    /// One case after the scope check (another department's case: 403, audited).
    static func visible(_ id: UUID?, caller: Caller) async throws -> Record {
        guard let id, let record = try await record(id, on: caller.db) else { throw Abort(.notFound, reason: "案件不存在") }
        let scope = caller.scope
        guard scope.allowsDepartment(record.departmentID), scope.allowsCategory(record.topCategory),
              scope.allowsArea(division: record.divisionCode, zone: record.area) else {
            try await caller.refuseOutOfScope("case", id: id.uuidString, name: record.number)
        }
        return record
    }

    // MARK: opening a case

    struct OpenInput: Content, Sendable {
        var item: String?
        /// 受理日期: today, or earlier when a case registered on paper is entered later (not before the inspection).
        var acceptedOn: String?
        var illegalFacts: String?
        var violationOn: String?
        var lifeAndHealth: Bool?
        var major: Bool?
    }

    /// What the intake form starts with: the item's finding as the facts, the inspection's date as
    /// the violation's, its inspectors as the handlers.
    static func proposal(item code: String, inspection: InspectionQueries.Record, on db: any Database) async throws -> OpenInput {
        let open = try await InspectionQueries.rectifications(inspectionID: inspection.id, on: db).first { $0.itemCode == code }
        guard let open else { throw ValidationError(field: "检查项目", code: "case.item", message: "“\(code)”不是本次检查中责令改正的项目") }
        var facts = "\(inspection.inspectedOn)现场检查发现：\(open.itemText)——\(open.finding)。"
        if open.status == "notCorrected" { facts += "经复查，逾期未改正。" }
        return OpenInput(item: code, acceptedOn: nil, illegalFacts: facts, violationOn: inspection.inspectedOn.description, lifeAndHealth: false, major: false)
    }

    /// Opens (受理) a case for a failed item of a submitted inspection: the party from the unit, the
    /// inspection's inspectors as handlers, the inspection record and the item's evidence in the
    /// evidence list. One open case per item.
    static func open(_ input: OpenInput, inspection: InspectionQueries.Record, entity: SupervisedEntity, by caller: Caller) async throws -> UUID {
        var errors = ValidationCollector()
        let today = LocalDate(instant: caller.now)
        guard inspection.status == .submitted, let inspectionNumber = inspection.number else {
            throw ValidationError(field: "检查记录", code: "case.inspection", message: "检查尚未提交，不能据此立案")
        }
        let code = input.item?.trimmed ?? ""
        let rectification = try await InspectionQueries.rectifications(inspectionID: inspection.id, on: caller.db).first { $0.itemCode == code }
        if rectification == nil { errors.add(ValidationError(field: "检查项目", code: "case.item", message: "“\(code)”不是本次检查中责令改正的项目")) }
        let facts = errors.text(input.illegalFacts, field: "案情摘要", max: 2000, required: true) ?? ""
        let accepted = (input.acceptedOn?.trimmed ?? "").isEmpty ? today
            : errors.date(input.acceptedOn, field: "受理日期", notAfter: today, notBefore: inspection.inspectedOn) ?? today
        let violation = errors.date(input.violationOn, field: "违法行为发生日期", required: true, notAfter: today, notBefore: today.adding(days: -5 * 366))
        if let violation, violation > inspection.inspectedOn {
            errors.add(ValidationError(field: "违法行为发生日期", code: "date.order", message: "不能晚于发现违法行为的检查日期\(inspection.inspectedOn)"))
        }
        if entity.departmentID == nil {
            errors.add(ValidationError(field: "主管科室", code: "case.department", message: "单位尚未分配主管科室，请先分配后再受理案件"))
        }
        try errors.check()
        if let existing = try await caseFor(inspectionID: inspection.id, item: code, on: caller.db) {
            throw ValidationError(field: "检查项目", code: "case.duplicate", message: "该项目已有案件\(existing)，不能重复受理")
        }
        let handlers = try await InspectionQueries.inspectors(inspection.id, on: caller.db)
        let evidence = try await InspectionEvidence.rows(inspection.id, on: caller.db).filter { $0.itemCode.isEmpty || $0.itemCode == code }
        let id = UUID()
        let (item, finding) = (rectification!.itemText, rectification!.finding)
        try await caller.db.writeTransaction { tx in
            let sequence = try await Numbering.allocate(scheme: "case", organ: "", year: today.year, on: tx)
            let number = "AJ\(today.year)" + String(format: "%05d", sequence)
            try await tx.sql.insert(into: "cases").columns(columns.filter { $0 != "id" } + ["id", "created_at"])
                .values(SQLBind(number), SQLBind(entity.id), SQLBind(entity.departmentID!), SQLBind(entity.topCategory), SQLBind(entity.divisionCode),
                        SQLBind(entity.area), SQLBind("inspection"), SQLBind(inspection.id), SQLBind(code), SQLBind(Penalty.PartyKind.organisation.rawValue),
                        SQLBind(entity.name), SQLBind(entity.creditCode ?? ""), SQLBind(entity.operatingAddress), SQLBind(entity.legalRepName ?? ""),
                        SQLBind(facts), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(0), SQLBind(0),
                        SQLBind(violation!.description),
                        SQLBind(input.lifeAndHealth ?? false), SQLBind(input.major ?? false), SQLBind(CaseState.accepted.rawValue), SQLBind(accepted.description),
                        SQLBind(String?.none), SQLBind(String?.none), SQLBind(false), SQLBind(false), SQLBind(String?.none), SQLBind(false),
                        SQLBind(String?.none), SQLBind(String?.none), SQLBind(String?.none), SQLBind(String?.none), SQLBind(0), SQLBind(caller.actor.name),
                        SQLBind(id), SQLBind(caller.now.millis))
                .run()
            for (position, handler) in handlers.enumerated() {
                try await tx.sql.insert(into: "case_handlers").columns("case_id", "position", "user_id", "name", "certificate_number")
                    .values(SQLBind(id), SQLBind(position), SQLBind(handler.userID), SQLBind(handler.name), SQLBind(handler.certificateNumber)).run()
            }
            var list: [(String, String, String, String)] = [("检查记录", "现场检查记录 \(inspectionNumber)（\(code) \(item)：\(finding)）", "监督检查 \(inspectionNumber)", "")]
            list += evidence.map { ("执法全过程记录", $0.fileName, "监督检查 \(inspectionNumber)", $0.sha256) }
            for (position, entry) in list.enumerated() {
                try await tx.sql.insert(into: "case_evidence").columns("case_id", "position", "kind", "title", "source", "sha256")
                    .values(SQLBind(id), SQLBind(position), SQLBind(entry.0), SQLBind(entry.1), SQLBind(entry.2), SQLBind(entry.3)).run()
            }
            try await event(id, action: "accept", from: "", to: .accepted, date: accepted, comment: "由监督检查\(inspectionNumber)第\(code)项受理", minutes: "", by: caller, on: tx)
            try await caller.audit(.caseCreate, target: ("case", id.uuidString), details: ["number": number, "inspection": inspectionNumber, "item": code], on: tx)
        }
        return id
    }

    static func caseFor(inspectionID: UUID, item: String, on db: any Database) async throws -> String? {
        try await db.sql.select().column("number").from("cases").where("source_inspection_id", .equal, SQLBind(inspectionID))
            .where("source_item", .equal, SQLBind(item)).where("state", .notIn, SQLBind.group([CaseState.notFiled.rawValue, CaseState.withdrawn.rawValue]))
            .first()?.decode(column: "number", as: String.self)
    }

    static func event(_ caseID: UUID, action: String, from: String, to: CaseState, date: LocalDate, comment: String, minutes: String,
                      by caller: Caller, on db: any Database) async throws {
        try await db.sql.insert(into: "case_events").columns("id", "case_id", "at", "on_date", "action", "from_state", "to_state", "actor", "comment", "minutes")
            .values(SQLBind(UUID()), SQLBind(caseID), SQLBind(caller.now.millis), SQLBind(date.description), SQLBind(action), SQLBind(from),
                    SQLBind(to.rawValue), SQLBind(caller.actor.name), SQLBind(comment), SQLBind(minutes)).run()
    }

    // MARK: facts

    struct FactsInput: Content, Sendable, APIExample {
        var ruleCode: String?
        var discretionBand: String?
        var discretionReason: String?
        var illegalFacts: String?
        var violatedProvision: String?
        var penaltyBasis: String?
        var penaltyProposal: String?
        var fineYuan: String?
        var major: Bool?
        var lifeAndHealth: Bool?
        static let example = FactsInput(ruleCode: "GG-38", discretionBand: "轻微", discretionReason: "", illegalFacts: "2026-03-02现场检查发现：深水区池水游离性余氯0.1 mg/L，低于0.3 mg/L。",
                                        violatedProvision: "《公共场所卫生管理条例实施细则》第十四条", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十六条",
                                        penaltyProposal: "警告，并处罚款", fineYuan: "2000", major: false, lifeAndHealth: false)
    }

    /// The facts, the provisions and the proposed penalty, while no decision has been made.
    static func saveFacts(_ input: FactsInput, record: Record, by caller: Caller) async throws {
        guard record.state.isBeforeDecision else {
            throw ValidationError(field: "案件状态", code: "case.state", message: "案件已作出决定（\(record.state.chinese)），事实与处罚意见不能再修改")
        }
        var errors = ValidationCollector()
        let facts = errors.text(input.illegalFacts, field: "违法事实", max: 2000, required: true) ?? ""
        let provision = errors.text(input.violatedProvision, field: "违反条款", max: 500) ?? ""
        let basis = errors.text(input.penaltyBasis, field: "处罚依据", max: 500) ?? ""
        let proposal = errors.text(input.penaltyProposal, field: "处罚意见", max: 500) ?? ""
        var fine = 0
        if let raw = input.fineYuan?.trimmed, !raw.isEmpty {
            if let value = Penalty.fen(fromYuan: raw), value <= 100_000_000_00 { fine = value } else if Penalty.fen(fromYuan: raw) != nil {
                errors.add(ValidationError(field: "罚款金额", code: "amount.range", message: "超过1亿元，请核对金额"))
            } else {
                errors.add(ValidationError(field: "罚款金额", code: "amount", message: "应为以元为单位的金额，最多两位小数，例如 2000 或 1500.50"))
            }
        }
        // A 违法行为 chosen from the table gives the provisions and holds the fine to its range and band.
        let ruleCode = input.ruleCode?.trimmed ?? ""
        var violated = provision, grounds = basis
        let band = input.discretionBand?.trimmed ?? "", reason = errors.text(input.discretionReason, field: "裁量理由", max: 500) ?? ""
        if !ruleCode.isEmpty {
            if let rule = PenaltyRule.defaults.first(where: { $0.code == ruleCode && record.topCategory.hasPrefix($0.category) }) {
                (violated, grounds) = (rule.violatedProvision, rule.penaltyBasis)
                for error in rule.check(fineFen: fine, band: band, reason: reason) { errors.add(error) }
            } else {
                errors.add(ValidationError(field: "违法行为", code: "choice", message: "“\(ruleCode)”不是本类别违法行为表中的项目"))
            }
        }
        try errors.check()
        let fineFen = fine
        let (provisionText, basisText) = (violated, grounds)
        try await caller.db.writeTransaction { tx in
            try await tx.sql.update("cases").set("illegal_facts", to: SQLBind(facts)).set("violated_provision", to: SQLBind(provisionText))
                .set("penalty_basis", to: SQLBind(basisText)).set("rule_code", to: SQLBind(ruleCode)).set("discretion_band", to: SQLBind(band))
                .set("discretion_reason", to: SQLBind(reason)).set("penalty_proposal", to: SQLBind(proposal)).set("fine_fen", to: SQLBind(fineFen))
                .set("major", to: SQLBind(input.major ?? false)).set("life_and_health", to: SQLBind(input.lifeAndHealth ?? false))
                .where("id", .equal, SQLBind(record.id)).run()
            try await event(record.id, action: "facts", from: record.state.rawValue, to: record.state, date: LocalDate(instant: caller.now),
                            comment: "违反条款：\(provisionText.isEmpty ? "（未填）" : provisionText)；处罚意见：\(proposal.isEmpty ? "（未填）" : proposal)"
                                + (fineFen > 0 ? "，罚款\(Penalty.yuan(fineFen))" : ""), minutes: "", by: caller, on: tx)
            try await caller.audit(.caseUpdate, target: ("case", record.id.uuidString),
                                   details: ["number": record.number, "fine": Penalty.yuan(fineFen), "provision": provisionText, "rule": ruleCode, "band": band], on: tx)
        }
    }

    // MARK: steps

    struct StepInput: Content, Sendable, APIExample {
        var action: String?
        var date: String?
        var comment: String?
        var minutes: String?
        var serviceMethod: String?
        static let example = StepInput(action: CaseAction.file.rawValue, date: "2026-03-03", comment: "同意立案", minutes: nil, serviceMethod: nil)
    }

    /// The facts the guards read, from the stored case.
    static func facts(_ record: Record, calendar: WorkCalendar, today: LocalDate, on db: any Database) async throws -> CaseFacts {
        var facts = CaseFacts()
        facts.handlers = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("case_handlers")
            .where("case_id", .equal, SQLBind(record.id)).first()?.decode(column: "n", as: Int.self) ?? 0
        facts.evidenceCount = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("case_evidence")
            .where("case_id", .equal, SQLBind(record.id)).first()?.decode(column: "n", as: Int.self) ?? 0
        facts.hasParty = !record.partyName.isEmpty
        facts.illegalFacts = record.illegalFacts
        facts.provisionsChosen = !record.violatedProvision.isEmpty && !record.penaltyBasis.isEmpty
        facts.major = record.major
        facts.legalReviewRequired = record.major
        facts.acceptedOn = record.acceptedOn
        facts.filedOn = record.dates.filedOn
        facts.noticeServedOn = record.dates.noticeServedOn
        let items = CaseDeadlines.items(record.dates, calendar: calendar)
        facts.statementPeriodEnds = items.first { $0.code == "case.statement" }?.due
        facts.limitationEnds = items.first { $0.code == "case.limitation" }?.due
        facts.statementWaived = record.statementWaived
        facts.hearingRequested = record.hearingRequested
        facts.hearingHeld = record.hearingHeld
        facts.outstandingFen = owed(record, payments: try await payments(record.id, on: db), items: items, on: today).outstanding
        facts.issuedDocuments = Set(try await db.sql.select().column("kind").from("enforcement_documents").where("owner_type", .equal, SQLBind("case"))
            .where("owner_id", .equal, SQLBind(record.id)).where("status", .equal, SQLBind("issued")).all().map { try $0.decode(column: "kind", as: String.self) })
        let transitions = CaseAction.allCases.map(\.rawValue)
        if let last = try await db.sql.select().columns("on_date", "action").from("case_events").where("case_id", .equal, SQLBind(record.id))
            .where("action", .in, SQLBind.group(transitions)).orderBy("on_date", .descending).limit(1).first(),
           let date = LocalDate(try last.decode(column: "on_date", as: String.self)) {
            facts.lastStep = (CaseAction(rawValue: try last.decode(column: "action", as: String.self))?.chinese ?? "", date)
        }
        return facts
    }

    /// The payments recorded for a case, by date.
    static func payments(_ caseID: UUID, on db: any Database) async throws -> [(date: LocalDate, fen: Int)] {
        try await db.sql.select().columns("paid_on", "amount_fen").from("case_payments").where("case_id", .equal, SQLBind(caseID)).orderBy("paid_on").all()
            .compactMap { row in
                let fen = try row.decode(column: "amount_fen", as: Int.self)
                return LocalDate(try row.decode(column: "paid_on", as: String.self)).map { (date: $0, fen: fen) }
            }
    }

    /// What is owed on `date`: the fine and its surcharge after the payment deadline (on the part
    /// still unpaid each day), less payments.
    static func owed(_ record: Record, payments: [(date: LocalDate, fen: Int)], items: [CaseDeadlines.Item], on date: LocalDate) -> (fine: Int, surcharge: Int, outstanding: Int) {
        Penalty.owed(fineFen: record.fineFen, due: items.first { $0.code == "case.finePayment" }?.due, payments: payments, on: date)
    }

    /// Takes one step of the procedure: checked by the Core guards, then the state moved by one
    /// statement conditional on the state the check saw, its date kept, the history entry and the
    /// audit event in the same transaction.
    static func step(_ input: StepInput, record: Record, by caller: Caller) async throws {
        var errors = ValidationCollector()
        let today = LocalDate(instant: caller.now)
        guard let action = CaseAction(rawValue: input.action ?? "") else {
            throw ValidationError(field: "操作", code: "choice", message: "应为：" + CaseAction.allCases.map(\.rawValue).joined(separator: "、"))
        }
        let date = errors.date(input.date, field: "日期", required: true, notAfter: today)
        let comment = errors.text(input.comment, field: "意见", max: 500) ?? ""
        let minutes = errors.text(input.minutes, field: "记录", max: 4000) ?? ""
        var method: ServiceMethod?
        if let raw = input.serviceMethod?.trimmed, !raw.isEmpty {
            method = ServiceMethod(rawValue: raw)
            if method == nil { errors.add(ValidationError(field: "送达方式", code: "choice", message: "应为：" + ServiceMethod.allCases.map(\.chinese).joined(separator: "、"))) }
        }
        try errors.check()
        let calendar = try await CalendarStore.load(on: caller.db)
        let facts = try await facts(record, calendar: calendar, today: date!, on: caller.db)
        let step = CaseStep(date: date!, comment: comment, minutes: minutes, serviceMethod: method)
        let refused = CaseWorkflow.check(action, state: record.state, facts: facts, step: step, approverRoles: caller.user?.roles ?? [])
        if !refused.isEmpty { throw ValidationErrors(refused) }
        let chosenMethod = method
        try await caller.db.writeTransaction { tx in
            var update = tx.sql.update("cases").set("state", to: SQLBind(action.to.rawValue))
            switch action {
            case .file: update = update.set("filed_on", to: SQLBind(date!.description))
            case .notify: update = update.set("notice_served_on", to: SQLBind(date!.description))
            case .decide: update = update.set("decided_on", to: SQLBind(date!.description))
            case .serve: update = update.set("served_on", to: SQLBind(date!.description)).set("service_method", to: SQLBind(chosenMethod?.rawValue))
            case .close: update = update.set("closed_on", to: SQLBind(date!.description))
            default: break
            }
            let moved = try await update.where("id", .equal, SQLBind(record.id)).where("state", .equal, SQLBind(record.state.rawValue))
                .returning("id").all()
            guard !moved.isEmpty else {
                throw ValidationError(field: "案件状态", code: "case.changed", message: "案件状态已被他人更新，请刷新页面后再操作")
            }
            try await event(record.id, action: action.rawValue, from: record.state.rawValue, to: action.to, date: date!, comment: comment, minutes: minutes, by: caller, on: tx)
            try await caller.audit(.caseStep, target: ("case", record.id.uuidString),
                                   details: ["number": record.number, "action": action.chinese, "from": record.state.chinese, "to": action.to.chinese,
                                             "date": date!.description], on: tx)
        }
    }

    // MARK: statement, hearing and payment

    struct StatementInput: Content, Sendable {
        var statementWaived: Bool?
        var hearingRequested: Bool?
        var hearingOn: String?
        var hearingHeld: Bool?
    }

    /// What the party did in the 陈述申辩 period: waived it, asked for a hearing, the hearing's date and whether it was held.
    static func saveStatement(_ input: StatementInput, record: Record, by caller: Caller) async throws {
        guard record.state == .notified else {
            throw ValidationError(field: "案件状态", code: "case.state", message: "只有已告知、尚未决定的案件可以登记陈述申辩与听证")
        }
        var errors = ValidationCollector()
        let hearing = errors.date(input.hearingOn, field: "听证日期", notBefore: record.dates.noticeServedOn)
        let (waived, requested, held) = (input.statementWaived ?? false, input.hearingRequested ?? false, input.hearingHeld ?? false)
        if waived && requested {
            errors.add(ValidationError(field: "陈述申辩", code: "case.statement", message: "当事人书面放弃陈述、申辩和听证的，不能同时登记申请听证"))
        }
        if held && !requested { errors.add(ValidationError(field: "听证", code: "case.hearing", message: "当事人未申请听证，不能登记已举行听证")) }
        if held && (input.hearingOn?.trimmed ?? "").isEmpty {
            errors.add(ValidationError(field: "听证日期", code: "required", message: "已举行听证的，须填写听证日期"))
        }
        try errors.check()
        try await caller.db.writeTransaction { tx in
            try await tx.sql.update("cases").set("statement_waived", to: SQLBind(input.statementWaived ?? false))
                .set("hearing_requested", to: SQLBind(input.hearingRequested ?? false)).set("hearing_on", to: SQLBind(hearing?.description))
                .set("hearing_held", to: SQLBind(input.hearingHeld ?? false)).where("id", .equal, SQLBind(record.id)).run()
            let summary = [(input.statementWaived ?? false) ? "当事人书面放弃陈述申辩" : nil, (input.hearingRequested ?? false) ? "申请听证" : nil,
                           hearing.map { "听证日期\($0)" }, (input.hearingHeld ?? false) ? "已举行听证" : nil].compactMap { $0 }.joined(separator: "；")
            try await event(record.id, action: "statement", from: record.state.rawValue, to: record.state, date: LocalDate(instant: caller.now),
                            comment: summary.isEmpty ? "陈述申辩情况更新" : summary, minutes: "", by: caller, on: tx)
            try await caller.audit(.caseUpdate, target: ("case", record.id.uuidString), details: ["number": record.number, "statement": summary], on: tx)
        }
    }

    struct PaymentInput: Content, Sendable, APIExample {
        var amountYuan: String?
        var paidOn: String?
        static let example = PaymentInput(amountYuan: "2000", paidOn: "2026-04-08")
    }

    /// A payment of the fine (and surcharge): never more than what is owed on its date — the
    /// amount is added by one statement that holds only while it stays within that.
    static func pay(_ input: PaymentInput, record: Record, by caller: Caller) async throws {
        guard record.state == .served else { throw ValidationError(field: "案件状态", code: "case.state", message: "决定书送达后方可登记缴款") }
        var errors = ValidationCollector()
        let today = LocalDate(instant: caller.now)
        let date = errors.date(input.paidOn, field: "缴款日期", required: true, notAfter: today, notBefore: record.dates.servedOn)
        var amount = 0
        if (input.amountYuan?.trimmed ?? "").isEmpty {
            errors.add(ValidationError(field: "缴款金额", code: "required", message: "必填，不能为空"))
        } else if let value = Penalty.fen(fromYuan: input.amountYuan ?? ""), value > 0 { amount = value } else {
            errors.add(ValidationError(field: "缴款金额", code: "amount", message: "应为大于0的金额（元），最多两位小数"))
        }
        try errors.check()
        let calendar = try await CalendarStore.load(on: caller.db)
        let items = CaseDeadlines.items(record.dates, calendar: calendar)
        let earlier = try await payments(record.id, on: caller.db).filter { $0.date <= date! }
        let due = self.owed(record, payments: earlier, items: items, on: date!)
        let owed = due.fine + due.surcharge
        let paying = amount
        try await caller.db.writeTransaction { tx in
            // One statement adds the payment while the total stays within what is owed on its date.
            let added = try await tx.sql.raw("""
                UPDATE cases SET paid_fen = paid_fen + \(bind: paying) WHERE id = \(bind: record.id) AND paid_fen + \(bind: paying) <= \(bind: owed) RETURNING paid_fen
                """).all()
            guard !added.isEmpty else {
                throw ValidationError(field: "缴款金额", code: "case.overpaid",
                                      message: "超过应缴金额：截至\(date!)应缴\(Penalty.yuan(owed))（其中加处罚款\(Penalty.yuan(due.surcharge))），已缴\(Penalty.yuan(record.paidFen))")
            }
            try await tx.sql.insert(into: "case_payments").columns("case_id", "paid_on", "amount_fen", "recorded_by", "recorded_at")
                .values(SQLBind(record.id), SQLBind(date!.description), SQLBind(paying), SQLBind(caller.actor.name), SQLBind(caller.now.millis)).run()
            try await event(record.id, action: "payment", from: record.state.rawValue, to: record.state, date: date!, comment: "缴款\(Penalty.yuan(paying))",
                            minutes: "", by: caller, on: tx)
            try await caller.audit(.casePayment, target: ("case", record.id.uuidString), details: ["number": record.number, "amount": Penalty.yuan(paying)], on: tx)
        }
    }

    // MARK: lists

    struct Row: Content, Sendable {
        let id: UUID
        let number: String
        let partyName: String
        let state: String
        let stateName: String
        let acceptedOn: String
        let nextDeadline: String
        let nextDue: String
        let overdue: Bool
    }

    enum View: String, CaseIterable, Sendable { case open, all }

    static func row(_ record: Record, calendar: WorkCalendar, today: LocalDate) -> Row {
        let next = record.state.isFinal ? nil : CaseDeadlines.items(record.dates, calendar: calendar).filter { !$0.met }.min { $0.due < $1.due }
        return Row(id: record.id, number: record.number, partyName: record.partyName, state: record.state.rawValue, stateName: record.state.chinese,
                   acceptedOn: record.acceptedOn.description, nextDeadline: next?.name ?? "", nextDue: next?.due.description ?? "",
                   overdue: next.map { $0.due < today && !CasePages.partySide.contains($0.code) } ?? false)
    }

    /// A unit's cases for its page (一户一档), newest first; the unit page is behind the same scope.
    static func ofUnit(_ entityID: UUID, today: LocalDate, on db: any Database) async throws -> [Row] {
        let calendar = try await CalendarStore.load(on: db)
        return try await db.sql.select().columns(columns).from("cases").where("entity_id", .equal, SQLBind(entityID))
            .orderBy("accepted_on", .descending).orderBy("number", .descending).limit(50).all().map { row(try decode($0), calendar: calendar, today: today) }
    }

    static func list(view: View, entityID: UUID? = nil, page: Int, today: LocalDate, caller: Caller) async throws -> Paged<Row> {
        var query = caller.scope.apply(to: caller.db.sql.select().columns(columns).from("cases"), department: "department_id",
                                       category: "top_category", area: "division_code", zone: "area")
        if view == .open {
            query = query.where("state", .notIn, SQLBind.group(CaseState.allCases.filter(\.isFinal).map(\.rawValue)))
        }
        if let entityID { query = query.where("entity_id", .equal, SQLBind(entityID)) }
        query = query.orderBy("accepted_on", .descending).orderBy("number", .descending)
        let calendar = try await CalendarStore.load(on: caller.db)
        return try await Paged.read(query, page: page, pageSize: 50, on: caller.db) { rows in
            try rows.map { row(try decode($0), calendar: calendar, today: today) }
        }
    }
}

extension CaseQueries.Row: APIExample {
    static let example = CaseQueries.Row(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, number: "AJ202600012", partyName: "福州清波游泳馆有限公司",
                                         state: "notified", stateName: "已告知，陈述申辩期", acceptedOn: "2026-03-02", nextDeadline: "陈述申辩",
                                         nextDue: "2026-03-23", overdue: false)
}
