import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Sign-in")
struct SignInTests {
    /// GETs the login page for an anonymous session, then posts the credentials.
    func attemptLogin(_ app: Application, username: String, password: String) async throws -> (status: HTTPStatus, body: String, cookie: String?, location: String?) {
        var cookie: String?
        var csrf = ""
        try await app.testing().test(.GET, "/app/login") { res async in
            cookie = cookieValue(res, WeijianServer.Sessions.cookieName)
            csrf = csrfToken(in: res.body.string) ?? ""
        }
        var result: (HTTPStatus, String, String?, String?) = (.ok, "", nil, nil)
        try await app.testing().test(.POST, "/app/login", headers: .formHeaders(cookie: cookie),
                                     body: form(["_csrf": csrf, "username": username, "password": password])) { res async in
            result = (res.status, res.body.string, cookieValue(res, WeijianServer.Sessions.cookieName), res.headers.first(name: .location))
        }
        return result
    }

    @Test func theSixthAttemptAfterFiveWrongPasswordsIsRefusedEvenWithTheRightPasswordUntilThirtyMinutesPass() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            try await app.makeUser("wangwu", roles: [.inspector], password: "Correct#Horse9")
            // when
            for attempt in 1...5 {
                let wrong = try await attemptLogin(app, username: "wangwu", password: "Wrong#Password\(attempt)")
                #expect(wrong.status == .unauthorized)
                if attempt < 5 { #expect(wrong.body.contains("用户名或密码错误")) }
            }
            let sixth = try await attemptLogin(app, username: "wangwu", password: "Correct#Horse9")
            // then
            #expect(sixth.status == .unauthorized)
            #expect(sixth.body.contains("已锁定"))
            #expect(try await app.auditActions().contains("account.locked"))
            app.clock.advance(by: 29 * 60)
            #expect(try await attemptLogin(app, username: "wangwu", password: "Correct#Horse9").body.contains("已锁定"))
            app.clock.advance(by: 2 * 60)
            let later = try await attemptLogin(app, username: "wangwu", password: "Correct#Horse9")
            #expect(later.status == .seeOther)
            #expect(later.location == "/app")
        }
    }

    @Test func aFreshAccountMustChangeItsPasswordThenEnrolTOTPBeforeReachingTheHomePage() async throws {
        try await withTestApp { app in
            // given
            let (user, oneTime) = try await UserQueries.create(.init(username: "lisi", displayName: "李四"), by: app.systemCaller, app: app)
            // when
            let login = try await attemptLogin(app, username: "lisi", password: oneTime)
            // then: a new session id and the forced password change
            #expect(login.location == "/app/account/password")
            let cookie = try #require(login.cookie)
            try await app.testing().test(.GET, "/app", headers: .formHeaders(cookie: cookie)) { res async in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/app/account/password")
            }
            var csrf = ""
            try await app.testing().test(.GET, "/app/account/password", headers: .formHeaders(cookie: cookie)) { res async in
                csrf = csrfToken(in: res.body.string) ?? ""
            }
            try await app.testing().test(.POST, "/app/account/password", headers: .formHeaders(cookie: cookie),
                                         body: form(["_csrf": csrf, "currentPassword": oneTime, "newPassword": "short", "confirmPassword": "short"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("新密码：至少12个字符"))
            }
            try await app.testing().test(.POST, "/app/account/password", headers: .formHeaders(cookie: cookie),
                                         body: form(["_csrf": csrf, "currentPassword": oneTime, "newPassword": "Better#Pass2026", "confirmPassword": "Better#Pass2026"])) { res async in
                #expect(res.headers.first(name: .location) == "/app/account/totp")
            }
            var secret = ""
            try await app.testing().test(.GET, "/app/account/totp", headers: .formHeaders(cookie: cookie)) { res async in
                let html = res.body.string
                if let start = html.range(of: "id=\"totp-secret\">"), let end = html[start.upperBound...].range(of: "<") {
                    secret = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: " ", with: "")
                }
            }
            let code = TOTP(secret: try #require(Base32.decode(secret))).code(at: app.clock.now())
            try await app.testing().test(.POST, "/app/account/totp", headers: .formHeaders(cookie: cookie), body: form(["_csrf": csrf, "code": code])) { res async in
                #expect(res.headers.first(name: .location) == "/app")
            }
            try await app.testing().test(.GET, "/app", headers: .formHeaders(cookie: cookie)) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("李四，您好"))
            }
            let saved = try #require(try await User.find(user.id, on: app.db))
            #expect(saved.totpEnabled)
            #expect(saved.mustChangePassword == false)
            #expect(try await app.auditActions().contains("login.success"))
        }
    }

    @Test func anEnrolledUserNeedsTheCurrentCodeAndAReplayedCodeIsRefused() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("zhaoliu", roles: [.inspector], totp: true)
            let login = try await attemptLogin(app, username: "zhaoliu", password: "Correct#Horse9")
            #expect(login.location == "/app/login/second-factor")
            let cookie = try #require(login.cookie)
            var csrf = ""
            try await app.testing().test(.GET, "/app/login/second-factor", headers: .formHeaders(cookie: cookie)) { res async in csrf = csrfToken(in: res.body.string) ?? "" }
            let code = TOTP(secret: Array("12345678901234567890".utf8)).code(at: app.clock.now())
            // when
            try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: cookie), body: form(["_csrf": csrf, "code": "000000"])) { res async in
                // then
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("动态验证码"))
            }
            try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: cookie), body: form(["_csrf": csrf, "code": code])) { res async in
                #expect(res.headers.first(name: .location) == "/app")
            }
            let second = try await attemptLogin(app, username: "zhaoliu", password: "Correct#Horse9")
            let cookie2 = try #require(second.cookie)
            var csrf2 = ""
            try await app.testing().test(.GET, "/app/login/second-factor", headers: .formHeaders(cookie: cookie2)) { res async in csrf2 = csrfToken(in: res.body.string) ?? "" }
            try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: cookie2), body: form(["_csrf": csrf2, "code": code])) { res async in
                #expect(res.status == .unauthorized)
            }
            _ = user
        }
    }

    @Test func aFormPostWithoutTheSessionsCSRFTokenIsRefused() async throws {
        try await withTestApp { app in
            // given
            let admin = try await app.makeUser("admin1", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            // when
            try await app.testing().test(.POST, "/app/admin/departments", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": "forged", "code": "X1", "name": "伪造科室"])) { res async in
                // then
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("CSRF"))
            }
            #expect(try await Department.query(on: app.db).count() == 0)
        }
    }

    @Test func aSessionIdleForLongerThanTheTimeoutEndsAndSignOutKillsTheSession() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("idle", roles: [.inspector])
            let browser = try await app.signIn(user)
            // when
            app.clock.advance(by: 31 * 60)
            // then
            var location = ""
            try await app.testing().test(.GET, "/app", headers: browser.headers) { res async in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasSuffix("&expired=1"))
            #expect(try await UserSession.query(on: app.db).count() == 0)
            try await app.testing().test(.GET, location) { res async in
                #expect(res.body.string.contains("会话已结束"))
            }
            let again = try await app.signIn(user)
            try await app.testing().test(.POST, "/app/logout", headers: .formHeaders(cookie: again.cookie), body: form(["_csrf": again.csrf])) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/app", headers: again.headers) { res async in
                #expect(res.status == .seeOther)
            }
        }
    }

    @Test func theSessionCookieIsHttpOnlyAndSameSiteStrictAndEveryResponseCarriesSecurityHeaders() async throws {
        try await withTestApp { app in
            try await app.testing().test(.GET, "/app/login") { res async in
                let setCookie = res.headers[.setCookie].joined(separator: " ")
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Strict"))
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.headers.first(name: "Referrer-Policy") == "same-origin")
            }
        }
    }
}
