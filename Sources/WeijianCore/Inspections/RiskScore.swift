/// An explainable risk score for a unit (风险分级), used to order targeted inspections: each factor
/// gives 0–100 points, weighted by a setting; the page shows every factor's points and share of
/// the total so an inspector can see why a unit ranks where it does.
public enum RiskScore {
    public struct Weights: Codable, Sendable, Equatable {
        public var violations = 30.0
        public var grade = 20.0
        public var complaints = 15.0
        public var sinceInspection = 15.0
        public var licence = 10.0
        public var category = 10.0
        public init() {}

        var total: Double { violations + grade + complaints + sinceInspection + licence + category }
    }

    /// What is known about a unit.
    public struct Facts: Sendable, Equatable {
        /// 不符合 items in the last two years, and how many of them were key items.
        public var violations = 0
        public var keyViolations = 0
        public var grade: Grading.Grade?
        public var complaints = 0
        /// Days since the last inspection; nil when never inspected.
        public var daysSinceInspection: Int?
        /// The licence the category requires is missing or expired.
        public var licenceProblem = false
        /// The category's inherent risk, 0–100 (e.g. 游泳场所 and 集中式供水 higher than 书店).
        public var categoryRisk = 50.0
        public init() {}
    }

    public struct Factor: Sendable, Equatable, Codable {
        public let name: String
        public let detail: String
        public let points: Double
        public let weighted: Double
        /// Share of the total score, percent.
        public let share: Double

        public init(name: String, detail: String, points: Double, weighted: Double, share: Double) {
            self.name = name
            self.detail = detail
            self.points = points
            self.weighted = weighted
            self.share = share
        }
    }

    public struct Result: Sendable, Equatable, Codable {
        public let score: Double
        public let level: String
        public let factors: [Factor]
    }

    public static func score(_ facts: Facts, weights: Weights) -> Result {
        let gradePoints: Double = switch facts.grade {
        case .a?: 0
        case .b?: 40
        case .c?: 70
        case .none?: 100
        case nil: 60
        }
        let since: Double = facts.daysSinceInspection.map { min(100, Double($0) / 730 * 100) } ?? 100
        let raw: [(String, String, Double, Double)] = [
            ("违法违规记录", "近两年不符合项\(facts.violations)项，关键项不符合\(facts.keyViolations)次", min(100, Double(facts.violations) * 10 + Double(facts.keyViolations) * 30), weights.violations),
            ("量化分级", facts.grade.map { $0.chinese } ?? "未评级", gradePoints, weights.grade),
            ("投诉举报", "近两年\(facts.complaints)件", min(100, Double(facts.complaints) * 25), weights.complaints),
            ("距上次检查", facts.daysSinceInspection.map { "\($0)天" } ?? "从未检查", since, weights.sinceInspection),
            ("许可状态", facts.licenceProblem ? "应持证而无有效许可证" : "正常", facts.licenceProblem ? 100 : 0, weights.licence),
            ("类别风险", "类别固有风险\(Grading.text(facts.categoryRisk))分", min(100, max(0, facts.categoryRisk)), weights.category),
        ]
        let total = max(weights.total, 1)
        let weighted = raw.map { $0.2 * $0.3 / total }
        let score = (weighted.reduce(0, +) * 10).rounded() / 10
        let factors = zip(raw, weighted).map { factor, value in
            Factor(name: factor.0, detail: factor.1, points: factor.2, weighted: (value * 10).rounded() / 10,
                   share: score > 0 ? (value / score * 1000).rounded() / 10 : 0)
        }
        return Result(score: score, level: score >= 50 ? "高" : score >= 30 ? "中" : "低", factors: factors)
    }

    /// Inherent risk by supervision category (code prefixes, most specific first); a setting may override.
    public static let categoryRisk: [(String, Double)] = [
        ("GG0402", 80), ("GG0201", 70), ("GG01", 55), ("GG02", 55), ("GG", 40),
        ("YS01", 90), ("YS02", 80), ("YS03", 75), ("YS", 70), ("YL", 75), ("CR", 70), ("XD", 60), ("XX", 60), ("ZY", 60), ("FS", 70),
    ]

    public static func categoryRisk(for code: String) -> Double {
        categoryRisk.first { code.hasPrefix($0.0) }?.1 ?? 50
    }
}
