/// 公共场所卫生监督量化分级 (DOMAIN.md "Grading"): the standardised score of an inspection, the grade
/// it gives, how often a unit of that grade is inspected, and when a new licensee may be graded.
public enum Grading {
    public enum Grade: String, Codable, Sendable, CaseIterable {
        case a = "A"
        case b = "B"
        case c = "C"
        /// Below 60 or a failed key item: no grade, 限期整改.
        case none = "none"

        public var chinese: String {
            switch self {
            case .a: "A级"
            case .b: "B级"
            case .c: "C级"
            case .none: "不予评级"
            }
        }

        /// Inspections a year: A once, B at least twice, C at least three times. A unit without a
        /// grade (below 60 or a failed key item) is ordered to correct and is visited at least as
        /// often as a C unit.
        public var inspectionsPerYear: Int {
            switch self {
            case .a: 1
            case .b: 2
            case .c, .none: 3
            }
        }
    }

    public struct Score: Sendable, Equatable, Codable {
        /// Points earned by conforming items.
        public let actual: Int
        /// Points of the items that apply (合理缺项 excluded).
        public let applicable: Int
        /// actual ÷ applicable × 100, rounded to one decimal; 0 when a key item failed.
        public let standardised: Double
        public let failedKeyItems: [String]
        public let grade: Grade

        public init(actual: Int, applicable: Int, standardised: Double, failedKeyItems: [String], grade: Grade) {
            self.actual = actual
            self.applicable = applicable
            self.standardised = standardised
            self.failedKeyItems = failedKeyItems
            self.grade = grade
        }

        /// How the grade came about, for the record and the unit page.
        public var explanation: String {
            if !failedKeyItems.isEmpty {
                return "关键项\(failedKeyItems.joined(separator: "、"))不符合，计0分，不予评级，限期整改"
            }
            let base = "实得分\(actual) ÷ 应得分\(applicable) × 100 = \(Grading.text(standardised))"
            return grade == .none ? base + "，低于60分，不予评级，限期整改" : base + "，评为\(grade.chinese)"
        }
    }

    /// Scores one inspection's results against its checklist version. Items without a result are
    /// not counted (the caller refuses an incomplete record before it is scored).
    public static func score(_ checklist: Checklist, results: [String: ItemResult]) -> Score {
        var actual = 0, applicable = 0
        var failedKeys: [String] = []
        for item in checklist.items {
            switch results[item.code] {
            case .conform?:
                actual += item.score
                applicable += item.score
            case .nonconform?:
                applicable += item.score
                if item.key { failedKeys.append(item.code) }
            case .notApplicable?, nil:
                break
            }
        }
        if !failedKeys.isEmpty {
            return Score(actual: actual, applicable: applicable, standardised: 0, failedKeyItems: failedKeys, grade: .none)
        }
        let standardised = applicable == 0 ? 0 : (Double(actual) * 1000 / Double(applicable)).rounded() / 10
        return Score(actual: actual, applicable: applicable, standardised: standardised, failedKeyItems: [], grade: grade(for: standardised))
    }

    /// A ≥ 90, B 70–89, C 60–69, below 60 none.
    public static func grade(for standardised: Double) -> Grade {
        switch standardised {
        case 90...: .a
        case 70..<90: .b
        case 60..<70: .c
        default: .none
        }
    }

    /// The next inspection due after one on `last` for a unit of `grade`: 12 ÷ (inspections a year) months later.
    public static func nextDue(after last: LocalDate, grade: Grade) -> LocalDate {
        adding(months: 12 / grade.inspectionsPerYear, to: last)
    }

    /// The next inspection due after one on `last`: by the grade, or — for a new licensee still
    /// waiting for its grade — 3 months later, when the second inspection the rule needs may come.
    public static func nextDue(after last: LocalDate, grade: Grade, awaitingGrade: Bool) -> LocalDate {
        awaitingGrade ? adding(months: 3, to: last) : nextDue(after: last, grade: grade)
    }

    /// Whether the new-licensee rule applies to an inspection on `inspected`: the unit has never
    /// been graded and its first licence was issued within the 12 months before. A unit licensed
    /// long before it came into the system (or without a licence) is graded at once.
    public static func isNewLicensee(firstLicensed: LocalDate?, inspected: LocalDate, everGraded: Bool) -> Bool {
        guard !everGraded, let firstLicensed else { return false }
        return firstLicensed <= inspected && inspected < adding(months: 12, to: firstLicensed)
    }

    /// One inspection of a unit, as the new-licensee rule reads it.
    public struct Visit: Sendable, Equatable {
        public let date: LocalDate
        public let inspectors: Int
        public init(date: LocalDate, inspectors: Int) {
            self.date = date
            self.inspectors = inspectors
        }
    }

    /// A new licensee is graded only after two inspections at least 3 months apart, each by at
    /// least 2 inspectors. Returns nil when it may be graded, else why not.
    public static func newLicenseeNotYetGradable(_ visits: [Visit]) -> String? {
        let qualified = visits.filter { $0.inspectors >= 2 }.map(\.date).sorted()
        guard let first = qualified.first, let last = qualified.last, qualified.count >= 2 else {
            return "新发证单位须经两次、每次至少2名监督员的检查后方可评级（已有\(qualified.count)次）"
        }
        guard adding(months: 3, to: first) <= last else {
            return "新发证单位两次检查须间隔至少3个月（\(first.description)至\(last.description)不足3个月）"
        }
        return nil
    }

    /// The same day `months` later; the 31st becomes the month's last day.
    public static func adding(months: Int, to date: LocalDate) -> LocalDate {
        let total = date.year * 12 + (date.month - 1) + months
        let year = total / 12, month = total % 12 + 1
        return LocalDate(year: year, month: month, day: min(date.day, LocalDate.daysIn(month: month, year: year)))!
    }

    /// A score with at most one decimal: 75, 87.5.
    public static func text(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}
