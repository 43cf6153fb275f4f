import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Signing in under parallel requests, and the answers that must not tell accounts apart (issue 10).
@Suite("Sign-in guards")
struct SignInGuardTests {
    /// An anonymous session with its CSRF token, ready to post the sign-in form.
    func anonymousSession(_ app: Application) async throws -> (cookie: String?, csrf: String) {
        var cookie: String?
        var csrf = ""
        try await app.testing().test(.GET, "/app/login") { res async in
            cookie = cookieValue(res, WeijianServer.Sessions.cookieName)
            csrf = csrfToken(in: res.body.string) ?? ""
        }
        return (cookie, csrf)
    }

    func post(_ app: Application, session: (cookie: String?, csrf: String), username: String, password: String) async throws -> (status: HTTPStatus, body: String, location: String?, cookie: String?) {
        var result: (HTTPStatus, String, String?, String?) = (.ok, "", nil, nil)
        try await app.testing().test(.POST, "/app/login", headers: .formHeaders(cookie: session.cookie),
                                     body: form(["_csrf": session.csrf, "username": username, "password": password])) { res async in
            result = (res.status, res.body.string, res.headers.first(name: .location), cookieValue(res, WeijianServer.Sessions.cookieName))
        }
        return result
    }

    func count(_ app: Application, action: String) async throws -> Int {
        try await app.db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_events")
            .where("action", .equal, action).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test func twentyParallelWrongPasswordsLockTheAccountOnceAndTheRightPasswordIsThenRefused() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let user = try await app.makeUser("wang", roles: [.inspector], password: "Correct#Horse9")
            var opened: [(cookie: String?, csrf: String)] = []
            for _ in 0..<20 { opened.append(try await anonymousSession(app)) }
            let sessions = opened
            // when
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (index, session) in sessions.enumerated() {
                    group.addTask { try await post(app, session: session, username: "wang", password: "Wrong#Guess\(index)").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            #expect(statuses.allSatisfy { $0 == .unauthorized })
            let stored = try #require(try await User.find(user.id, on: app.db))
            #expect((stored.lockedUntil ?? .distantPast) > app.clock.now())
            #expect(try await count(app, action: "account.locked") == 1)
            // Requests that arrive after the lock are refused before their password is checked.
            #expect(try await count(app, action: "login.failed") + count(app, action: "login.refused") == 20)
            let right = try await post(app, session: try await anonymousSession(app), username: "wang", password: "Correct#Horse9")
            #expect(right.status == .unauthorized)
            #expect(right.location == nil)
        }
    }

    @Test func theRightPasswordAmongParallelWrongOnesIsRefusedOnceTheFifthFailureLocked() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let user = try await app.makeUser("li", roles: [.inspector], password: "Correct#Horse9")
            var opened: [(cookie: String?, csrf: String)] = []
            for _ in 0..<20 { opened.append(try await anonymousSession(app)) }
            let sessions = opened
            // when: 19 wrong passwords in parallel; the right one is sent while they are still
            // arriving, as soon as five of them have been counted
            let answers = try await withThrowingTaskGroup(of: (Bool, HTTPStatus).self) { group in
                for index in 0..<19 {
                    group.addTask { (false, try await post(app, session: sessions[index], username: "li", password: "Wrong#Guess\(index)").status) }
                }
                group.addTask {
                    while try await count(app, action: "login.failed") < 5 { try await Task.sleep(nanoseconds: 2_000_000) }
                    return (true, try await post(app, session: sessions[19], username: "li", password: "Correct#Horse9").status)
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            #expect(answers.first { $0.0 }?.1 == .unauthorized)
            #expect(answers.filter { !$0.0 }.allSatisfy { $0.1 == .unauthorized })
            let stored = try #require(try await User.find(user.id, on: app.db))
            #expect((stored.lockedUntil ?? .distantPast) > app.clock.now())
            #expect(try await UserSession.query(on: app.db).filter(\.$user.$id == user.requireID()).count() == 0)
        }
    }

    @Test func oneSecondFactorCodeOpensExactlyOneOfSixParallelSessions() async throws {
        try await withTestApp { app in
            // given: six sessions of one account waiting at the second-factor step
            let user = try await app.makeUser("zhou", roles: [.inspector], totp: true)
            var waiting: [(cookie: String, csrf: String)] = []
            for _ in 0..<6 {
                let login = try await post(app, session: try await anonymousSession(app), username: "zhou", password: "Correct#Horse9")
                #expect(login.location == "/app/login/second-factor")
                let cookie = try #require(login.cookie)
                var csrf = ""
                try await app.testing().test(.GET, "/app/login/second-factor", headers: .formHeaders(cookie: cookie)) { res async in csrf = csrfToken(in: res.body.string) ?? "" }
                waiting.append((cookie, csrf))
            }
            let code = TOTP(secret: Array("12345678901234567890".utf8)).code(at: app.clock.now())
            let sessions = waiting
            // when
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for session in sessions {
                    group.addTask {
                        var answer = (HTTPStatus.ok, "")
                        try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: session.cookie),
                                                     body: form(["_csrf": session.csrf, "code": code])) { res async in
                            answer = (res.status, res.headers.first(name: .location) ?? "")
                        }
                        return answer
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // (the five refused codes are five failures: the threshold may lock the account as well)
            #expect(answers.filter { $0.1 == "/app" }.count == 1)
            #expect(answers.filter { $0.1 != "/app" }.allSatisfy { $0.0 == .unauthorized || $0.1 == "/app/login?locked=1" })
            // then
            #expect(try await count(app, action: "login.success") == 1)
            _ = user
        }
    }

    @Test func twelveParallelWrongCodesLockTheAccountAfterTheThreshold() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("zheng", roles: [.inspector], totp: true)
            var waiting: [(cookie: String, csrf: String)] = []
            for _ in 0..<12 {
                let login = try await post(app, session: try await anonymousSession(app), username: "zheng", password: "Correct#Horse9")
                let cookie = try #require(login.cookie)
                var csrf = ""
                try await app.testing().test(.GET, "/app/login/second-factor", headers: .formHeaders(cookie: cookie)) { res async in csrf = csrfToken(in: res.body.string) ?? "" }
                waiting.append((cookie, csrf))
            }
            let sessions = waiting
            // when
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, session) in sessions.enumerated() {
                    group.addTask {
                        try await app.testing().test(.POST, "/app/login/second-factor", headers: .formHeaders(cookie: session.cookie),
                                                     body: form(["_csrf": session.csrf, "code": String(format: "%06d", 100_000 + index)])) { _ async in }
                    }
                }
                try await group.waitForAll()
            }
            // then
            let stored = try #require(try await User.find(user.id, on: app.db))
            #expect((stored.lockedUntil ?? .distantPast) > app.clock.now())
            #expect(try await count(app, action: "account.locked") == 1)
            #expect(try await count(app, action: "login.secondFactorFailed") == 12)
        }
    }

    @Test func anUnknownNameAndALockedAccountAnswerWithTheSameWordsAndUnknownNamesAreCounted() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            try await app.makeUser("sun", roles: [.inspector], password: "Correct#Horse9")
            for attempt in 0..<5 { _ = try await post(app, session: try await anonymousSession(app), username: "sun", password: "Wrong#\(attempt)") }
            for attempt in 0..<5 { _ = try await post(app, session: try await anonymousSession(app), username: "nosuchuser", password: "Wrong#\(attempt)") }
            // when
            let locked = try await post(app, session: try await anonymousSession(app), username: "sun", password: "Correct#Horse9")
            let unknown = try await post(app, session: try await anonymousSession(app), username: "nosuchuser", password: "Correct#Horse9")
            let wrong = try await post(app, session: try await anonymousSession(app), username: "sun", password: "Wrong#again")
            // then
            func message(_ body: String) -> String? {
                guard let start = body.range(of: "role=\"alert\">"), let end = body[start.upperBound...].range(of: "<") else { return nil }
                return String(body[start.upperBound..<end.lowerBound])
            }
            #expect(locked.status == .unauthorized && unknown.status == .unauthorized)
            #expect(message(locked.body) != nil)
            #expect(message(locked.body) == message(unknown.body))
            #expect(message(wrong.body) == message(unknown.body))
            #expect(!locked.body.contains("已锁定，请于"))
            let throttled = try await app.db.sql.select().columns("failed_attempts", "locked_until").from("sign_in_throttle").first()
            #expect(try throttled?.decode(column: "locked_until", as: Date?.self) != nil)
            let rows = try await app.db.sql.raw("SELECT name_key FROM sign_in_throttle").all()
            #expect(rows.count == 1)
            #expect(try rows[0].decode(column: "name_key", as: String.self) != "nosuchuser")
        }
    }

    @Test func aOneTimePasswordExpiresAfterThePolicysHoursAndAPassedSignInClearsTheFailureCount() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let (user, oneTime) = try await UserQueries.create(.init(username: "qian", displayName: "钱七"), by: app.systemCaller, app: app)
            _ = try await post(app, session: try await anonymousSession(app), username: "qian", password: "Wrong#1")
            _ = try await post(app, session: try await anonymousSession(app), username: "qian", password: "Wrong#2")
            // when: within 72 hours the one-time password opens the forced password change
            let first = try await post(app, session: try await anonymousSession(app), username: "qian", password: oneTime)
            // then
            #expect(first.location == "/app/account/password")
            #expect(try await User.find(user.id, on: app.db)?.failedAttempts == 0)
            // when: a second one-time password, unused for 73 hours
            let reset = try await UserQueries.resetPassword(user: try #require(try await User.find(user.id, on: app.db)), resetSecondFactor: false,
                                                            by: app.systemCaller, app: app)
            app.clock.advance(by: 73 * 3600)
            let late = try await post(app, session: try await anonymousSession(app), username: "qian", password: reset)
            // then
            #expect(late.status == .unauthorized)
            #expect(late.body.contains("一次性密码已过期"))
        }
    }

    @Test func aTokenCannotMintTokensAndTheWebFormAsksForThePasswordAgain() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let user = try await app.makeUser("feng", roles: [.inspector])
            let (_, token) = try await AccountController.issue(.init(name: "脚本", validDays: 30), userID: user.requireID(), by: app.systemCaller)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = .init(token: token)
            bearer.contentType = .json
            // when / then: no route issues tokens to a token
            try await app.testing().test(.POST, "/api/v1/tokens", headers: bearer, body: ByteBuffer(string: #"{"name":"长期","validDays":365}"#)) { res async in
                #expect(res.status == .methodNotAllowed || res.status == .notFound)
            }
            let browser = try await app.signIn(user)
            try await app.testing().test(.POST, "/app/account/tokens", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "报表", "validDays": "30"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("当前密码"))
            }
            try await app.testing().test(.POST, "/app/account/tokens", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "报表", "validDays": "30", "password": "Correct#Horse9"])) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("wjt_"))
            }
            #expect(try await APIToken.query(on: app.db).filter(\.$revokedAt == nil).count() == 2)
            // when: the password is changed with "revoke my tokens"
            try await app.testing().test(.POST, "/app/account/password", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "currentPassword": "Correct#Horse9", "newPassword": "Better#Pass2026x",
                                                     "confirmPassword": "Better#Pass2026x", "revokeTokens": "on"])) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            #expect(try await APIToken.query(on: app.db).filter(\.$revokedAt == nil).count() == 0)
            try await app.testing().test(.GET, "/api/v1/me", headers: bearer) { res async in #expect(res.status == .unauthorized) }
        }
    }
}
