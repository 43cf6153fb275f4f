import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("行政处罚案件")
struct CaseTests {
    static func step(_ action: CaseAction, _ date: String, minutes: String? = nil, method: ServiceMethod? = nil) -> CaseQueries.StepInput {
        CaseQueries.StepInput(action: action.rawValue, date: date, comment: nil, minutes: minutes, serviceMethod: method?.rawValue)
    }

    @Test("A failed item becomes a case and goes through 立案 … 结案; the guards refuse an inspector's 立案, 调查终结 without provisions, a decision inside the 陈述申辩 period and an overpayment")
    func wholeCase() async throws {
        try await withTestApp { app in
            // given: a pool inspected 2026-12-03 with 3.2 failed, and the department's head
            let setup = try await InspectionTests.setup(app)
            let inspection = try await InspectionTests.record(app, setup)
            let head = try await app.makeUser("kezhang", name: "王科长", roles: [.departmentHead], department: setup.pool.departmentID)
            let director = try await app.makeUser("suozhang", name: "李所长", roles: [.leader], department: setup.pool.departmentID)
            let inspector = setup.caller
            var approver = try await app.caller(for: head)

            // when: opened from item 3.2
            let proposal = try await CaseQueries.proposal(item: "3.2", inspection: inspection, on: app.db)
            let id = try await CaseQueries.open(proposal, inspection: inspection, entity: setup.pool, by: inspector)

            // then
            var record = try #require(try await CaseQueries.record(id, on: app.db))
            #expect(record.number == "AJ202600001")
            #expect(record.state == .accepted)
            #expect(record.illegalFacts.contains("深水区余氯0.1 mg/L"))
            let duplicate = await #expect(throws: ValidationError.self) { try await CaseQueries.open(proposal, inspection: inspection, entity: setup.pool, by: inspector) }
            #expect(duplicate?.code == "case.duplicate")

            // when / then: 立案 by the inspector is refused, and without the 立案报批表; by the head, after issuing it, it is done
            let unapproved = await #expect(throws: ValidationErrors.self) { try await CaseQueries.step(Self.step(.file, "2026-12-03"), record: record, by: inspector) }
            #expect(unapproved?.errors.map(\.code) == ["case.approval", "case.document"])
            _ = try await CaseDocuments.issue(.caseFiling, record: record, app: app, by: inspector)
            try await CaseQueries.step(Self.step(.file, "2026-12-03"), record: record, by: approver)
            record = try #require(try await CaseQueries.record(id, on: app.db))
            #expect(record.state == .investigating)

            // when / then: 调查终结 needs the provisions
            let noProvisions = await #expect(throws: ValidationErrors.self) { try await CaseQueries.step(Self.step(.endInvestigation, "2026-12-03"), record: record, by: inspector) }
            #expect(noProvisions?.errors.map(\.code) == ["case.provisions"])
            try await CaseQueries.saveFacts(.init(illegalFacts: record.illegalFacts, violatedProvision: "《公共场所卫生管理条例实施细则》第十四条",
                                                  penaltyBasis: "《公共场所卫生管理条例实施细则》第三十六条", penaltyProposal: "警告，并处罚款", fineYuan: "2000"),
                                            record: record, by: inspector)
            for (action, minutes) in [(CaseAction.endInvestigation, nil), (.deliberate, "承办人一致同意给予警告并处罚款2000元")] as [(CaseAction, String?)] {
                record = try #require(try await CaseQueries.record(id, on: app.db))
                try await CaseQueries.step(Self.step(action, "2026-12-03", minutes: minutes), record: record, by: inspector)
            }

            // then: 告知 needs the 告知书; issued, the notice is served; the decision may not be issued before the decision
            record = try #require(try await CaseQueries.record(id, on: app.db))
            let noNotice = await #expect(throws: ValidationErrors.self) { try await CaseQueries.step(Self.step(.notify, "2026-12-03"), record: record, by: inspector) }
            #expect(noNotice?.errors.map(\.code) == ["case.document"])
            let notice = try await CaseDocuments.issue(.penaltyNotice, record: record, app: app, by: inspector)
            #expect(notice.number.contains("卫公罚告〔2026〕"))
            try await CaseQueries.step(Self.step(.notify, "2026-12-03"), record: record, by: inspector)
            record = try #require(try await CaseQueries.record(id, on: app.db))
            let tooEarly = await #expect(throws: ValidationError.self) { try await CaseDocuments.issue(.penaltyDecision, record: record, app: app, by: inspector) }
            #expect(tooEarly?.code == "case.document")
            let wrongPlace = await #expect(throws: ValidationError.self) {
                try await InspectionDocuments.issue(.penaltyDecision, record: inspection, entity: setup.pool, app: app, by: inspector)
            }
            #expect(wrongPlace?.code == "choice")

            // when / then: no decision while the 陈述申辩 period (to 2026-12-10) runs
            #expect(record.state == .notified)
            let early = await #expect(throws: ValidationErrors.self) {
                try await CaseQueries.step(Self.step(.decide, "2026-12-03"), record: record, by: try await app.caller(for: director))
            }
            #expect(early?.errors.map(\.code) == ["case.statementPeriod"])
            #expect(early?.errors.first?.message.contains("2026-12-10") == true)

