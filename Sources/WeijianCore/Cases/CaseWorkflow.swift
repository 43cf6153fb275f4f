/// The penalty case (行政处罚案件) as a state machine (DOMAIN.md Workflows; 行政处罚法 2021,
/// 卫生健康行政处罚程序规定): each action names the states it starts from, the state it leads to,
/// and its guard — who may take it and what must exist first. A guard answers with every missing
/// thing at once, in Chinese, naming the field and the rule.
public enum CaseState: String, Sendable, Codable, CaseIterable {
    case accepted, investigating, investigated, deliberated, reviewed, notified, decided, served, executed, closed
    case notFiled, withdrawn, transferred

    public var chinese: String {
        switch self {
        case .accepted: "已受理，待立案"
        case .investigating: "已立案，调查取证"
        case .investigated: "调查终结"
        case .deliberated: "已合议"
        case .reviewed: "已法制审核"
        case .notified: "已告知，陈述申辩期"
        case .decided: "已作出决定"
        case .served: "已送达，执行中"
        case .executed: "执行完毕"
        case .closed: "已结案"
        case .notFiled: "不予立案"
        case .withdrawn: "已撤案"
        case .transferred: "已移送"
        }
    }

    /// A case that no action moves on.
    public var isFinal: Bool { [.closed, .notFiled, .withdrawn, .transferred].contains(self) }

    /// Before the decision: the states 撤案 may leave.
    public var isBeforeDecision: Bool { [.accepted, .investigating, .investigated, .deliberated, .reviewed, .notified].contains(self) }
}

public enum CaseAction: String, Sendable, Codable, CaseIterable {
    case file, notFile, endInvestigation, deliberate, legalReview, notify, decide, serve, execute, close, withdraw, transfer

    public var chinese: String {
        switch self {
        case .file: "立案"
        case .notFile: "不予立案"
        case .endInvestigation: "调查终结"
        case .deliberate: "合议"
        case .legalReview: "法制审核"
        case .notify: "告知"
        case .decide: "作出决定"
        case .serve: "送达"
        case .execute: "执行完毕"
        case .close: "结案"
        case .withdraw: "撤案"
        case .transfer: "移送"
        }
    }

    public var from: Set<CaseState> {
        switch self {
        case .file, .notFile: [.accepted]
        case .endInvestigation: [.investigating]
        case .deliberate: [.investigated]
        case .legalReview: [.deliberated]
        case .notify: [.deliberated, .reviewed]
        case .decide: [.notified]
        case .serve: [.decided]
        case .execute: [.served]
        case .close: [.executed]
        // Before 立案 a case is not withdrawn but not filed (不予立案).
        case .withdraw: [.investigating, .investigated, .deliberated, .reviewed, .notified]
        case .transfer: [.accepted, .investigating]
        }
    }

    public var to: CaseState {
        switch self {
        case .file: .investigating
        case .notFile: .notFiled
        case .endInvestigation: .investigated
        case .deliberate: .deliberated
        case .legalReview: .reviewed
        case .notify: .notified
        case .decide: .decided
        case .serve: .served
        case .execute: .executed
        case .close: .closed
        case .withdraw: .withdrawn
        case .transfer: .transferred
        }
    }

    /// 立案, 不予立案 and 撤案 are approved by a department head or a leader; the decision by the
    /// organ's head (行政处罚法 第五十七条: 行政机关负责人), here a leader (所领导).
    public var approvers: Set<Role> {
        switch self {
        case .file, .notFile, .withdraw: [.departmentHead, .leader]
        case .decide: [.leader]
        default: []
        }
    }

    public var needsApproval: Bool { !approvers.isEmpty }

    /// The document that must have been issued before the step (its engine kind's code).
    public var requiredDocument: (code: String, name: String)? {
        switch self {
        case .file: ("caseFiling", "立案报批表")
        case .notify: ("penaltyNotice", "行政处罚事先告知书")
        case .serve: ("penaltyDecision", "行政处罚决定书")
        case .close: ("closingReport", "结案报告")
        default: nil
        }
    }

    /// The actions open from a state, in the order of the procedure.
    public static func available(from state: CaseState) -> [CaseAction] { allCases.filter { $0.from.contains(state) } }
}

/// What the guards read about a case when an action is asked for.
public struct CaseFacts: Sendable {
    public var handlers = 0
    public var hasParty = false
    public var illegalFacts = ""
    public var evidenceCount = 0
    public var provisionsChosen = false
    /// A major case (重大案件): decided by 集体讨论, reviewed by the legal department.
    public var major = false
    /// 法制审核 is required: a major case, or a kind the settings name.
    public var legalReviewRequired = false
    public var acceptedOn: LocalDate?
    public var filedOn: LocalDate?
    public var noticeServedOn: LocalDate?
    /// The last day of the 陈述申辩 and hearing-request period (from CaseDeadlines).
    public var statementPeriodEnds: LocalDate?
    /// The party stated in writing that it makes no statement and asks no hearing.
    public var statementWaived = false
    public var hearingRequested = false
    public var hearingHeld = false
    /// Still owed: fines, confiscated gains and the surcharge, less what was paid.
    public var outstandingFen = 0
    public var nonMonetaryDone = true
    /// The documents issued (and not voided) for the case, by kind code.
    public var issuedDocuments: Set<String> = []
    /// The last step taken and its date: a step may not be dated before it.
    public var lastStep: (name: String, date: LocalDate)?
    /// The last day of the limitation period (追责时效), when the violation's date is known.
    public var limitationEnds: LocalDate?

    public init() {}
}

/// What the caller gives with an action.
public struct CaseStep: Sendable, Equatable {
    public var date: LocalDate
    public var comment = ""
    /// 合议记录 / 法制审核意见 / 集体讨论纪要 / 撤案或不予立案的理由 / 移送的机关.
    public var minutes = ""
    public var serviceMethod: ServiceMethod?

