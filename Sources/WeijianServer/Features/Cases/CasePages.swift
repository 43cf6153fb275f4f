import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// What the case page and the API show of a case.
enum CasePages {
    /// The party's own periods (陈述申辩, 听证申请, 缴款): when they pass they have run out, the
    /// institute has not missed anything.
    static let partySide: Set<String> = ["case.statement", "case.hearingRequest", "case.finePayment"]

    struct Deadline: Content, Sendable {
        let name: String
        let due: String
        let met: Bool
        let overdue: Bool
        /// 已完成 / 已逾期 / 已届满 (a party's period that ran out) / 进行中.
        let status: String
        let steps: [String]
    }

    struct Handler: Content, Sendable {
        let name: String
        let certificateNumber: String
    }

    struct Evidence: Content, Sendable {
        let kind: String
        let title: String
        let source: String
        let sha256: String
    }

    struct Event: Content, Sendable {
        let date: String
        let at: String
        let action: String
        let state: String
        let actor: String
        let comment: String
        let minutes: String
    }

    struct Action: Content, Sendable {
        let code: String
        let name: String
        let needsApproval: Bool
        /// Who approves it, in words ("" when no approval is needed).
        let approvers: String
        /// What the step's text area is for ("" when the step has none).
        let minutesLabel: String
    }

    struct Detail: Content, Sendable {
        let id: UUID
        let number: String
        let state: String
        let stateName: String
        let isFinal: Bool
        let beforeDecision: Bool
        let entityID: UUID?
        let sourceInspectionID: UUID?
        let sourceItem: String
        let partyKind: String
        let partyName: String
        let partyCreditCode: String
        let partyAddress: String
        let partyRepresentative: String
        let illegalFacts: String
        let violatedProvision: String
        let penaltyBasis: String
        let penaltyProposal: String
        let ruleCode: String
        let discretionBand: String
        let discretionReason: String
        let fine: String
        let fineYuan: String
        let paid: String
        let outstanding: String
        let surcharge: String
        let major: Bool
        let lifeAndHealth: Bool
        let acceptedOn: String
        let violationOn: String
        let statementWaived: Bool
        let hearingRequested: Bool
        let hearingOn: String
        let hearingHeld: Bool
        let serviceMethod: String
        let handlers: [Handler]
        let evidence: [Evidence]
        let deadlines: [Deadline]
        let history: [Event]
        let actions: [Action]
        /// The case's documents, then the source inspection's (笔录, 意见书), which join the case file.
        let documents: [Documents.Issued]
        /// The kinds the case's state allows issuing now.
        let issuable: [Option]
    }

    static func minutesLabel(_ action: CaseAction) -> String {
        switch action {
        case .deliberate: "合议记录（参加人员、意见）"
        case .legalReview: "法制审核意见"
        case .decide: "集体讨论纪要（重大案件必填）"
        case .notFile, .withdraw: "理由"
        case .transfer: "受移送的机关及移送理由"
        default: ""
        }
    }

