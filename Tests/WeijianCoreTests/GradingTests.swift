import Testing
@testable import WeijianCore

/// 量化分级 (DOMAIN.md "Grading").
@Suite("量化分级")
struct GradingTests {
    static let checklist = Checklist(sections: [
        .init(title: "证照", items: [
            .init(code: "1.1", text: "持有效卫生许可证", key: true, score: 10, basis: "《公共场所卫生管理条例》第八条"),
            .init(code: "1.2", text: "从业人员持健康合格证明", score: 10, basis: "《公共场所卫生管理条例实施细则》第十条"),
        ]),
        .init(title: "水质", items: [
            .init(code: "2.1", text: "池水余氯符合标准", score: 20, basis: "GB 37488-2019"),
            .init(code: "2.2", text: "设浸脚消毒池", score: 10, basis: "GB 37489.3-2019", mayBeNotApplicable: true),
        ]),
    ])

    @Test("The standardised score leaves 合理缺项 out of the applicable points")
    func notApplicableLeftOut() {
        // given
        let results: [String: ItemResult] = ["1.1": .conform, "1.2": .nonconform, "2.1": .conform, "2.2": .notApplicable]

        // when
        let score = Grading.score(Self.checklist, results: results)

        // then: 30 of 40 applicable points = 75
        #expect(score.actual == 30)
        #expect(score.applicable == 40)
        #expect(score.standardised == 75)
        #expect(score.grade == .b)
        #expect(score.explanation.contains("30 ÷ 应得分40"))
    }

    @Test("A failed key item scores 0 and gives no grade, whatever the rest")
    func failedKeyItem() {
        // given
        let results: [String: ItemResult] = ["1.1": .nonconform, "1.2": .conform, "2.1": .conform, "2.2": .conform]

        // when
        let score = Grading.score(Self.checklist, results: results)

        // then
        #expect(score.standardised == 0)
        #expect(score.grade == .none)
        #expect(score.failedKeyItems == ["1.1"])
        #expect(score.explanation.contains("限期整改"))
    }

    @Test("Grade boundaries: A ≥ 90, B 70–89, C 60–69, below 60 none",
          arguments: [(100.0, Grading.Grade.a), (90, .a), (89.9, .b), (70, .b), (69.9, .c), (60, .c), (59.9, .none), (0, .none)])
    func boundaries(score: Double, grade: Grading.Grade) {
        #expect(Grading.grade(for: score) == grade)
    }

    @Test("Next inspection: A a year later, B six months, C and ungraded four months; the 31st clamps to the month's end")
    func nextDue() throws {
        // given
        let last = try date("2026-08-31")

        // then
        #expect(Grading.nextDue(after: last, grade: .a) == (try date("2027-08-31")))
        #expect(Grading.nextDue(after: last, grade: .b) == (try date("2027-02-28")))
        #expect(Grading.nextDue(after: last, grade: .c) == (try date("2026-12-31")))
        #expect(Grading.nextDue(after: last, grade: .none) == (try date("2026-12-31")))
    }

    @Test("A new licensee is graded after two inspections ≥ 3 months apart, each by ≥ 2 inspectors")
    func newLicensee() throws {
        // given
        let first = Grading.Visit(date: try date("2026-01-10"), inspectors: 2)

        // then
        #expect(Grading.newLicenseeNotYetGradable([first]) != nil)
        #expect(Grading.newLicenseeNotYetGradable([first, .init(date: try date("2026-04-09"), inspectors: 2)])?.contains("不足3个月") == true)
        #expect(Grading.newLicenseeNotYetGradable([first, .init(date: try date("2026-05-10"), inspectors: 1)]) != nil)
        #expect(Grading.newLicenseeNotYetGradable([first, .init(date: try date("2026-04-10"), inspectors: 3)]) == nil)
    }

    @Test("The rule applies to a never-graded unit in the 12 months after its first licence; while it waits, the next visit is due 3 months on")
    func newLicenseeWindow() throws {
        // given
        let licensed = try date("2026-03-31")

        // then
        #expect(Grading.isNewLicensee(firstLicensed: licensed, inspected: try date("2026-04-01"), everGraded: false))
        #expect(Grading.isNewLicensee(firstLicensed: licensed, inspected: try date("2027-03-30"), everGraded: false))
        #expect(!Grading.isNewLicensee(firstLicensed: licensed, inspected: try date("2027-03-31"), everGraded: false))
        #expect(!Grading.isNewLicensee(firstLicensed: licensed, inspected: try date("2026-04-01"), everGraded: true))
        #expect(!Grading.isNewLicensee(firstLicensed: nil, inspected: try date("2026-04-01"), everGraded: false))
        #expect(!Grading.isNewLicensee(firstLicensed: licensed, inspected: try date("2026-03-30"), everGraded: false))
        #expect(Grading.nextDue(after: try date("2026-11-30"), grade: .a, awaitingGrade: true) == (try date("2027-02-28")))
        #expect(Grading.nextDue(after: try date("2026-11-30"), grade: .a, awaitingGrade: false) == (try date("2027-11-30")))
    }

    @Test("A checklist with a duplicate code, a zero score and a key item that may be 合理缺项 is refused, naming each item")
    func badChecklist() {
        // given
        let bad = Checklist(sections: [.init(title: "证照", items: [
            .init(code: "1", text: "甲", score: 0, basis: "依据"),
            .init(code: "1", text: "乙", key: true, score: 5, basis: "依据", mayBeNotApplicable: true),
        ])])

        // when
        let error = #expect(throws: ValidationErrors.self) { try bad.validate() }

        // then
        let codes = Set(error?.errors.map(\.code) ?? [])
        #expect(codes == ["checklist.score", "checklist.code", "checklist.keyNotApplicable"])
    }
}

