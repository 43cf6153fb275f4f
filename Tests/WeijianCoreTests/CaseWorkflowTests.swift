import Testing
@testable import WeijianCore

private func day(_ text: String) -> LocalDate { LocalDate(text)! }

@Suite("行政处罚案件：流程与守卫")
struct CaseWorkflowTests {
    static var ready: CaseFacts {
        var facts = CaseFacts()
        facts.issuedDocuments = ["caseFiling", "penaltyNotice", "penaltyDecision", "closingReport"]
        facts.handlers = 2
        facts.hasParty = true
        facts.illegalFacts = "游泳池水游离性余氯0.1 mg/L，低于0.3 mg/L"
        facts.evidenceCount = 3
        facts.provisionsChosen = true
        facts.acceptedOn = day("2026-03-02")
        facts.filedOn = day("2026-03-03")
        return facts
    }

    @Test("立案 with one handler, no party and no facts, by an inspector: every missing thing is named")
    func filingNeedsTwoHandlersAndApproval() {
        // given
        var facts = CaseFacts()
        facts.handlers = 1
        facts.acceptedOn = day("2026-03-02")

        // when
        let errors = CaseWorkflow.check(.file, state: .accepted, facts: facts, step: CaseStep(date: day("2026-03-03")), approverRoles: [.inspector])

        // then
        #expect(Set(errors.map(\.field)) == ["审批人", "承办人", "当事人", "案情摘要", "立案报批表"])
        #expect(errors.first { $0.field == "承办人" }?.message.contains("至少2名") == true)
        #expect(CaseWorkflow.check(.file, state: .accepted, facts: Self.ready, step: CaseStep(date: day("2026-03-03")), approverRoles: [.departmentHead]).isEmpty)
    }

    @Test("No decision before the notice is served, nor before the 陈述申辩 period ends unless waived; a requested hearing must be held")
    func decisionWaitsForTheNoticePeriod() {
        // given
        var facts = Self.ready
        let early = CaseStep(date: day("2026-03-20"))

        // then: no notice
        #expect(CaseWorkflow.check(.decide, state: .notified, facts: facts, step: early, approverRoles: [.leader]).map(\.code) == ["case.notice"])

        // given: served 03-16, the period ends 03-23
        facts.noticeServedOn = day("2026-03-16")
        facts.statementPeriodEnds = day("2026-03-23")

        // then
        let refused = CaseWorkflow.check(.decide, state: .notified, facts: facts, step: early, approverRoles: [.leader])
        #expect(refused.map(\.code) == ["case.statementPeriod"])
        #expect(refused.first?.message.contains("2026-03-23届满") == true)
        #expect(CaseWorkflow.check(.decide, state: .notified, facts: facts, step: CaseStep(date: day("2026-03-24")), approverRoles: [.leader]).isEmpty)
        facts.statementWaived = true
        #expect(CaseWorkflow.check(.decide, state: .notified, facts: facts, step: early, approverRoles: [.leader]).isEmpty)
        facts.hearingRequested = true
        #expect(CaseWorkflow.check(.decide, state: .notified, facts: facts, step: early, approverRoles: [.leader]).map(\.code) == ["case.hearing"])
    }

    @Test("A major case needs 法制审核 before the notice and 集体讨论 minutes for the decision")
    func majorCase() {
        // given
        var facts = Self.ready
        facts.major = true
        facts.legalReviewRequired = true
        facts.noticeServedOn = day("2026-03-16")
        facts.statementPeriodEnds = day("2026-03-23")

        // then
        #expect(CaseWorkflow.check(.notify, state: .deliberated, facts: facts, step: CaseStep(date: day("2026-03-10")), approverRoles: []).map(\.code) == ["case.legalReview"])
        #expect(CaseWorkflow.check(.notify, state: .reviewed, facts: facts, step: CaseStep(date: day("2026-03-10")), approverRoles: []).isEmpty)
        #expect(CaseWorkflow.check(.decide, state: .notified, facts: facts, step: CaseStep(date: day("2026-03-25")), approverRoles: [.leader]).map(\.code) == ["case.collective"])
    }

