import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Staff and departments are edited, not disabled and re-created (issue 11 item 2).
@Suite("Editing staff and departments")
struct AdminEditTests {
    func lastDetails(_ app: Application, action: String) async throws -> String {
        try await app.db.sql.select().column("details").from("audit_events").where("action", .equal, action).orderBy("seq", .descending).first()?
            .decode(column: "details", as: String.self) ?? ""
    }

    @Test func theAdministratorMovesAPersonAndRenewsTheCertificateWithEveryChangeAudited() async throws {
        try await withTestApp { app in
            // given
            let first = try await app.makeDepartment("GGK", "公共场所卫生监督科")
            let second = try await app.makeDepartment("YSK", "生活饮用水卫生监督科")
            let admin = try await app.makeUser("sys", roles: [.sysadmin])
            let (person, _) = try await UserQueries.create(.init(username: "zhangsan", displayName: "张三", departmentID: first.id,
                                                                 profile: .init(certificateNumber: "闽卫执证01", certificateExpiry: "2026-01-01", phone: "13800138000")),
                                                           by: app.systemCaller, app: app)
            let browser = try await app.signIn(admin)
            // when: a date that is no date
            try await app.testing().test(.POST, "/app/admin/users/\(person.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "displayName": "张三", "departmentID": second.id!.uuidString,
                                                     "certificateNumber": "闽卫执证01", "certificateExpiry": "2029-13-40"])) { res async in
                // then: named, and nothing saved
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("执法证有效期至：应为有效日期"))
                #expect(res.body.string.contains("138****8000"))
                #expect(!res.body.string.contains("13800138000"))
            }
            #expect(try await User.find(person.id, on: app.db)?.$department.id == first.id)
            // when: the move and the renewal, the phone left blank
            try await app.testing().test(.POST, "/app/admin/users/\(person.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "displayName": "张三", "departmentID": second.id!.uuidString,
                                                     "certificateNumber": "闽卫执证01", "certificateExpiry": "2029-12-31"])) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            #expect(try await User.find(person.id, on: app.db)?.$department.id == second.id)
            let profile = try await StaffQueries.snapshot(userID: person.requireID(), crypto: app.keyStore.fieldCrypto, on: app.db)
            #expect(profile.first { $0.0 == "执法证有效期至" }?.1 == "2029-12-31")
            #expect(profile.first { $0.0 == "联系电话" }?.1 == "138****8000", "a blank phone keeps the stored one")
            let details = try await lastDetails(app, action: "user.update")
            #expect(details.contains("所属科室：公共场所卫生监督科 → 生活饮用水卫生监督科"))
            #expect(details.contains("执法证有效期至：2026-01-01 → 2029-12-31"))
            // when: a new phone: audited masked
            try await UserQueries.update(try #require(try await User.find(person.id, on: app.db)),
                                         with: .init(displayName: "张三", departmentID: second.id, profile: .init(certificateNumber: "闽卫执证01",
                                                                                                             certificateExpiry: "2029-12-31", phone: "13912345678")),
                                         by: app.systemCaller)
            let phoneChange = try await lastDetails(app, action: "user.update")
            #expect(phoneChange.contains("联系电话：138****8000 → 139****5678"))
            #expect(!phoneChange.contains("13912345678"))
        }
    }

    @Test func aDepartmentIsRenamedByTheFormAndTheAPIAndADuplicateNameIsRefused() async throws {
        try await withTestApp { app in
            // given
            let department = try await app.makeDepartment("GGK", "公共场所科")
            _ = try await app.makeDepartment("YSK", "饮用水科")
            let admin = try await app.makeUser("sys", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            // when
            try await app.testing().test(.POST, "/app/admin/departments/\(department.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "code": "GGK", "name": "饮用水科", "isBusiness": "on"])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("科室名称：“饮用水科”已存在"))
            }
            try await app.testing().test(.POST, "/app/admin/departments/\(department.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "code": "GGK", "name": "公共场所卫生监督科", "isBusiness": "on"])) { res async in
                #expect(res.status == .seeOther)
            }
            #expect(try await Department.find(department.id, on: app.db)?.name == "公共场所卫生监督科")
            #expect(try await lastDetails(app, action: "department.update").contains("科室名称：公共场所科 → 公共场所卫生监督科"))
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: admin.requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .json
            try await app.testing().test(.PUT, "/api/v1/departments/\(department.id!)", headers: headers, body: ByteBuffer(string: #"{"name":"公共场所监督科"}"#)) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("公共场所监督科"))
            }
        }
    }
}
