import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Every page of the registry, the portal and data cleaning renders for the role that uses it
/// (a template error shows up here, not in front of a user).
@Suite("Registry pages render")
struct RegistryPagesTests {
    @Test func everyPageRendersForItsRole() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("info1", roles: [.infoOfficer, .departmentHead])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let entity = try await app.makeEntity(inspectors: [])
            try await app.makeEntity(.fixture(name: "福州阳光宾馆", creditCode: nil))
            _ = try await LicenseQueries.issue(.init(number: "L-1", issuingOrgan: "卫生健康委员会", issueDate: "2026-01-05"), entity: entity, by: app.systemCaller)
            let unitUser = try await app.makeUser("unit1", roles: [.entityUser])
            unitUser.entityID = entity.id
            try await unitUser.save(on: app.db)
            let current = try await CurrentUser.load(unitUser, sessionID: nil, csrfToken: nil, on: app.db)
            let submission = try await SubmissionQueries.submit(.entityChange, payload: .init(entity: .init(legalRepName: "李四")), entity: entity, by: .acting(as: current, app))
            _ = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            let staff = try await app.signIn(officer)
            let unit = try await app.signIn(unitUser)
            let id = entity.id!.uuidString
            let staffPages = ["/app/entities", "/app/entities?q=宾馆&category=GG", "/app/entities/mine", "/app/entities/new", "/app/entities/new?category=YS01",
                              "/app/entities/\(id)", "/app/entities/\(id)/edit", "/app/entities/\(id)/print", "/app/entities/handover", "/app/categories",
                              "/app/licences", "/app/licences?view=expired", "/app/submissions", "/app/submissions?status=all", "/app/submissions/\(submission.id!)",
                              "/app/portal-accounts", "/app/quality", "/app/quality?kind=gap", "/app/quality/duplicates", "/app/quality/merges", "/app/import"]
            let unitPages = ["/portal", "/portal/submissions/\(submission.id!)"]
                + (try await SubmissionQueries.kinds(for: entity, on: app.db)).map { "/portal/submissions/new?kind=\($0.rawValue)" }
            // when / then
            for (browser, pages) in [(staff, staffPages), (unit, unitPages)] {
                for page in pages {
                    try await app.testing().test(.GET, page, headers: browser.headers) { res async in
                        #expect(res.status == .ok, "\(page)")
                        #expect(!res.body.string.contains("系统故障"), "\(page)")
                    }
                }
            }
            try await app.testing().test(.GET, "/app", headers: unit.headers) { res async in
                #expect(res.headers.first(name: .location) == "/portal", "a unit's account lands in the portal")
            }
        }
    }

    @Test func bulkAccountsPrintOneLetterPerUnitWithoutAnAccount() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            try await app.makeEntity()
            try await app.makeEntity(.fixture(name: "月光宾馆", creditCode: nil, address: "东街1号"))
            try await app.makeEntity(.fixture(name: "城北水厂", creditCode: nil, category: "YS01"))
            let browser = try await app.signIn(officer)
            // when
            var html = ""
            try await app.testing().test(.POST, "/app/portal-accounts/bulk", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "category": "GG"])) { res async in
                #expect(res.status == .ok)
                html = res.body.string
            }
            try await app.testing().test(.POST, "/app/portal-accounts/bulk", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "category": "GG"])) { res async in
                #expect(res.body.string.contains("共0份"), "units with an account are not opened again")
            }
            try await app.testing().test(.POST, "/app/portal-accounts", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "entityID": "", "displayName": "张三"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("单位：请先查找并选择"))
            }
            // then
            #expect(html.components(separatedBy: "class=\"letter\"").count - 1 == 2)
            #expect(html.contains("http://"), "the letter carries the full sign-in address")
            let accounts = try await User.query(on: app.db).filter(\.$kind == .portal).all()
            #expect(accounts.count == 2)
            #expect(accounts.allSatisfy { $0.mustChangePassword && $0.entityID != nil })
        }
    }
}
