import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Units' portal: submissions, review, return and resubmission")
struct SubmissionTests {
    static func portalUser(_ app: Application, for entity: SupervisedEntity, name: String = "unit1") async throws -> User {
        let user = try await app.makeUser(name, roles: [.entityUser])
        user.entityID = entity.id
        try await user.save(on: app.db)
        return user
    }

    @Test func aChangeIsReturnedWithAReasonResubmittedApprovedAndWrittenToTheFile() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let inspector = try await app.makeUser("insp1", roles: [.inspector])
            try await DataScopeGrant(userID: inspector.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let entity = try await app.makeEntity(inspectors: [inspector.id!])
            let unit = try await app.signIn(try await Self.portalUser(app, for: entity))
            let officer = try await app.signIn(inspector)
            var submissionPath = ""
            // when: the unit submits a change of its person in charge
            try await app.testing().test(.POST, "/portal/submissions", headers: .formHeaders(cookie: unit.cookie),
                                         body: form(["_csrf": unit.csrf, "kind": "entityChange", "payload[entity][legalRepName]": "李四",
                                                     "payload[entity][employees]": "30"])) { res async in
                #expect(res.status == .seeOther)
                submissionPath = res.headers.first(name: .location) ?? ""
            }
            let id = submissionPath.split(separator: "/").last.map(String.init) ?? ""
            #expect(try await Inbox.items(for: inspector.id!, on: app.db).contains { $0.title.contains("基本信息变更") })
            // the officer cannot return it without a reason
            try await app.testing().test(.POST, "/app/submissions/\(id)/decide", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "decision": "return", "reason": ""])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("退回理由"))
            }
            try await app.testing().test(.POST, "/app/submissions/\(id)/decide", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "decision": "return", "reason": "请附法定代表人变更的营业执照"])) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/portal/submissions/\(id)", headers: unit.headers) { res async in
                #expect(res.body.string.contains("请附法定代表人变更的营业执照"))
                #expect(res.body.string.contains("已退回补正"))
            }
            try await app.testing().test(.POST, "/portal/submissions/\(id)/resubmit", headers: .formHeaders(cookie: unit.cookie),
                                         body: form(["_csrf": unit.csrf, "kind": "entityChange", "payload[entity][legalRepName]": "李四",
                                                     "payload[entity][employees]": "30", "payload[note]": "营业执照已更新"])) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.POST, "/app/submissions/\(id)/decide", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "decision": "approve", "reason": ""])) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            let stored = try #require(try await SupervisedEntity.find(entity.id, on: app.db))
            #expect(stored.legalRepName == "李四")
            #expect(stored.employees == 30)
            let history = try await EntityQueries.history(entity.id!, on: app.db).rows
            #expect(history.first?.action == "单位报送（审核通过）")
            #expect(history.first?.changes.contains(.init(field: "法定代表人（负责人）", from: "张三", to: "李四")) == true)
            let versions = try await app.db.sql.select().column("version").from("submission_versions").all()
            #expect(versions.count == 2, "every version is kept")
            #expect(try await Inbox.items(for: unit.userID, on: app.db).contains { $0.title.contains("已审核通过") })
        }
    }

    @Test func aUnitCannotOpenAnotherUnitsSubmission() async throws {
        try await withTestApp { app in
            // given
            let first = try await app.makeEntity()
            let second = try await app.makeEntity(.fixture(name: "另一宾馆", creditCode: "914403001922038216", address: "东街1号"))
            let firstUser = try await Self.portalUser(app, for: first, name: "unit1")
            let secondUser = try await Self.portalUser(app, for: second, name: "unit2")
            let submission = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-20", content: "消毒记录齐全"),
                                                                entity: first, by: .acting(as: try await CurrentUser.load(firstUser, sessionID: nil, csrfToken: nil, on: app.db), app))
            let browser = try await app.signIn(secondUser)
            // when / then
            try await app.testing().test(.GET, "/portal/submissions/\(submission.id!)", headers: browser.headers) { res async in
                #expect(res.status == .notFound)
            }
        }
    }

    @Test func waterResultsOverTheLimitAreFlaggedForTheReviewer() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity(.fixture(name: "城北水厂", creditCode: nil, category: "YS01"))
            let user = try await CurrentUser.load(try await Self.portalUser(app, for: entity), sessionID: nil, csrfToken: nil, on: app.db)
            // when
            let submission = try await SubmissionQueries.submit(.waterMonitoring, payload: .init(sampleDate: "2026-11-20", samplePoint: "出厂水",
                                                                                                values: ["turbidity": "1.6", "pH": "7.2", "totalColiforms": "未检出"]),
                                                                entity: entity, by: .acting(as: user, app))
            var bad: ValidationErrors?
            do {
                _ = try await SubmissionQueries.submit(.waterMonitoring, payload: .init(sampleDate: "2026-11-20", samplePoint: "出厂水", values: ["turbidity": "很浑"]),
                                                       entity: entity, by: .acting(as: user, app))
            } catch let caught as ValidationErrors { bad = caught }
            // then
            let flags = try JSONDecoder().decode([String].self, from: Data(submission.flags.utf8))
            #expect(flags.count == 1)
            #expect(flags.first?.contains("浑浊度") == true)
            #expect(bad?.errors.first?.field == "浑浊度")
        }
    }

    @Test func theOfficerChangesAWaterLimitAndLaterResultsAreJudgedByIt() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let officer = try await app.signIn(try await app.makeUser("info1", roles: [.infoOfficer]))
            let entity = try await app.makeEntity(.fixture(name: "城北水厂", creditCode: nil, category: "YS01"))
            let user = try await CurrentUser.load(try await Self.portalUser(app, for: entity), sessionID: nil, csrfToken: nil, on: app.db)
            // when: a bound that is not a number is refused and nothing changes
            try await app.testing().test(.POST, "/app/water-limits/turbidity", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "kind": "maximum", "low": "", "high": "二"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("上限"))
                #expect(res.body.string.contains("应为数字"))
            }
            // a range without its lower bound is refused too
            try await app.testing().test(.POST, "/app/water-limits/pH", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "kind": "range", "low": "", "high": "8.5"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("范围需下限不大于上限"))
            }
            #expect(try await WaterLimits.load(on: app.db).first { $0.code == "turbidity" }?.high == 1)
            try await app.testing().test(.POST, "/app/water-limits/turbidity", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "kind": "maximum", "low": "", "high": "3"])) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/app/water-limits", headers: officer.headers) { res async in
                #expect(res.body.string.contains("≤3 NTU"))
            }
            let submission = try await SubmissionQueries.submit(.waterMonitoring, payload: .init(sampleDate: "2026-11-20", samplePoint: "出厂水", values: ["turbidity": "1.6"]),
                                                                entity: entity, by: .acting(as: user, app))
            // then
            #expect(try JSONDecoder().decode([String].self, from: Data(submission.flags.utf8)).isEmpty, "1.6 NTU is within the new limit of 3")
            #expect(try await app.auditActions().filter { $0 == "water.limit" }.count == 1)
        }
    }

    @Test func aLicenceApplicationMustBeAcceptedWithinFiveWorkingDays() async throws {
        try await withTestApp { app in
            // given: submitted on Friday 2026-09-25, before the National Day holiday
            app.clock.set(LocalDate("2026-09-25")!.noonInChina)
            let entity = try await app.makeEntity()
            let user = try await CurrentUser.load(try await Self.portalUser(app, for: entity), sessionID: nil, csrfToken: nil, on: app.db)
            // when
            let submission = try await SubmissionQueries.submit(.licenceApplication, payload: .init(scope: "住宿"), entity: entity, by: .acting(as: user, app))
            // then: the five working days skip the National Day holiday
            let expected = WorkCalendar().deadline(for: DeadlineRule.defaults.first { $0.code == "licence.acceptance" }!, from: LocalDate("2026-09-25")!).due
            #expect(submission.dueDate == expected.description)
            #expect(expected > LocalDate("2026-10-07")!)
        }
    }
}
