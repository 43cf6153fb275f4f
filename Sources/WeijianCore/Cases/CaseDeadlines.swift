/// The statutory time limits of a penalty case, each computed from the case's own dates with the
/// work calendar and explained step by step (the case page shows how every date was reached).
public struct CaseDates: Sendable, Equatable {
    /// When the violation happened, or ended if it continued (行政处罚法 第三十六条).
    public var violationOn: LocalDate?
    /// A case involving citizens' life and health: 5 years of limitation instead of 2.
    public var lifeAndHealth = false
    public var filedOn: LocalDate?
    /// Natural days granted by approved extensions of the 90-day decision period.
    public var decisionExtensionDays = 0
    public var noticeServedOn: LocalDate?
    public var hearingOn: LocalDate?
    public var decidedOn: LocalDate?
    public var servedOn: LocalDate?
    public var closedOn: LocalDate?
    /// 当场处罚: one report, at closing.
    public var simpleProcedure = false

    public init() {}
}

public enum CaseDeadlines {
    public struct Item: Sendable, Equatable {
        public let code: String
        public let name: String
        public let due: LocalDate
        public let steps: [String]
        /// The event that meets it has happened (the decision made, the document served…).
        public let met: Bool
    }

    /// Every deadline the case's dates call for, in the order of the procedure. `rules` are the
    /// settings' rules by code (missing ones take the defaults); `met` reads the later dates.
    public static func items(_ dates: CaseDates, calendar: WorkCalendar, rules: [String: DeadlineRule] = [:]) -> [Item] {
        func rule(_ code: String) -> DeadlineRule { rules[code] ?? DeadlineRule.defaults.first { $0.code == code }! }
        func item(_ deadline: Deadline, met: Bool) -> Item {
            Item(code: deadline.rule.code, name: deadline.rule.name, due: deadline.due, steps: deadline.steps, met: met)
        }
        var items: [Item] = []
        if let violation = dates.violationOn {
            let years = dates.lifeAndHealth ? 5 : 2
            let due = Grading.adding(months: 12 * years, to: violation)
            items.append(Item(code: "case.limitation", name: "追责时效", due: due, steps: [
                "追责时效：\(years)年（行政处罚法 第三十六条" + (dates.lifeAndHealth ? "，涉及公民生命健康安全" : "") + "）",
                "违法行为发生（或终了）之日 \(calendar.describe(violation))",
                "至 \(due) 前未被发现的，不再给予行政处罚",
            ], met: dates.filedOn.map { $0 <= due } ?? false))
        }
        if let filed = dates.filedOn {
            items.append(item(calendar.deadline(for: rule("case.decision"), from: filed, extensionDays: dates.decisionExtensionDays), met: dates.decidedOn != nil))
        }
        if let notice = dates.noticeServedOn {
            items.append(item(calendar.deadline(for: rule("case.statement"), from: notice), met: dates.decidedOn != nil))
            items.append(item(calendar.deadline(for: rule("case.hearingRequest"), from: notice), met: dates.decidedOn != nil))
        }
        if let hearing = dates.hearingOn {
            items.append(hearingNotice(before: hearing, calendar: calendar))
        }
        if let decided = dates.decidedOn {
            items.append(item(calendar.deadline(for: rule("case.service"), from: decided), met: dates.servedOn != nil))
        }
        if let served = dates.servedOn {
            items.append(item(calendar.deadline(for: rule("case.finePayment"), from: served), met: dates.closedOn != nil))
            if !dates.simpleProcedure {
                items.append(item(calendar.deadline(for: rule("case.reportFirst"), from: served), met: false))
            }
        }
        if let closed = dates.closedOn {
            items.append(item(calendar.deadline(for: rule("case.reportSecond"), from: closed), met: false))
        }
        return items
    }

    /// The last day to send the hearing notice: 7 working days before the hearing (行政处罚法
    /// 第六十四条; its 七日 are working days under 第八十五条), counted back from the day before.
    public static func hearingNotice(before hearing: LocalDate, calendar: WorkCalendar) -> Item {
        var day = hearing
        var counted: [LocalDate] = []
        while counted.count < 7 {
            day = day.adding(days: -1)
            if calendar.isWorkingDay(day) { counted.append(day) }
        }
        let latest = day.adding(days: -1)
        return Item(code: "case.hearingNotice", name: "听证通知", due: latest, steps: [
            "听证通知：应在举行听证的7日前送达（行政处罚法 第六十四条；第八十五条：七日指工作日）",
            "听证日 \(calendar.describe(hearing))",
            "之前的7个工作日：" + counted.reversed().map { calendar.describe($0) }.joined(separator: "、"),
            "通知最迟于 \(calendar.describe(latest)) 送达",
        ], met: false)
    }
}