    static func detail(_ record: CaseQueries.Record, today: LocalDate, on db: any Database) async throws -> Detail {
        let calendar = try await CalendarStore.load(on: db)
        let items = CaseDeadlines.items(record.dates, calendar: calendar)
        let handlers = try await db.sql.select().columns("name", "certificate_number").from("case_handlers").where("case_id", .equal, SQLBind(record.id))
            .orderBy("position").all().map { Handler(name: try $0.decode(column: "name", as: String.self), certificateNumber: try $0.decode(column: "certificate_number", as: String.self)) }
        let evidence = try await db.sql.select().columns("kind", "title", "source", "sha256").from("case_evidence").where("case_id", .equal, SQLBind(record.id))
            .orderBy("position").all().map {
                Evidence(kind: try $0.decode(column: "kind", as: String.self), title: try $0.decode(column: "title", as: String.self),
                         source: try $0.decode(column: "source", as: String.self), sha256: try $0.decode(column: "sha256", as: String.self))
            }
        let history = try await db.sql.select().columns("on_date", "at", "action", "to_state", "actor", "comment", "minutes").from("case_events")
            .where("case_id", .equal, SQLBind(record.id)).orderBy("at").all().map { row -> Event in
                let action = try row.decode(column: "action", as: String.self)
                let name = CaseAction(rawValue: action)?.chinese ?? ["accept": "受理", "statement": "陈述申辩与听证", "payment": "缴款", "facts": "修改事实与处罚意见"][action] ?? action
                return Event(date: try row.decode(column: "on_date", as: String.self), at: Format.dateTime(millis: try row.decode(column: "at", as: Int64.self)),
                             action: name, state: CaseState(rawValue: try row.decode(column: "to_state", as: String.self))?.chinese ?? "",
                             actor: try row.decode(column: "actor", as: String.self), comment: try row.decode(column: "comment", as: String.self),
                             minutes: try row.decode(column: "minutes", as: String.self))
            }
        let fine = record.fineFen
        let money = CaseQueries.owed(record, payments: try await CaseQueries.payments(record.id, on: db), items: items, on: today)
        var documents = try await Documents.of(ownerType: "case", ownerID: record.id, on: db)
        if let inspection = record.sourceInspectionID { documents += try await Documents.of(ownerType: "inspection", ownerID: inspection, on: db) }
        let issuable = CaseDocuments.kinds.filter { CaseDocuments.refusal($0, record: record) == nil }.map { Option(code: $0.rawValue, name: $0.chinese) }
        return Detail(id: record.id, number: record.number, state: record.state.rawValue, stateName: record.state.chinese, isFinal: record.state.isFinal,
                      beforeDecision: record.state.isBeforeDecision, entityID: record.entityID, sourceInspectionID: record.sourceInspectionID,
                      sourceItem: record.sourceItem, partyKind: record.partyKind.chinese, partyName: record.partyName, partyCreditCode: record.partyCreditCode,
                      partyAddress: record.partyAddress, partyRepresentative: record.partyRepresentative, illegalFacts: record.illegalFacts,
                      violatedProvision: record.violatedProvision, penaltyBasis: record.penaltyBasis, penaltyProposal: record.penaltyProposal,
                      ruleCode: record.ruleCode, discretionBand: record.discretionBand, discretionReason: record.discretionReason,
                      fine: fine == 0 ? "" : Penalty.yuan(fine), fineYuan: fine == 0 ? "" : String(format: "%.2f", Double(fine) / 100),
                      paid: Penalty.yuan(record.paidFen), outstanding: Penalty.yuan(money.outstanding), surcharge: Penalty.yuan(money.surcharge),
                      major: record.major, lifeAndHealth: record.lifeAndHealth, acceptedOn: record.acceptedOn.description,
                      violationOn: record.dates.violationOn?.description ?? "", statementWaived: record.statementWaived,
                      hearingRequested: record.hearingRequested, hearingOn: record.dates.hearingOn?.description ?? "", hearingHeld: record.hearingHeld,
                      serviceMethod: record.serviceMethod?.chinese ?? "", handlers: handlers, evidence: evidence,
                      deadlines: items.map { item in
                          let passed = !item.met && item.due < today && !record.state.isFinal
                          let party = partySide.contains(item.code)
                          return Deadline(name: item.name, due: item.due.description, met: item.met, overdue: passed && !party,
                                          status: item.met ? "已完成" : passed ? (party ? "已届满" : "已逾期") : record.state.isFinal ? "—" : "进行中", steps: item.steps)
                      },
                      history: history,
                      actions: CaseAction.available(from: record.state).map { action in
                          Action(code: action.rawValue, name: action.chinese, needsApproval: action.needsApproval,
                                 approvers: action == .decide ? "所领导（行政机关负责人）" : action.needsApproval ? "科室负责人或所领导" : "",
                                 minutesLabel: minutesLabel(action))
                      },
                      documents: documents, issuable: issuable)
    }

    struct Option: Content, Sendable {
        let code: String
        let name: String
    }

    /// One step's form on the page: offered only to those who may take it, with what was typed
    /// when the last try was refused.
    struct StepForm: Encodable, Sendable {
        let code: String
        let name: String
        let approvers: String
        let minutesLabel: String
        let allowed: Bool
        let date: String
        let comment: String
        let minutes: String
        let serviceMethod: String
    }

    /// What the user typed into the case page's forms before a refusal, to show it again.
    struct Typed: Sendable {
        var step: CaseQueries.StepInput?
        var facts: CaseQueries.FactsInput?
        var statement: CaseQueries.StatementInput?
        var payment: CaseQueries.PaymentInput?
    }

    /// A 违法行为 of the table, as the facts form offers it.
    struct RuleOption: Encodable, Sendable {
        let code: String
        let violation: String
        let basis: String
        let legalRange: String
        let bands: String
    }

    struct ShowPage: Encodable, Sendable {
        let rules: [RuleOption]
        let bandNames: [String]
        let detail: Detail
        let today: String
        let serviceMethods: [Option]
        let errors: [String]
        let steps: [StepForm]
        let facts: CaseQueries.FactsInput
        let statement: CaseQueries.StatementInput
        let payment: CaseQueries.PaymentInput
    }

