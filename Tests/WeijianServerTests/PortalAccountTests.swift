import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Portal accounts are opened for a unit found by search or from its file, and the letter names
/// the person and the configured address; each unit is offered what its category submits (issue 11 item 10).
@Suite("Portal accounts and what a unit may submit")
struct PortalAccountTests {
    @Test func theOfficerFindsTheUnitByNameOpensAnAccountAndTheLetterCarriesTheAddressAndThePerson() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("xinxi", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let unit = try await app.makeEntity()
            let browser = try await app.signIn(officer)
            try await SiteSettings(publicURL: "https://wsjd.example.gov.cn").save(by: app.systemCaller)
            // when: the search finds the unit without typing its id
            var choose = ""
            try await app.testing().test(.GET, "/app/portal-accounts?q=%E9%98%B3%E5%85%89", headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("福州阳光宾馆有限公司"))
                choose = res.body.string.contains("/app/portal-accounts?entity=\(unit.id!)") ? "found" : ""
            }
            #expect(choose == "found")
            // when: no person's name
            try await app.testing().test(.POST, "/app/portal-accounts", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "entityID": unit.id!.uuidString, "displayName": ""])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("使用人姓名：必填"))
            }
            try await app.testing().test(.POST, "/app/portal-accounts", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "entityID": unit.id!.uuidString, "displayName": "王小明"])) { res async in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("https://wsjd.example.gov.cn/app/login"))
                #expect(html.contains("王小明"))
                #expect(!html.contains("127.0.0.1"))
            }
            let account = try #require(try await User.query(on: app.db).filter(\.$kind == .portal).first())
            #expect(account.entityID == unit.id)
        }
    }

    @Test func aSchoolIsNotOfferedDrinkingWaterResultsAndCannotSubmitThem() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let school = try await app.makeEntity(.fixture(name: "福州第一中学", creditCode: nil, category: "XX"))
            let water = try await app.makeEntity(.fixture(name: "城北水厂", creditCode: nil, category: "YS01"))
            // then
            let schoolKinds = try await SubmissionQueries.kinds(for: school, on: app.db)
            #expect(!schoolKinds.contains(.waterMonitoring))
            #expect(try await SubmissionQueries.kinds(for: water, on: app.db).contains(.waterMonitoring))
            let user = try await app.makeUser("school1", roles: [.entityUser])
            user.entityID = school.id
            try await user.save(on: app.db)
            let browser = try await app.signIn(user)
            try await app.testing().test(.GET, "/portal", headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("饮用水自检结果"))
            }
            try await app.testing().test(.POST, "/portal/submissions", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "kind": "waterMonitoring", "payload[sampleDate]": "2026-11-20",
                                                     "payload[samplePoint]": "末梢水", "payload[values][turbidity]": "0.5"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("本单位的专业类别不需要报送“饮用水自检结果”"))
            }
        }
    }
}
