import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The case's enforcement documents (执法文书), laid out from the case data for the document engine
/// (PDF, 文号 gap-free per kind/organ/year, frozen, void register). Each kind may be issued only in
/// the states where the procedure calls for it.
enum CaseDocuments {
    /// The states in which a kind may be issued, and what else it needs.
    static func refusal(_ kind: DocumentKind, record: CaseQueries.Record) -> String? {
        let allowed: Set<CaseState>
        switch kind {
        case .caseSource: allowed = Set(CaseState.allCases)
        case .caseFiling: allowed = [.accepted, .investigating]
        case .inquiryRecord: allowed = [.investigating]
        case .investigationReport: allowed = [.investigated, .deliberated, .reviewed]
        case .deliberationRecord: allowed = [.deliberated, .reviewed, .notified]
        case .legalReviewOpinion: allowed = [.reviewed, .notified]
        case .penaltyNotice: allowed = [.deliberated, .reviewed, .notified]
        case .hearingNotice:
            guard record.hearingRequested else { return "当事人未申请听证，不能签发听证告知书" }
            allowed = [.notified]
        case .hearingRecord:
            guard record.hearingHeld else { return "尚未举行听证，不能签发听证笔录" }
            allowed = [.notified, .decided]
        case .penaltyDecision: allowed = [.decided, .served, .executed, .closed]
        case .serviceReceipt: allowed = [.decided, .served]
        case .caseTransfer: allowed = [.transferred]
        case .closingReport: allowed = [.executed, .closed]
        case .inspectionRecord, .supervisionOpinion: return "\(kind.chinese)由监督检查签发"
        }
        guard allowed.contains(record.state) else {
            return "案件当前为“\(record.state.chinese)”，不能签发\(kind.chinese)（须处于：\(allowed.map(\.chinese).sorted().joined(separator: "、"))）"
        }
        if kind == .penaltyDecision && record.violatedProvision.isEmpty {
            return "尚未写明违反条款和处罚依据，不能签发行政处罚决定书"
        }
        return nil
    }

    /// The kinds the cases feature issues, in the order of the procedure.
    static let kinds: [DocumentKind] = [.caseSource, .caseFiling, .inquiryRecord, .investigationReport, .deliberationRecord, .legalReviewOpinion,
                                        .penaltyNotice, .hearingNotice, .hearingRecord, .penaltyDecision, .serviceReceipt, .caseTransfer, .closingReport]

    struct Facts: Sendable {
        let record: CaseQueries.Record
        let handlers: [CasePages.Handler]
        let evidence: [CasePages.Evidence]
        let history: [CasePages.Event]
        let deadlines: [CaseDeadlines.Item]
        let today: LocalDate
    }