    static func showPage(_ detail: Detail, topCategory: String, roles: Set<Role>, today: LocalDate, typed: Typed, errors: [String]) -> ShowPage {
        let steps = detail.actions.map { action -> StepForm in
            let required = CaseAction(rawValue: action.code)?.approvers ?? []
            let mine = typed.step?.action == action.code ? typed.step : nil
            return StepForm(code: action.code, name: action.name, approvers: action.approvers, minutesLabel: action.minutesLabel,
                            allowed: required.isEmpty || !roles.isDisjoint(with: required), date: mine?.date ?? today.description,
                            comment: mine?.comment ?? "", minutes: mine?.minutes ?? "", serviceMethod: mine?.serviceMethod ?? "")
        }
        let facts = typed.facts ?? CaseQueries.FactsInput(ruleCode: detail.ruleCode, discretionBand: detail.discretionBand, discretionReason: detail.discretionReason,
                                                           illegalFacts: detail.illegalFacts, violatedProvision: detail.violatedProvision,
                                                           penaltyBasis: detail.penaltyBasis, penaltyProposal: detail.penaltyProposal,
                                                           fineYuan: detail.fineYuan, major: detail.major, lifeAndHealth: detail.lifeAndHealth)
        let statement = typed.statement ?? CaseQueries.StatementInput(statementWaived: detail.statementWaived, hearingRequested: detail.hearingRequested,
                                                                      hearingOn: detail.hearingOn, hearingHeld: detail.hearingHeld)
        let payment = typed.payment ?? CaseQueries.PaymentInput(amountYuan: "", paidOn: today.description)
        let rules = PenaltyRule.defaults.filter { topCategory.hasPrefix($0.category) }
        let options = rules.map { rule in
            RuleOption(code: rule.code, violation: rule.violation, basis: rule.penaltyBasis,
                       legalRange: rule.legalMaxFen == 0 ? "不罚款" : "\(Penalty.yuan(rule.legalMinFen))至\(Penalty.yuan(rule.legalMaxFen))",
                       bands: rule.bands.map { "\($0.name)（\($0.circumstances)）\(Penalty.yuan($0.minFen))–\(Penalty.yuan($0.maxFen))" }.joined(separator: "；"))
        }
        var names: [String] = []
        for band in rules.flatMap(\.bands) where !names.contains(band.name) { names.append(band.name) }
        return ShowPage(rules: options, bandNames: names, detail: detail, today: today.description, serviceMethods: ServiceMethod.allCases.map { .init(code: $0.rawValue, name: $0.chinese) },
                        errors: errors, steps: steps, facts: facts, statement: statement, payment: payment)
    }
}

extension CasePages.Detail: APIExample {
    static let example = CasePages.Detail(
        id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, number: "AJ202600012", state: "notified", stateName: "已告知，陈述申辩期",
        isFinal: false, beforeDecision: true, entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!,
        sourceInspectionID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3303")!, sourceItem: "3.2", partyKind: "法人或其他组织",
        partyName: "福州清波游泳馆有限公司", partyCreditCode: "91350102MA2XN0Q12B", partyAddress: "福州市鼓楼区湖东路88号", partyRepresentative: "王建国",
        illegalFacts: "2026-03-02现场检查发现：深水区池水游离性余氯0.1 mg/L，低于0.3 mg/L。经复查，逾期未改正。",
        violatedProvision: "《公共场所卫生管理条例实施细则》第十四条", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十六条",
        penaltyProposal: "警告，并处罚款", ruleCode: "GG-38", discretionBand: "一般", discretionReason: "", fine: "2,000元", fineYuan: "2000.00", paid: "0元", outstanding: "2,000元", surcharge: "0元", major: false, lifeAndHealth: false,
        acceptedOn: "2026-03-02", violationOn: "2026-03-02", statementWaived: false, hearingRequested: false, hearingOn: "", hearingHeld: false,
        serviceMethod: "", handlers: [.init(name: "陈志强", certificateNumber: "闽卫执0012"), .init(name: "林海燕", certificateNumber: "闽卫执0031")],
        evidence: [.init(kind: "检查记录", title: "现场检查记录 JC202600031", source: "监督检查 JC202600031", sha256: "")],
        deadlines: [.init(name: "陈述申辩", due: "2026-03-23", met: false, overdue: false, status: "进行中", steps: ["陈述申辩：5个工作日", "期限届满日：2026-03-23"])],
        history: [.init(date: "2026-03-02", at: "2026-03-02 10:12", action: "受理", state: "已受理，待立案", actor: "陈志强(jiandu1)", comment: "", minutes: "")],
        actions: [.init(code: "decide", name: "作出决定", needsApproval: true, approvers: "所领导（行政机关负责人）", minutesLabel: "集体讨论纪要（重大案件必填）")],
        documents: [], issuable: [.init(code: "penaltyNotice", name: "行政处罚事先告知书")])
}