    public init(date: LocalDate, comment: String = "", minutes: String = "", serviceMethod: ServiceMethod? = nil) {
        self.date = date
        self.comment = comment
        self.minutes = minutes
        self.serviceMethod = serviceMethod
    }
}

/// 送达方式 (行政处罚法 第六十一条; 民事诉讼法).
public enum ServiceMethod: String, Sendable, Codable, CaseIterable {
    case direct, post, notice, electronic

    public var chinese: String {
        switch self {
        case .direct: "直接送达"
        case .post: "邮寄送达"
        case .notice: "公告送达"
        case .electronic: "电子送达（当事人同意）"
        }
    }
}

public enum CaseWorkflow {
    /// Every reason the action may not be taken now; empty when it may.
    public static func check(_ action: CaseAction, state: CaseState, facts: CaseFacts, step: CaseStep, approverRoles: Set<Role>) -> [ValidationError] {
        var errors: [ValidationError] = []
        func refuse(_ field: String, _ code: String, _ message: String) { errors.append(ValidationError(field: field, code: code, message: message)) }
        guard action.from.contains(state) else {
            let allowed = action.from.map(\.chinese).sorted().joined(separator: "、")
            return [ValidationError(field: "案件状态", code: "case.state", message: "案件当前为“\(state.chinese)”，不能\(action.chinese)（须处于：\(allowed)）")]
        }
        if action.needsApproval && approverRoles.isDisjoint(with: action.approvers) {
            refuse("审批人", "case.approval", action == .decide ? "作出决定须经所领导（行政机关负责人）批准（行政处罚法第五十七条）"
                                                             : "\(action.chinese)须经科室负责人或所领导批准")
        }
        if let filed = facts.filedOn, action != .file, step.date < filed {
            refuse("日期", "date.order", "不能早于立案日期\(filed)")
        } else if let accepted = facts.acceptedOn, step.date < accepted {
            refuse("日期", "date.order", "不能早于受理日期\(accepted)")
        } else if let last = facts.lastStep, step.date < last.date {
            refuse("日期", "date.order", "不能早于上一环节（\(last.name)）的日期\(last.date)")
        }
        if let document = action.requiredDocument, !facts.issuedDocuments.contains(document.code) {
            refuse(document.name, "case.document", "\(action.chinese)前须签发\(document.name)")
        }
        switch action {
        case .file:
            if facts.handlers < 2 { refuse("承办人", "case.handlers", "立案须指定至少2名执法人员承办（行政处罚法第四十二条），现有\(facts.handlers)名") }
            if !facts.hasParty { refuse("当事人", "required", "立案须写明当事人") }
            if facts.illegalFacts.trimmed.isEmpty { refuse("案情摘要", "required", "立案须写明涉嫌违法的事实") }
            if let ends = facts.limitationEnds, step.date > ends {
                refuse("追责时效", "case.limitation", "违法行为的追责时效已于\(ends)届满，不再给予行政处罚，应不予立案（行政处罚法第三十六条）")
            }
        case .notFile, .withdraw:
            if step.minutes.trimmed.isEmpty { refuse("理由", "required", "\(action.chinese)须写明理由") }
        case .transfer:
            if step.minutes.trimmed.isEmpty { refuse("移送机关", "required", "须写明受移送的机关") }
        case .endInvestigation:
            if facts.evidenceCount == 0 { refuse("证据", "case.evidence", "调查终结前须登记证据清单（至少一项证据）") }
            if !facts.provisionsChosen { refuse("违反条款和处罚依据", "case.provisions", "调查终结前须写明违反条款和处罚依据") }
            if facts.illegalFacts.trimmed.isEmpty { refuse("违法事实", "required", "须写明经调查认定的违法事实") }
        case .deliberate:
            if step.minutes.trimmed.isEmpty { refuse("合议记录", "required", "须记录合议的意见") }
        case .legalReview:
            if step.minutes.trimmed.isEmpty { refuse("法制审核意见", "required", "须写明法制审核意见") }
        case .notify:
            if state == .deliberated && facts.legalReviewRequired {
                refuse("法制审核", "case.legalReview", "本案须经法制审核后方可告知（重大案件或设置规定的类型，行政处罚法第五十八条）")
            }
        case .decide:
            if facts.noticeServedOn == nil {
                refuse("事先告知", "case.notice", "作出决定前须送达行政处罚事先告知书（行政处罚法第四十四条）")
            } else if let ends = facts.statementPeriodEnds, step.date <= ends, !facts.statementWaived {
                refuse("陈述申辩期限", "case.statementPeriod", "陈述、申辩及听证申请期限至\(ends)届满，届满后方可作出决定（当事人书面放弃的除外）")
            }
            if facts.hearingRequested && !facts.hearingHeld { refuse("听证", "case.hearing", "当事人已申请听证，须举行听证后方可作出决定") }
            if facts.major && step.minutes.trimmed.isEmpty {
                refuse("集体讨论纪要", "case.collective", "重大案件须经负责人集体讨论决定（行政处罚法第五十七条），请记录讨论纪要")
            }
        case .serve:
            if step.serviceMethod == nil { refuse("送达方式", "required", "请选择送达方式") }
        case .execute:
            if facts.outstandingFen > 0 { refuse("缴纳情况", "case.outstanding", "尚欠\(Penalty.yuan(facts.outstandingFen))（含加处罚款），缴清或经批准分期、延期并履行完毕后方可确认执行完毕") }
            if !facts.nonMonetaryDone { refuse("执行情况", "case.execution", "尚有未履行完毕的处罚") }
        case .close:
            break
        }
        return errors
    }
}