/// 双随机 (DOMAIN.md): repeatable from the record, recusal honoured.
@Suite("双随机抽取")
struct RandomDrawTests {
    static func registers(units: Int = 60, inspectors: Int = 8) -> ([RandomDraw.Unit], [RandomDraw.Inspector]) {
        let people = (0..<inspectors).map { RandomDraw.Inspector(id: "i\($0)", section: $0 % 2 == 0 ? "公共卫生科" : "卫生监督二科") }
        let list = (0..<units).map { index in
            RandomDraw.Unit(id: String(format: "u%03d", index), category: index % 3 == 0 ? "游泳场所" : "住宿", recused: index % 5 == 0 ? ["i0", "i1"] : [])
        }
        return (list, people)
    }

    @Test("The same inputs and seed draw the same targets and inspectors; the count per category is the share rounded up")
    func repeatable() throws {
        // given
        let (units, inspectors) = Self.registers()

        // when
        let first = try RandomDraw.draw(units: units, inspectors: inspectors, shares: ["住宿": 20, "游泳场所": 50], seed: 42)
        let again = try RandomDraw.draw(units: units.reversed(), inspectors: inspectors.reversed(), shares: ["游泳场所": 50, "住宿": 20], seed: 42)
        let other = try RandomDraw.draw(units: units, inspectors: inspectors, shares: ["住宿": 20, "游泳场所": 50], seed: 43)

        // then: 40 住宿 × 20 % = 8, 20 游泳场所 × 50 % = 10
        #expect(first == again)
        #expect(first != other)
        #expect(first.count == 18)
        #expect(RandomDraw.snapshot(units: units, inspectors: inspectors) == RandomDraw.snapshot(units: units.reversed(), inspectors: inspectors.reversed()))
    }

    @Test("Property: over 500 seeds a recused inspector is never drawn for that unit, pairs are distinct and from two sections")
    func recusalHolds() throws {
        // given
        let (units, inspectors) = Self.registers()
        let recusals = Dictionary(uniqueKeysWithValues: units.map { ($0.id, Set($0.recused)) })
        let section = Dictionary(uniqueKeysWithValues: inspectors.map { ($0.id, $0.section) })

        for seed in UInt64(0)..<500 {
            // when
            let targets = try RandomDraw.draw(units: units, inspectors: inspectors, shares: ["住宿": 40, "游泳场所": 100], seed: seed)

            // then
            for target in targets {
                #expect(target.inspectors.count == 2, "seed \(seed)")
                #expect(Set(target.inspectors).count == 2, "seed \(seed)")
                #expect(recusals[target.unitID]!.isDisjoint(with: target.inspectors), "seed \(seed) unit \(target.unitID)")
                #expect(section[target.inspectors[0]] != section[target.inspectors[1]], "seed \(seed)")
            }
        }
    }

    @Test("A share over 100 % and a unit with fewer than 2 eligible inspectors are refused, naming the field")
    func refusals() {
        // given
        let (units, inspectors) = Self.registers(units: 10, inspectors: 3)

        // then
        let share = #expect(throws: ValidationErrors.self) {
            try RandomDraw.draw(units: units, inspectors: inspectors, shares: ["住宿": 120], seed: 1)
        }
        #expect(share?.errors.first?.field == "抽取比例（住宿）")
        let few = #expect(throws: ValidationErrors.self) {
            try RandomDraw.draw(units: units, inspectors: inspectors, shares: ["住宿": 100, "游泳场所": 100], seed: 1)
        }
        #expect(few?.errors.first?.message.contains("少于每户2名") == true)
    }
}

/// 风险分级: explainable, each factor's share shown.
@Suite("风险评分")
struct RiskScoreTests {
    @Test("Shares add up to 100 %, a failed key item and a long gap raise the score, weights move it")
    func explainable() {
        // given
        var clean = RiskScore.Facts()
        clean.grade = .a
        clean.daysSinceInspection = 30
        clean.categoryRisk = 40
        var risky = clean
        risky.violations = 3
        risky.keyViolations = 1
        risky.grade = Grading.Grade.none
        risky.daysSinceInspection = 900

        // when
        let low = RiskScore.score(clean, weights: .init())
        let high = RiskScore.score(risky, weights: .init())
        var weights = RiskScore.Weights()
        weights.violations = 0
        let ignoringViolations = RiskScore.score(risky, weights: weights)

        // then
        #expect(low.level == "低")
        #expect(high.score > low.score)
        #expect(high.level == "高")
        #expect(abs(high.factors.map(\.share).reduce(0, +) - 100) < 0.5)
        #expect(high.factors.first?.detail == "近两年不符合项3项，关键项不符合1次")
        #expect(ignoringViolations.factors.first?.weighted == 0)
    }
}

@Suite("检查表文本格式")
struct ChecklistTextTests {
    @Test("A browser's textarea sends CRLF line breaks: the text form reads them like LF")
    func crlf() throws {
        // given
        let text = "## 证照\r\n1.1 | 卫生许可证 | 5 | 《公共场所卫生管理条例》第八条 | ※\r\n1.2 | 健康证明 | 5 | 条例第七条\r\n"

        // when
        let checklist = try Checklist.parse(text)

        // then
        #expect(checklist.sections.map(\.title) == ["证照"])
        #expect(checklist.items.map(\.code) == ["1.1", "1.2"])
        #expect(checklist.items.first?.key == true)
    }
}