    static func layout(_ kind: DocumentKind, _ facts: Facts, number: String, settings: DocumentSettings) -> OfficialDocument {
        let record = facts.record
        let handlers = facts.handlers.map { "\($0.name)（执法证号\($0.certificateNumber)）" }.joined(separator: "、")
        let fine = record.fineFen > 0 ? "罚款人民币\(Penalty.yuan(record.fineFen))" : ""
        let penalty = [record.penaltyProposal, fine].filter { !$0.isEmpty }.joined(separator: "，")
        func minutes(_ action: CaseAction) -> String { facts.history.last { $0.action == action.chinese }?.minutes ?? "" }
        func date(_ value: LocalDate?) -> String { value?.chinese ?? "" }
        var blocks: [OfficialDocument.Block] = [.heading(settings.organ, size: 18), .heading(kind.chinese, size: 22), .number(number),
                                                .field(label: "当事人", value: record.partyName)]
        if !record.partyCreditCode.isEmpty || !record.partyRepresentative.isEmpty {
            blocks.append(.fieldPair(label: "法定代表人（负责人）", value: record.partyRepresentative, label2: "统一社会信用代码", value2: record.partyCreditCode))
        }
        blocks.append(.field(label: "地址", value: record.partyAddress))
        blocks.append(.field(label: "案号", value: record.number))
        var signatures = ["承办人（签字）"]
        var seal = false
        switch kind {
        case .caseSource:
            blocks += [.field(label: "案件来源", value: "监督检查" + (record.sourceItem.isEmpty ? "" : "（第\(record.sourceItem)项）")),
                       .field(label: "受理日期", value: record.acceptedOn.chinese), .section("案情摘要："), .paragraph(record.illegalFacts)]
        case .caseFiling:
            let limitation = facts.deadlines.first { $0.code == "case.limitation" }
            blocks += [.field(label: "承办人", value: handlers), .section("案情摘要："), .paragraph(record.illegalFacts),
                       .paragraph("违法行为发生日期：\(date(record.dates.violationOn))；追责时效至\(limitation?.due.chinese ?? "")。"),
                       .paragraph("承办人意见：建议立案调查。"), .paragraph("审批意见：")]
            signatures = ["承办人（签字）", "审批人（签字）"]
        case .inquiryRecord:
            blocks += [.field(label: "询问人", value: handlers), .field(label: "被询问人", value: record.partyRepresentative),
                       .section("询问内容："),
                       .paragraph("我们是\(settings.organ)的执法人员，已向你出示执法证件。现就\(record.partyName)涉嫌违法一案向你了解情况，你应当如实回答。"),
                       .paragraph("问：\n答：\n"), .paragraph("以上笔录已向被询问人宣读（或由其阅读），经核对无误。")]
            signatures = ["被询问人（签字）", "询问人（签字）", "记录人（签字）"]
        case .investigationReport:
            blocks += [.field(label: "承办人", value: handlers), .section("违法事实："), .paragraph(record.illegalFacts),
                       .section("证据："), .paragraph(facts.evidence.enumerated().map { "\($0.offset + 1). \($0.element.kind)：\($0.element.title)" }.joined(separator: "\n")),
                       .section("违反条款与处罚依据："), .paragraph("违反了\(record.violatedProvision)的规定，依据\(record.penaltyBasis)。"),
                       .section("处理意见："), .paragraph(penalty)]
        case .deliberationRecord:
            blocks += [.field(label: "合议日期", value: date(facts.history.last { $0.action == CaseAction.deliberate.chinese }.flatMap { LocalDate($0.date) })),
                       .field(label: "参加人员", value: handlers), .section("合议意见："), .paragraph(minutes(.deliberate))]
            signatures = ["合议人员（签字）", "记录人（签字）"]
        case .legalReviewOpinion:
            blocks += [.section("法制审核意见："), .paragraph(minutes(.legalReview))]
            signatures = ["审核人（签字）"]
        case .penaltyNotice:
            let statement = facts.deadlines.first { $0.code == "case.statement" }
            blocks += [.paragraph("经查，你（单位）\(record.illegalFacts)"),
                       .paragraph("以上事实违反了\(record.violatedProvision)的规定。依据\(record.penaltyBasis)，本机关拟对你（单位）作出如下行政处罚：\(penalty)。"),
                       .paragraph("根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你（单位）有权进行陈述和申辩"
                                  + (record.fineFen >= 1_000_000 ? "，并有权要求举行听证" : "")
                                  + "。请于收到本告知书之日起5个工作日内" + (statement.map { "（即\($0.due.chinese)前）" } ?? "") + "向本机关提出，逾期视为放弃上述权利。")]
            signatures = []
            seal = true
        case .hearingNotice:
            blocks += [.paragraph("你（单位）申请的听证，定于\(date(record.dates.hearingOn))举行。请准时参加，可以委托一至二人代理。无正当理由不参加的，视为放弃听证权利。")]
            signatures = []
            seal = true
        case .hearingRecord:
            blocks += [.field(label: "听证日期", value: date(record.dates.hearingOn)), .field(label: "案件承办人", value: handlers),
                       .section("听证记录："), .paragraph("承办人提出违法事实、证据和处罚建议；当事人进行陈述、申辩和质证。\n")]
            signatures = ["听证主持人（签字）", "当事人（签字）", "记录人（签字）"]
        case .penaltyDecision:
            let payment = "罚款自收到本决定书之日起15日内缴纳。逾期不缴纳的，每日按罚款数额的3%加处罚款（行政处罚法第七十二条）。"
            blocks += [.paragraph("经查，你（单位）\(record.illegalFacts)"),
                       .paragraph("以上事实违反了\(record.violatedProvision)的规定。本机关已于\(date(record.dates.noticeServedOn))告知你（单位）拟作出行政处罚的事实、理由、依据及依法享有的权利"
                                  + (record.statementWaived ? "，你（单位）书面放弃了陈述、申辩。" : "。")),
                       .paragraph("依据\(record.penaltyBasis)，本机关决定给予如下行政处罚：\(penalty)。" + (record.fineFen > 0 ? payment : "")),
                       .paragraph("如不服本处罚决定，可在收到本决定书之日起60日内向本级人民政府申请行政复议，或者在6个月内依法向人民法院提起行政诉讼。")]
            signatures = []
            seal = true
        case .serviceReceipt:
            blocks += [.field(label: "送达文书", value: "行政处罚决定书"), .field(label: "送达方式", value: record.serviceMethod?.chinese ?? "直接送达 / 邮寄送达 / 公告送达 / 电子送达"),
                       .field(label: "送达日期", value: date(record.dates.servedOn)), .field(label: "送达人", value: handlers)]
            signatures = ["受送达人（签字）", "送达人（签字）"]
        case .caseTransfer:
            blocks += [.section("移送事由："), .paragraph(record.illegalFacts), .paragraph("受移送机关：" + minutes(.transfer)),
                       .paragraph("根据有关规定，现将本案移送你机关处理。附：案件材料\(facts.evidence.count)项。")]
            signatures = []
            seal = true
        case .closingReport:
            blocks += [.field(label: "承办人", value: handlers), .section("案件办理情况："),
                       .paragraph("\(record.acceptedOn.chinese)受理，\(date(record.dates.filedOn))立案，\(date(record.dates.decidedOn))作出处罚决定（\(penalty)），"
                                  + "\(date(record.dates.servedOn))\(record.serviceMethod?.chinese ?? "送达")。"
                                  + (record.fineFen > 0 ? "已缴纳\(Penalty.yuan(record.paidFen))。" : "") + "处罚决定已执行完毕，建议结案。"),
                       .paragraph("审批意见：")]
            signatures = ["承办人（签字）", "审批人（签字）"]
        case .inspectionRecord, .supervisionOpinion:
            break
        }
        if !signatures.isEmpty { blocks.append(.signatures(signatures)) }
        if seal { blocks.append(.seal(organ: settings.organ, date: facts.today.chinese)) }
        return OfficialDocument(title: "\(kind.chinese) \(number)", blocks: blocks)
    }

