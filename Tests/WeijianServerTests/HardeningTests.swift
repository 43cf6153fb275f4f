import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Holes found by trying the product as its users would.
@Suite("Hardening")
struct HardeningTests {
    @Test func theSystemAdministratorCannotResetOrDisableTheSecurityAdministratorButTheOperatorCan() async throws {
        try await withTestApp { app in
            // given
            let sysadmin = try await app.makeUser("sys1", roles: [.sysadmin])
            let secadmin = try await app.makeUser("sec1", roles: [.securityAdmin])
            let hashBefore = secadmin.passwordHash
            let browser = try await app.signIn(sysadmin)
            // when
            try await app.testing().test(.POST, "/app/admin/users/\(secadmin.id!.uuidString)/reset", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "resetSecondFactor": "on"])) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/app/admin/users/\(secadmin.id!.uuidString)", headers: browser.headers) { res async in
                // then
                #expect(res.body.string.contains("三权分立"))
            }
            #expect(try await User.find(secadmin.id, on: app.db)?.passwordHash == hashBefore)
            _ = try await UserQueries.resetPassword(user: secadmin, resetSecondFactor: true, by: .system(app, actor: .operator("root")), app: app)
            #expect(try await User.find(secadmin.id, on: app.db)?.passwordHash != hashBefore)
        }
    }

    @Test func aResetRevokesTheAccountsAPITokens() async throws {
        try await withTestApp { app in
            let user = try await app.makeUser("tok1", roles: [.inspector])
            let (_, secret) = try await AccountController.issue(.init(name: "脚本", validDays: 30), userID: user.requireID(), by: app.systemCaller)
            _ = try await UserQueries.resetPassword(user: user, resetSecondFactor: false, by: app.systemCaller, app: app)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: secret)
            try await app.testing().test(.GET, "/api/v1/me", headers: headers) { res async in #expect(res.status == .unauthorized) }
        }
    }

    @Test func fiveWrongSecondFactorCodesLockTheAccount() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("totp5", roles: [.inspector], totp: true)
            let token = WeijianServer.Sessions.randomToken()
            let session = UserSession()
            session.tokenHash = WeijianServer.Sessions.hash(token); session.$user.id = try user.requireID(); session.stage = .secondFactor
            session.csrfToken = "c"; session.secondFactorDone = false; session.ip = ""; session.createdAt = app.clock.now(); session.lastSeenAt = app.clock.now()
            try await session.create(on: app.db)
            // when
            var last: HTTPStatus = .ok
            var location = ""
            for _ in 1...5 {
                try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: token), body: form(["_csrf": "c", "code": "000001"])) { res async in
                    last = res.status
                    location = res.headers.first(name: .location) ?? ""
                }
            }
            // then
            #expect(last == .seeOther)
            #expect(location == "/app/login?locked=1")
            #expect((try await User.find(user.id, on: app.db)?.lockedUntil ?? .distantPast) > app.clock.now())
            #expect(try await UserSession.query(on: app.db).count() == 0)
        }
    }

    @Test func aLargeFormIsJudgedOnItsFieldsNotRefusedAsCSRF() async throws {
        try await withTestApp { app in
            let admin = try await app.makeUser("big1", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            try await app.testing().test(.POST, "/app/admin/departments", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "code": "BIG", "name": String(repeating: "长", count: 3000)])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("科室名称：不能超过40个字符"))
            }
        }
    }

    @Test func doubleSubmissionsNeverAnswer500() async throws {
        try await withTestApp { app in
            let admin = try await app.makeUser("dbl1", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var status: UInt = 0
                        try await app.testing().test(.POST, "/app/admin/departments", headers: .formHeaders(cookie: browser.cookie),
                                                     body: form(["_csrf": browser.csrf, "code": "RACE", "name": "重复科室"])) { res async in status = res.status.code }
                        return status
                    }
                }
                var all: [UInt] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.allSatisfy { $0 < 500 }, "\(statuses)")
            #expect(statuses.filter { $0 == 303 }.count == 1)
            #expect(try await Department.query(on: app.db).filter(\.$code == "RACE").count() == 1)
        }
    }

    @Test func anOverLongPathIsANotFoundPageNotAFailure() async throws {
        try await withTestApp { app in
            try await app.testing().test(.GET, "/" + String(repeating: "a", count: 600)) { res async in
                #expect(res.status == .notFound)
                #expect(res.body.string.contains("页面不存在"))
            }
            try await app.testing().test(.GET, "/css/app.css") { res async in #expect(res.status == .ok) }
        }
    }
}

@Suite("Grants API")
struct GrantsAPITests {
    @Test func anOmittedRoleListIsRefusedNotTakenAsRevokeEverything() async throws {
        try await withTestApp { app in
            // given
            let sec = try await app.makeUser("secapi", roles: [.securityAdmin])
            let target = try await app.makeUser("keeps", roles: [.inspector])
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: sec.requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .json
            // when
            try await app.testing().test(.PUT, "/api/v1/users/\(target.id!.uuidString)/grants", headers: headers, body: ByteBuffer(string: "{}")) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("roles"))
            }
            #expect(try await UserQueries.roles(of: target.requireID(), on: app.db) == [.inspector])
            try await app.testing().test(.PUT, "/api/v1/users/\(target.id!.uuidString)/grants", headers: headers,
                                         body: ByteBuffer(string: "{\"roles\": [\"inspector\", \"archivist\"]}")) { res async in
                #expect(res.status == .noContent)
            }
            #expect(try await UserQueries.roles(of: target.requireID(), on: app.db) == [.inspector, .archivist])
            #expect(app.openAPIJSON.contains("\"required\":[\"roles\"]"), "the document says roles is required")
        }
    }

    @Test func percentInTheUserSearchMatchesNothingRatherThanEverything() async throws {
        try await withTestApp { app in
            _ = try await app.makeUser("alpha1", roles: [.inspector])
            let rows = try await UserQueries.list(search: "%", now: app.clock.now(), on: app.db).rows
            #expect(rows.count == 1, "an all-wildcard search is no search: the full list")
            let none = try await UserQueries.list(search: "%zzz%", now: app.clock.now(), on: app.db).rows
            #expect(none.isEmpty)
        }
    }
}

@Suite("Characters the database refuses")
struct NulCharacterTests {
    @Test func aNulCharacterInASearchIsBadInputNotAFailure() async throws {
        try await withTestApp { app in
            // given
            let admin = try await app.makeUser("sys1", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            // when
            try await app.testing().test(.GET, "/app/admin/users?q=%C3%B9l%00x", headers: browser.headers) { res async in
                // then: PostgreSQL refuses NUL in text (400 with a Chinese message); SQLite stores it (200)
                #expect(res.status == (testingPostgres ? .badRequest : .ok))
                #expect(res.status != .internalServerError)
            }
        }
    }
}
