/// Which days are working days, and deadlines counted in working or natural days.
///
/// Every deadline explains itself (`Deadline.steps`), because an inspector must be able to show a
/// party how a date was reached.
public struct WorkCalendar: Sendable {
    public let table: HolidayTable

    public init(table: HolidayTable = .official) { self.table = table }

    public func isWorkingDay(_ date: LocalDate) -> Bool {
        if let entry = table.entry(on: date) { return entry.kind == .workday }
        return !date.isWeekend
    }

    public func isCovered(year: Int) -> Bool { table.coveredYears.contains(year) }

    /// A short Chinese description of a day: `2026-02-14（星期六，春节调休上班）`.
    public func describe(_ date: LocalDate) -> String {
        var notes = [date.weekdayName]
        if let entry = table.entry(on: date) { notes.append(entry.kind == .holiday ? "\(entry.name)放假" : "\(entry.name)上班") }
        return "\(date)（\(notes.joined(separator: "，"))）"
    }

    /// Computes a deadline. Counting starts the day after `event` (民法典 第二百零一条).
    ///
    /// - Parameters:
    ///   - extensionDays: days granted by an approved extension, of the same kind as the rule.
    ///   - suspensions: closed date ranges during which the period does not run (中止/暂停计算).
    public func deadline(for rule: DeadlineRule, from event: LocalDate, extensionDays: Int = 0,
                         suspensions: [ClosedRange<LocalDate>] = []) -> Deadline {
        let total = rule.days + max(0, extensionDays)
        var steps = ["\(rule.name)：\(rule.days)个\(rule.count.chinese)（\(rule.legalBasis)）",
                     "事件日 \(describe(event))，自次日起计算"]
        if extensionDays > 0 { steps.append("经批准延长\(extensionDays)个\(rule.count.chinese)，共计\(total)个") }
        var provisional = false
        var counted = 0
        var day = event
        var countedDays: [LocalDate] = []
        var suspendedDays = 0
        while counted < total {
            day = day.adding(days: 1)
            if !isCovered(year: day.year) { provisional = true }
            if suspensions.contains(where: { $0.contains(day) }) {
                suspendedDays += 1
                continue
            }
            switch rule.count {
            case .workingDays:
                if isWorkingDay(day) {
                    counted += 1
                    countedDays.append(day)
                }
            case .naturalDays:
                counted += 1
                countedDays.append(day)
            }
        }
        if suspendedDays > 0 { steps.append("中止期间\(suspendedDays)日不计入") }
        if rule.count == .workingDays {
            let listed = countedDays.map { table.entry(on: $0) != nil || $0.isWeekend ? describe($0) : $0.description }
            steps.append("计入的工作日：" + listed.joined(separator: "、"))
        } else {
            steps.append("第\(total)日为 \(describe(day))")
        }
        var due = day
        if rule.count == .naturalDays {
            // 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日（民法典 第二百零三条）。
            while !isWorkingDay(due) {
                due = due.adding(days: 1)
                if !isCovered(year: due.year) { provisional = true }
            }
            if due != day { steps.append("最后一日为法定休假日，顺延至 \(describe(due))") }
        }
        if provisional {
            steps.append("注意：所涉年份尚未录入节假日安排，仅按周末计算，结果为暂定")
        }
        steps.append("期限届满日：\(due)")
        return Deadline(rule: rule, event: event, due: due, provisional: provisional, steps: steps)
    }

    /// Working days from `start` (exclusive) to `end` (inclusive); negative when `end` is earlier.
    public func workingDays(from start: LocalDate, to end: LocalDate) -> Int {
        if end < start { return -workingDays(from: end, to: start) }
        var count = 0
        var day = start
        while day < end {
            day = day.adding(days: 1)
            if isWorkingDay(day) { count += 1 }
        }
        return count
    }
}

/// How a legal period counts its days.
public enum DayCount: String, Sendable, Codable, CaseIterable {
    case workingDays
    case naturalDays

    public var chinese: String { self == .workingDays ? "工作日" : "自然日" }
}

/// A legal or internal time limit: so many days of a kind, with its basis in law.
public struct DeadlineRule: Sendable, Equatable, Codable {
    public let code: String
    public let name: String
    public let days: Int
    public let count: DayCount
    public let legalBasis: String

    public init(code: String, name: String, days: Int, count: DayCount, legalBasis: String) {
        self.code = code
        self.name = name
        self.days = days
        self.count = count
        self.legalBasis = legalBasis
    }
}

/// The result of a deadline calculation with its explanation.
public struct Deadline: Sendable, Equatable {
    public let rule: DeadlineRule
    public let event: LocalDate
    public let due: LocalDate
    /// True when the period runs into a year whose holidays are not entered yet.
    public let provisional: Bool
    public let steps: [String]
}

extension DeadlineRule {
    /// The default rules of DOMAIN.md. The server stores them as settings the administrator may change.
    public static let defaults: [DeadlineRule] = [
        DeadlineRule(code: "info.entry", name: "信息录入", days: 5, count: .workingDays, legalBasis: "卫生监督信息报告管理规定"),
        DeadlineRule(code: "info.review", name: "信息审核", days: 5, count: .workingDays, legalBasis: "卫生监督信息报告管理规定"),
        DeadlineRule(code: "info.correction", name: "退回补正", days: 5, count: .workingDays, legalBasis: "卫生监督信息报告管理规定"),
        DeadlineRule(code: "licence.acceptance", name: "许可申请受理", days: 5, count: .workingDays, legalBasis: "行政许可法 第三十二条、第八十二条"),
        DeadlineRule(code: "licence.decision", name: "许可决定", days: 20, count: .workingDays, legalBasis: "行政许可法 第四十二条、第八十二条"),
        DeadlineRule(code: "complaint.acceptance", name: "投诉受理", days: 5, count: .workingDays, legalBasis: "信访工作条例"),
        DeadlineRule(code: "complaint.closing", name: "投诉办结", days: 60, count: .naturalDays, legalBasis: "信访工作条例 第三十二条"),
        DeadlineRule(code: "case.decision", name: "案件处理决定", days: 90, count: .naturalDays, legalBasis: "行政处罚法 第六十条；卫生健康行政处罚程序规定"),
        DeadlineRule(code: "case.service", name: "决定书送达", days: 7, count: .workingDays, legalBasis: "行政处罚法 第六十一条、第八十五条"),
        DeadlineRule(code: "case.hearingRequest", name: "听证申请", days: 5, count: .workingDays, legalBasis: "行政处罚法 第六十四条、第八十五条"),
        DeadlineRule(code: "case.statement", name: "陈述申辩", days: 5, count: .workingDays, legalBasis: "卫生健康行政处罚程序规定；行政处罚法 第四十五条、第八十五条"),
        DeadlineRule(code: "case.finePayment", name: "罚款缴纳", days: 15, count: .naturalDays, legalBasis: "行政处罚法 第六十七条"),
        DeadlineRule(code: "case.reportFirst", name: "案件信息首次报告", days: 5, count: .workingDays, legalBasis: "卫生监督信息报告管理规定（决定书送达后）"),
        DeadlineRule(code: "case.reportSecond", name: "案件信息结案报告", days: 5, count: .workingDays, legalBasis: "卫生监督信息报告管理规定（结案后）"),
        DeadlineRule(code: "publish.decision", name: "双公示", days: 7, count: .workingDays, legalBasis: "双公示相关规定"),
    ]
}
