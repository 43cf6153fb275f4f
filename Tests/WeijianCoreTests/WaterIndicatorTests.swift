import Testing
@testable import WeijianCore

/// GB 5749-2022 limits and how results are judged against them.
@Suite("生活饮用水限值")
struct WaterIndicatorTests {
    static func indicator(_ code: String) throws -> WaterIndicator {
        try #require(GB5749.indicator(code: code))
    }

    @Test("The seeded table holds the routine limits of DOMAIN.md",
          arguments: [("colonyCount", "菌落总数", WaterLimitKind.maximum, nil, 100.0 as Double?, "CFU/mL"),
                      ("turbidity", "浑浊度", .maximum, nil, 1, "NTU"), ("colour", "色度", .maximum, nil, 15, "铂钴色度单位"),
                      ("pH", "pH", .range, 6.5, 8.5, ""), ("iron", "铁", .maximum, nil, 0.3, "mg/L"),
                      ("manganese", "锰", .maximum, nil, 0.1, "mg/L"), ("aluminium", "铝", .maximum, nil, 0.2, "mg/L"),
                      ("chloride", "氯化物", .maximum, nil, 250, "mg/L"), ("sulfate", "硫酸盐", .maximum, nil, 250, "mg/L"),
                      ("totalDissolvedSolids", "溶解性总固体", .maximum, nil, 1000, "mg/L"),
                      ("totalHardness", "总硬度（以CaCO3计）", .maximum, nil, 450, "mg/L"),
                      ("permanganateIndex", "高锰酸盐指数（以O2计）", .maximum, nil, 3, "mg/L"),
                      ("ammonia", "氨（以N计）", .maximum, nil, 0.5, "mg/L"),
                      ("totalColiforms", "总大肠菌群", .notDetectable, nil, nil, "MPN/100mL或CFU/100mL"),
                      ("escherichiaColi", "大肠埃希氏菌", .notDetectable, nil, nil, "MPN/100mL或CFU/100mL"),
                      ("freeChlorineOutlet", "游离氯（出厂水）", .range, 0.3, 2, "mg/L"),
                      ("freeChlorineTap", "游离氯（末梢水）", .minimum, 0.05, nil, "mg/L")] as [(String, String, WaterLimitKind, Double?, Double?, String)])
    func seededLimits(code: String, name: String, kind: WaterLimitKind, low: Double?, high: Double?, unit: String) throws {
        // given
        let table = GB5749.defaultTable

        // when
        let indicator = try #require(table.first { $0.code == code })

        // then
        #expect(indicator.name == name)
        #expect(indicator.kind == kind)
        #expect(indicator.low == low)
        #expect(indicator.high == high)
        #expect(indicator.unit == unit)
    }

    @Test("Codes are unique and 耐热大肠菌群 (dropped in 2022) is absent")
    func tableShape() {
        // given
        let table = GB5749.defaultTable

        // when
        let codes = Set(table.map(\.id))

        // then
        #expect(codes.count == table.count)
        #expect(table.count == 17)
        #expect(!table.contains { $0.name.contains("耐热") })
    }

    @Test("Maximum: over, within, at the limit, not detected, below a detection limit",
          arguments: [("1.6", WaterVerdict.overLimit, "浑浊度 1.6 NTU 超过限值 1 NTU"),
                      ("0.5", .within, "浑浊度 0.5 NTU 未超过限值 1 NTU"),
                      ("1", .within, "浑浊度 1 NTU 未超过限值 1 NTU"),
                      ("1.0", .within, "浑浊度 1 NTU 未超过限值 1 NTU"),
                      ("未检出", .within, "浑浊度 未检出 未超过限值 1 NTU"),
                      ("ND", .within, "浑浊度 未检出 未超过限值 1 NTU"),
                      ("<0.5", .within, "浑浊度 <0.5 NTU 未超过限值 1 NTU"),
                      ("＜2", .indeterminate, "浑浊度 <2 NTU 无法与限值 1 NTU 比较"),
                      (">5", .overLimit, "浑浊度 >5 NTU 超过限值 1 NTU")])
    func maximum(value: String, verdict: WaterVerdict, explanation: String) throws {
        // given
        let turbidity = try Self.indicator("turbidity")

        // when
        let evaluation = try turbidity.evaluate(value: value)

        // then
        #expect(evaluation == WaterEvaluation(verdict: verdict, explanation: explanation))
    }

    @Test("Minimum: free chlorine at the tap",
          arguments: [("0.02", WaterVerdict.underLimit, "游离氯（末梢水） 0.02 mg/L 低于限值 0.05 mg/L"),
                      ("0.05", .within, "游离氯（末梢水） 0.05 mg/L 不低于限值 0.05 mg/L"),
                      ("0.3", .within, "游离氯（末梢水） 0.3 mg/L 不低于限值 0.05 mg/L"),
                      ("未检出", .underLimit, "游离氯（末梢水） 未检出 低于限值 0.05 mg/L"),
                      ("<0.03", .underLimit, "游离氯（末梢水） <0.03 mg/L 低于限值 0.05 mg/L"),
                      ("<0.1", .indeterminate, "游离氯（末梢水） <0.1 mg/L 无法与限值 0.05 mg/L 比较")])
    func minimum(value: String, verdict: WaterVerdict, explanation: String) throws {
        // given
        let chlorine = try Self.indicator("freeChlorineTap")

        // when
        let evaluation = try chlorine.evaluate(value: value)

        // then
        #expect(evaluation == WaterEvaluation(verdict: verdict, explanation: explanation))
    }