    @Test("An action from the wrong state, a date before 立案, an unpaid fine: refused naming the rule")
    func otherRefusals() {
        var facts = Self.ready
        #expect(CaseWorkflow.check(.serve, state: .investigating, facts: facts, step: CaseStep(date: day("2026-03-10"), serviceMethod: .direct), approverRoles: []).map(\.code) == ["case.state"])
        #expect(CaseWorkflow.check(.deliberate, state: .investigated, facts: facts, step: CaseStep(date: day("2026-03-01"), minutes: "同意"), approverRoles: []).map(\.code) == ["date.order"])
        facts.outstandingFen = 150_00
        let unpaid = CaseWorkflow.check(.execute, state: .served, facts: facts, step: CaseStep(date: day("2026-04-10")), approverRoles: [])
        #expect(unpaid.map(\.code) == ["case.outstanding"])
        #expect(unpaid.first?.message.contains("150元") == true)
        #expect(CaseAction.available(from: .accepted) == [.file, .notFile, .transfer])
        #expect(CaseAction.allCases.allSatisfy { !$0.from.contains($0.to) }, "no action leaves a case where it was")
    }
}

extension CaseWorkflowTests {
    @Test("The decision is a leader's (行政处罚法第五十七条); 立案 needs its 报批表, 告知 its 告知书, 送达 the 决定书; no step before the last; no 立案 after the limitation")
    func documentsOrderAndLimitation() {
        var facts = Self.ready
        facts.noticeServedOn = day("2026-03-16")
        facts.statementPeriodEnds = day("2026-03-23")
        let head = CaseWorkflow.check(.decide, state: .notified, facts: facts, step: CaseStep(date: day("2026-03-24")), approverRoles: [.departmentHead])
        #expect(head.map(\.code) == ["case.approval"])
        #expect(head.first?.message.contains("第五十七条") == true)

        facts.issuedDocuments = []
        #expect(CaseWorkflow.check(.file, state: .accepted, facts: facts, step: CaseStep(date: day("2026-03-03")), approverRoles: [.leader]).map(\.field) == ["立案报批表"])
        #expect(CaseWorkflow.check(.notify, state: .deliberated, facts: facts, step: CaseStep(date: day("2026-03-10")), approverRoles: []).map(\.field) == ["行政处罚事先告知书"])
        #expect(CaseWorkflow.check(.serve, state: .decided, facts: facts, step: CaseStep(date: day("2026-03-25"), serviceMethod: .post), approverRoles: []).map(\.field) == ["行政处罚决定书"])

        facts = Self.ready
        facts.lastStep = ("作出决定", day("2026-03-25"))
        #expect(CaseWorkflow.check(.serve, state: .decided, facts: facts, step: CaseStep(date: day("2026-03-20"), serviceMethod: .post), approverRoles: []).map(\.code) == ["date.order"])

        facts = Self.ready
        facts.limitationEnds = day("2026-01-01")
        #expect(CaseWorkflow.check(.file, state: .accepted, facts: facts, step: CaseStep(date: day("2026-03-03")), approverRoles: [.leader]).map(\.code) == ["case.limitation"])
        #expect(CaseWorkflow.check(.notFile, state: .accepted, facts: facts, step: CaseStep(date: day("2026-03-03"), minutes: "已过追责时效"), approverRoles: [.leader]).isEmpty)
    }
}

@Suite("行政处罚案件：期限")
struct CaseDeadlineTests {
    let calendar = WorkCalendar()

    @Test("A decision made 2026-02-12 is served by 2026-02-28: 7 working days across the Spring Festival, with the make-up Saturdays counted")
    func serviceAcrossSpringFestival() throws {
        // given
        var dates = CaseDates()
        dates.decidedOn = day("2026-02-12")

        // when
        let service = try #require(CaseDeadlines.items(dates, calendar: calendar).first { $0.code == "case.service" })

        // then
        #expect(service.due == day("2026-02-28"))
        #expect(service.steps.contains { $0.contains("2026-02-14（星期六，春节调休上班）") })
        #expect(service.steps.last == "期限届满日：2026-02-28")
    }

    @Test("Filed 2025-11-20: the 90th day 2026-02-18 falls in the Spring Festival, so the decision is due 2026-02-24; 2 years' limitation")
    func decisionAcrossSpringFestival() throws {
        // given
        var dates = CaseDates()
        dates.violationOn = day("2025-11-01")
        dates.filedOn = day("2025-11-20")

        // when
        let items = CaseDeadlines.items(dates, calendar: calendar)

        // then
        let decision = try #require(items.first { $0.code == "case.decision" })
        #expect(decision.due == day("2026-02-24"))
        #expect(decision.steps.contains { $0.contains("顺延至 2026-02-24") })
        #expect(items.first { $0.code == "case.limitation" }?.due == day("2027-11-01"))
        dates.lifeAndHealth = true
        #expect(CaseDeadlines.items(dates, calendar: calendar).first { $0.code == "case.limitation" }?.due == day("2030-11-01"))
    }

