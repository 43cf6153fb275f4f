import Testing
@testable import WeijianCore

@Suite("行政处罚：违法行为与裁量基准")
struct PenaltyRuleTests {
    let rule = PenaltyRule.defaults.first { $0.code == "GG-38" }!

    @Test("A fine within the chosen band stands; outside it needs a reason; above the legal maximum it is refused even with one")
    func discretion() {
        #expect(rule.check(fineFen: 1_000_00, band: "轻微", reason: "").isEmpty)
        #expect(rule.check(fineFen: 3_000_00, band: "轻微", reason: "").map(\.code) == ["fine.outsideBand"])
        #expect(rule.check(fineFen: 3_000_00, band: "轻微", reason: "涉及4名从业人员，按一般档次以上处罚").isEmpty)
        let over = rule.check(fineFen: 15_000_01, band: "严重", reason: "情节特别严重")
        #expect(over.map(\.code) == ["fine.legalMax"])
        #expect(over.first?.message.contains("15,000元") == true)
        #expect(rule.check(fineFen: 1_000_00, band: "特别严重", reason: "").map(\.code) == ["choice"])
        #expect(rule.check(fineFen: 1_000_00, band: nil, reason: "").map(\.code) == ["required"])
    }

    @Test("Every shipped rule names its provisions, its bands lie within the legal range and do not overlap backwards")
    func defaultsAreConsistent() {
        #expect(Set(PenaltyRule.defaults.map(\.code)).count == PenaltyRule.defaults.count)
        for rule in PenaltyRule.defaults {
            #expect(!rule.violatedProvision.isEmpty && rule.penaltyBasis.contains("第"), "\(rule.code)")
            #expect(rule.bands.allSatisfy { $0.minFen <= $0.maxFen && $0.maxFen <= rule.legalMaxFen }, "\(rule.code)")
            #expect(zip(rule.bands, rule.bands.dropFirst()).allSatisfy { $0.maxFen <= $1.minFen }, "\(rule.code) bands in order")
        }
    }
}