    /// Issues one of the case's documents, when its state allows it.
    static func issue(_ kind: DocumentKind, record: CaseQueries.Record, app: Application, by caller: Caller) async throws -> Documents.Issued {
        if let refusal = refusal(kind, record: record) {
            throw ValidationError(field: "文书", code: "case.document", message: refusal)
        }
        guard let entityID = record.entityID, let entity = try await SupervisedEntity.find(entityID, on: caller.db) else {
            throw ValidationError(field: "当事人", code: "case.party", message: "当事人不在被监督单位档案中，暂不能签发文书")
        }
        let today = LocalDate(instant: caller.now)
        let detail = try await CasePages.detail(record, today: today, on: caller.db)
        let calendar = try await CalendarStore.load(on: caller.db)
        let facts = Facts(record: record, handlers: detail.handlers, evidence: detail.evidence, history: detail.history,
                          deadlines: CaseDeadlines.items(record.dates, calendar: calendar), today: today)
        let request = Documents.Request(kind: kind, ownerType: "case", ownerID: record.id, entity: entity,
                                        numberValues: ["类别": InspectionDocuments.enforcementCategory[record.topCategory] ?? "监", "性质": "罚"]) { number, settings in
            layout(kind, facts, number: number, settings: settings)
        }
        return try await Documents.issue(request, app: app, by: caller)
    }
}