            // when: a week later, the head may not decide; the leader does
            app.clock.set(LocalDate("2026-12-11")!.noonInChina)
            approver = try await app.caller(for: head)
            let byHead = await #expect(throws: ValidationErrors.self) { try await CaseQueries.step(Self.step(.decide, "2026-12-11"), record: record, by: approver) }
            #expect(byHead?.errors.map(\.code) == ["case.approval"])
            try await CaseQueries.step(Self.step(.decide, "2026-12-11"), record: record, by: try await app.caller(for: director))
            record = try #require(try await CaseQueries.record(id, on: app.db))
            let decision = try await CaseDocuments.issue(.penaltyDecision, record: record, app: app, by: approver)
            #expect(decision.number.contains("卫公罚〔2026〕"))
            if let text = try poppler("pdftotext", try Attachments.content(sha256: decision.sha256, fileName: "d.pdf", directory: app.weijianSettings.attachmentsDirectory,
                                                                            crypto: app.keyStore.fieldCrypto)) {
                #expect(text.contains(setup.pool.name) && text.contains("行政处罚决定书") && text.contains("2,000元"))
            }
            try await CaseQueries.step(Self.step(.serve, "2026-12-11", method: .direct), record: record, by: approver)
            record = try #require(try await CaseQueries.record(id, on: app.db))

            // then: paying more than owed is refused; the exact amount is taken
            let over = await #expect(throws: ValidationError.self) { try await CaseQueries.pay(.init(amountYuan: "2000.01", paidOn: "2026-12-11"), record: record, by: approver) }
            #expect(over?.code == "case.overpaid")
            try await CaseQueries.pay(.init(amountYuan: "2000", paidOn: "2026-12-11"), record: record, by: approver)
            record = try #require(try await CaseQueries.record(id, on: app.db))
            #expect(record.paidFen == 2_000_00)
            try await CaseQueries.step(Self.step(.execute, "2026-12-11"), record: record, by: approver)
            record = try #require(try await CaseQueries.record(id, on: app.db))
            _ = try await CaseDocuments.issue(.closingReport, record: record, app: app, by: approver)
            try await CaseQueries.step(Self.step(.close, "2026-12-11"), record: record, by: approver)