    @Test("A hearing on 2026-02-27 must be notified by 2026-02-10: 7 working days back, the festival not counted")
    func hearingNotice() {
        let item = CaseDeadlines.hearingNotice(before: day("2026-02-27"), calendar: calendar)
        #expect(item.due == day("2026-02-10"))
    }

    @Test("The statement period and both reports count working days; a simple-procedure case reports once, at closing")
    func statementAndReports() {
        var dates = CaseDates()
        dates.noticeServedOn = day("2026-03-13")   // a Friday
        dates.servedOn = day("2026-04-01")
        dates.closedOn = day("2026-04-20")
        let items = CaseDeadlines.items(dates, calendar: calendar)
        #expect(items.first { $0.code == "case.statement" }?.due == day("2026-03-20"))
        #expect(items.first { $0.code == "case.reportFirst" }?.due == day("2026-04-09"), "04-04..04-06 are 清明节")
        #expect(items.first { $0.code == "case.finePayment" }?.due == day("2026-04-16"))
        dates.simpleProcedure = true
        #expect(CaseDeadlines.items(dates, calendar: calendar).filter { $0.code.hasPrefix("case.report") }.map(\.code) == ["case.reportSecond"])
    }
}

@Suite("行政处罚：罚款与加处罚款")
struct PenaltyTests {
    @Test("3 % a day after the due date, never more than the fine")
    func surcharge() {
        #expect(Penalty.surcharge(fineFen: 1_000_00, due: day("2026-03-01"), on: day("2026-03-01")) == 0)
        #expect(Penalty.surcharge(fineFen: 1_000_00, due: day("2026-03-01"), on: day("2026-03-11")) == 300_00)
        #expect(Penalty.surcharge(fineFen: 1_000_00, due: day("2026-03-01"), on: day("2026-04-10")) == 1_000_00)
    }

    @Test("当场处罚: ¥200 for a person, ¥3,000 for an organisation; one fen more is refused naming the rule")
    func simpleProcedure() throws {
        try Penalty.checkSimpleProcedure(fineFen: 200_00, party: .person)
        try Penalty.checkSimpleProcedure(fineFen: 3_000_00, party: .organisation)
        let error = #expect(throws: ValidationError.self) { try Penalty.checkSimpleProcedure(fineFen: 3_000_01, party: .organisation) }
        #expect(error?.code == "simple.limit")
        #expect(error?.message.contains("3,000元") == true)
        #expect(throws: ValidationError.self) { try Penalty.checkSimpleProcedure(fineFen: 200_01, party: .person) }
    }

    @Test("The surcharge runs only on what is still unpaid and stops when it is paid")
    func surchargeOnTheUnpaidPart() {
        // given: ¥2,000 due 11-18, half paid on time, half on 11-25
        let payments = [(date: day("2026-11-10"), fen: 1_000_00), (date: day("2026-11-25"), fen: 1_000_00)]

        // when
        let owed = Penalty.owed(fineFen: 2_000_00, due: day("2026-11-18"), payments: payments, on: day("2026-12-04"))

        // then: 11-19 … 11-24 on ¥1,000 = 6 × ¥30
        #expect(owed.surcharge == 180_00)
        #expect(owed.outstanding == 180_00)
        #expect(Penalty.owed(fineFen: 1_000_00, due: day("2026-03-01"), payments: [], on: day("2026-03-11")).outstanding == 1_300_00)
        #expect(Penalty.owed(fineFen: 1_000_00, due: day("2026-03-01"), payments: [], on: day("2026-06-01")).surcharge == 1_000_00)
        #expect(Penalty.owed(fineFen: 1_000_00, due: nil, payments: [(day("2026-03-01"), 400_00)], on: day("2026-06-01")).outstanding == 600_00)
    }

    @Test("Amounts typed in yuan become fen; anything else is not an amount")
    func amounts() {
        #expect(Penalty.fen(fromYuan: "1500") == 1_500_00)
        #expect(Penalty.fen(fromYuan: "1,500.5") == 1_500_50)
        #expect(Penalty.fen(fromYuan: "0.05") == 5)
        #expect(Penalty.fen(fromYuan: "-3") == nil)
        #expect(Penalty.fen(fromYuan: "1.234") == nil)
        #expect(Penalty.fen(fromYuan: "一千") == nil)
        #expect(Penalty.yuan(1_234_567_80) == "1,234,567.80元")
    }
}