    @Test("Range: pH without a unit, free chlorine at the plant",
          arguments: [("pH", "9", WaterVerdict.overLimit, "pH 9 高于上限 8.5"),
                      ("pH", "6", .underLimit, "pH 6 低于下限 6.5"),
                      ("pH", "7.2", .within, "pH 7.2 在限值范围 6.5–8.5 内"),
                      ("pH", "6.5", .within, "pH 6.5 在限值范围 6.5–8.5 内"),
                      ("freeChlorineOutlet", "2.5", .overLimit, "游离氯（出厂水） 2.5 mg/L 高于上限 2 mg/L"),
                      ("freeChlorineOutlet", "0.1", .underLimit, "游离氯（出厂水） 0.1 mg/L 低于下限 0.3 mg/L"),
                      ("freeChlorineOutlet", "ND", .underLimit, "游离氯（出厂水） 未检出 低于下限 0.3 mg/L"),
                      ("freeChlorineOutlet", "0.8", .within, "游离氯（出厂水） 0.8 mg/L 在限值范围 0.3–2 mg/L 内")])
    func range(code: String, value: String, verdict: WaterVerdict, explanation: String) throws {
        // given
        let indicator = try Self.indicator(code)

        // when
        let evaluation = try indicator.evaluate(value: value)

        // then
        #expect(evaluation == WaterEvaluation(verdict: verdict, explanation: explanation))
    }

    @Test("Not detectable: 未检出, ND, <2 and 0 pass; a count or 检出 fails",
          arguments: [("未检出", WaterVerdict.within), ("nd", .within), ("N.D.", .within), ("<2", .within), ("0", .within),
                      ("3", .overLimit), ("检出", .overLimit), (">1600", .overLimit)])
    func notDetectable(value: String, verdict: WaterVerdict) throws {
        // given
        let coliforms = try Self.indicator("totalColiforms")

        // when
        let evaluation = try coliforms.evaluate(value: value)

        // then
        #expect(evaluation.verdict == verdict)
        #expect(evaluation.explanation.contains("不得检出"))
    }

    @Test("A positive finding names the count")
    func positiveFinding() throws {
        // given
        let coliforms = try Self.indicator("escherichiaColi")

        // when
        let evaluation = try coliforms.evaluate(value: "3")

        // then
        #expect(evaluation.explanation == "大肠埃希氏菌 检出（3 MPN/100mL或CFU/100mL），标准要求不得检出")
        #expect(evaluation.verdict.label == "超标")
    }

    @Test("Unreadable or negative results are rejected with the indicator named",
          arguments: ["", "abc", "-0.1", "1.6NTU", "<", "未测"])
    func rejectsUnreadable(value: String) throws {
        // given
        let iron = try Self.indicator("iron")

        // when
        let error = #expect(throws: ValidationError.self) { try iron.evaluate(value: value) }

        // then
        #expect(error?.code == "water.value")
        #expect(error?.field == "铁")
    }

    @Test("Full-width digits and spaces in a result are tolerated")
    func fullWidthResult() throws {
        // given
        let iron = try Self.indicator("iron")

        // when
        let evaluation = try iron.evaluate(value: " ０.４ ")

        // then
        #expect(evaluation.verdict == .overLimit)
        #expect(evaluation.explanation == "铁 0.4 mg/L 超过限值 0.3 mg/L")
    }

    @Test("An administrator's limit is checked against its kind",
          arguments: [(WaterLimitKind.maximum, nil, nil as Double?), (.maximum, 1.0, 2.0), (.minimum, nil, nil),
                      (.range, 2.0, 1.0), (.range, 1.0, nil), (.notDetectable, nil, 1.0), (.maximum, nil, -1.0)] as [(WaterLimitKind, Double?, Double?)])
    func rejectsInconsistentLimits(kind: WaterLimitKind, low: Double?, high: Double?) {
        // given
        let make = { try WaterIndicator(code: "x", name: "测试", unit: "mg/L", kind: kind, low: low, high: high) }

        // when
        let error = #expect(throws: ValidationError.self) { try make() }

        // then
        #expect(error?.code == "water.limit")
    }

    @Test("A consistent administrator's limit is accepted and used")
    func acceptsEditedLimit() throws {
        // given
        let nitrate = try WaterIndicator(code: "nitrate", name: "硝酸盐（以N计）", unit: "mg/L", kind: .maximum, low: nil, high: 10)

        // when
        let evaluation = try nitrate.evaluate(value: "12")

        // then
        #expect(evaluation.verdict == .overLimit)
        #expect(evaluation.explanation == "硝酸盐（以N计） 12 mg/L 超过限值 10 mg/L")
    }
}