            // then: closed, every step in the history and the audit log
            let detail = try await CasePages.detail(try #require(try await CaseQueries.record(id, on: app.db)), today: LocalDate("2026-12-11")!, on: app.db)
            #expect(detail.state == "closed")
            #expect(detail.history.map(\.action) == ["受理", "立案", "修改事实与处罚意见", "调查终结", "合议", "告知", "作出决定", "送达", "缴款", "执行完毕", "结案"])
            #expect(detail.deadlines.first { $0.name == "决定书送达" }?.due == "2026-12-22")
            #expect(detail.handlers.count == 2)
            #expect(Set(detail.documents.map(\.kind)) == ["caseFiling", "penaltyNotice", "penaltyDecision", "closingReport"])
            let actions = try await app.auditActions()
            #expect(actions.filter { $0 == "case.step" }.count == 8)
            #expect(actions.contains("case.create") && actions.contains("case.payment"))
        }
    }

    @Test("A 违法行为 chosen from the table fills the provisions; a fine above the legal maximum is refused, one outside the band needs a reason")
    func discretionTable() async throws {
        try await withTestApp { app in
            // given
            let setup = try await InspectionTests.setup(app)
            let inspection = try await InspectionTests.record(app, setup)
            let id = try await CaseQueries.open(try await CaseQueries.proposal(item: "3.2", inspection: inspection, on: app.db), inspection: inspection,
                                                entity: setup.pool, by: setup.caller)
            let record = try #require(try await CaseQueries.record(id, on: app.db))
            func facts(_ fine: String, band: String, reason: String = "") -> CaseQueries.FactsInput {
                .init(ruleCode: "GG-38", discretionBand: band, discretionReason: reason, illegalFacts: record.illegalFacts, penaltyProposal: "警告，并处罚款", fineYuan: fine)
            }

            // when / then
            let over = await #expect(throws: ValidationErrors.self) { try await CaseQueries.saveFacts(facts("20000", band: "严重", reason: "情节严重"), record: record, by: setup.caller) }
            #expect(over?.errors.map(\.code) == ["fine.legalMax"])
            let outside = await #expect(throws: ValidationErrors.self) { try await CaseQueries.saveFacts(facts("3000", band: "轻微"), record: record, by: setup.caller) }
            #expect(outside?.errors.map(\.field) == ["裁量理由"])
            try await CaseQueries.saveFacts(facts("3000", band: "轻微", reason: "涉及4名从业人员"), record: record, by: setup.caller)

            // then
            let saved = try #require(try await CaseQueries.record(id, on: app.db))
            #expect(saved.ruleCode == "GG-38" && saved.fineFen == 3_000_00)
            #expect(saved.penaltyBasis == "《公共场所卫生管理条例实施细则》第三十八条")
            #expect(saved.violatedProvision.contains("第十条第一款"))
        }
    }

    @Test("Reminders: the department's head gets the 立案 task once; after the 陈述申辩 period the leader gets the decision; handlers hear of their deadlines")
    func reminders() async throws {
        try await withTestApp { app in
            // given: a case opened from an inspection, a head and a leader
            let setup = try await InspectionTests.setup(app)
            let inspection = try await InspectionTests.record(app, setup)
            let head = try await app.makeUser("kezhang", name: "王科长", roles: [.departmentHead], department: setup.pool.departmentID)
            let director = try await app.makeUser("suozhang", name: "李所长", roles: [.leader])
            let id = try await CaseQueries.open(try await CaseQueries.proposal(item: "3.2", inspection: inspection, on: app.db), inspection: inspection,
                                                entity: setup.pool, by: setup.caller)

            // when: the job runs twice
            try await CaseReminders.remind(app)
            try await CaseReminders.remind(app)

            // then
            let headTasks = try await Inbox.items(for: head.id!, on: app.db).filter { $0.title.hasPrefix("立案审批") }
            #expect(headTasks.count == 1)
            #expect(try await Inbox.items(for: director.id!, on: app.db).isEmpty)

            // when: the case is filed, investigated, deliberated and notified; the period passes
            var record = try #require(try await CaseQueries.record(id, on: app.db))
            _ = try await CaseDocuments.issue(.caseFiling, record: record, app: app, by: setup.caller)
            try await CaseQueries.step(Self.step(.file, "2026-12-03"), record: record, by: try await app.caller(for: head))
            record = try #require(try await CaseQueries.record(id, on: app.db))
            try await CaseQueries.saveFacts(.init(illegalFacts: record.illegalFacts, violatedProvision: "细则第十四条", penaltyBasis: "细则第三十六条",
                                                  penaltyProposal: "警告", fineYuan: ""), record: record, by: setup.caller)
            for (action, minutes) in [(CaseAction.endInvestigation, nil), (.deliberate, "同意警告")] as [(CaseAction, String?)] {
                record = try #require(try await CaseQueries.record(id, on: app.db))
                try await CaseQueries.step(Self.step(action, "2026-12-03", minutes: minutes), record: record, by: setup.caller)
            }
            record = try #require(try await CaseQueries.record(id, on: app.db))
            _ = try await CaseDocuments.issue(.penaltyNotice, record: record, app: app, by: setup.caller)
            try await CaseQueries.step(Self.step(.notify, "2026-12-03"), record: record, by: setup.caller)
            app.clock.set(LocalDate("2026-12-11")!.noonInChina)
            try await CaseReminders.remind(app)

            // then
            let decide = try await Inbox.items(for: director.id!, on: app.db).filter { $0.title.hasPrefix("作出决定") }
            #expect(decide.count == 1)
            #expect(decide.first?.link == "/app/cases/\(id)")
        }
    }

    @Test("The case page shows the deadlines with their calculation and the 立案 link opens a case; another department's handler gets 403 on web and API, audited")
    func pagesAndScope() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await InspectionTests.setup(app)
            let inspection = try await InspectionTests.record(app, setup)
            let browser = try await app.signIn(setup.inspectors[0])

            // when: the inspection page offers 立案 for 3.2, and the form opens the case
            try await app.testing().test(.GET, "/app/inspections/\(inspection.id)", headers: browser.headers) { res async in
                #expect(res.body.string.contains("/app/inspections/\(inspection.id)/cases/new?item=3.2"))
            }
            var location = ""
            let good = form(["_csrf": browser.csrf, "item": "3.2", "illegalFacts": "余氯不合格", "violationOn": "2026-12-03"])
            try await app.testing().test(.POST, "/app/inspections/\(inspection.id)/cases", headers: .formHeaders(cookie: browser.cookie), body: good) { res async in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            let bad = form(["_csrf": browser.csrf, "item": "3.2", "illegalFacts": "", "violationOn": "2027-01-01"])
            try await app.testing().test(.POST, "/app/inspections/\(inspection.id)/cases", headers: .formHeaders(cookie: browser.cookie), body: bad) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("案情摘要：必填，不能为空"))
                #expect(res.body.string.contains("违法行为发生日期：不能晚于2026-12-03"))
            }
            #expect(location.hasPrefix("/app/cases/"))
            try await app.testing().test(.GET, location, headers: browser.headers) { res async in
                #expect(res.status == .ok)
                if res.status != .ok {
                    let logged = try? await app.db.sql.select().column("message").from("system_log").all().map { try $0.decode(column: "message", as: String.self) }
                    Issue.record("system log: \(logged ?? [])")
                }
                #expect(res.body.string.contains("已受理，待立案"))
                #expect(res.body.string.contains("追责时效"))
                #expect(res.body.string.contains("违法行为发生（或终了）之日 2026-12-03"))
            }

            // when / then: another department
            let other = try await app.makeDepartment("ZY", "职业卫生监督科")
            let stranger = try await app.makeInspector("zy1", name: "周立", certificate: "闽卫执0099", department: other.id)
            let strangerBrowser = try await app.signIn(stranger)
            try await app.testing().test(.GET, location, headers: strangerBrowser.headers) { res async in
                #expect(res.status == .forbidden)
            }
            let token = "wjt_case_stranger"
            let record = APIToken()
            record.name = "case"; record.tokenHash = WeijianServer.Sessions.hash(token); record.prefix = "wjt_case"
            record.$user.id = try stranger.requireID(); record.createdAt = app.clock.now()
            try await record.create(on: app.db)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            let caseID = String(location.split(separator: "/").last ?? "")
            try await app.testing().test(.GET, "/api/v1/cases/\(caseID)", headers: headers) { res async in
                #expect(res.status == .forbidden)
            }
            let denials = try await app.db.sql.select().column("target_type").from("audit_events").where("action", .equal, "access.outOfScope").all()
                .map { try $0.decode(column: "target_type", as: String.self) }
            #expect(denials.filter { $0 == "case" }.count == 2)
        }
    }
}
