import ConsoleKit
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Command line")
struct CommandTests {
    func run(_ command: some AsyncCommand, _ arguments: [String], app: Application) async throws {
        var context = CommandContext(console: app.console, input: CommandInput(arguments: ["weijian"] + arguments))
        context.application = app
        try await command.run(using: &context)
    }

    @Test func auditVerifyPassesOnAnIntactLogAndNamesTheEventChangedWithSQL() async throws {
        try await withTestApp { app in
            // given
            try await run(AdminCommand(), ["create", "--username", "wang", "--name", "王五", "--role", "inspector"], app: app)
            try await run(AdminCommand(), ["disable", "--username", "wang"], app: app)
            try await run(AuditVerifyCommand(), [], app: app)
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            // when
            if app.db.engine == .sqlite {
                try await app.db.sql.raw("DROP TRIGGER audit_events_no_update").run()
            } else {
                try await app.db.sql.raw("DROP TRIGGER audit_events_no_change ON audit_events").run()
            }
            try await app.db.sql.raw("UPDATE audit_events SET details = '{}' WHERE seq = 2").run()
            // then
            do {
                try await run(AuditVerifyCommand(), [], app: app)
                Issue.record("audit-verify passed on a changed log")
            } catch {
                #expect("\(error)".contains("第2号"))
            }
        }
    }

    @Test func adminCommandsAreAuditedAsTheOperatorAndBadArgumentsGetTheUsage() async throws {
        try await withTestApp { app in
            // when
            try await run(AdminCommand(), ["create", "--username", "lisi", "--name", "李四"], app: app)
            try await run(AdminCommand(), ["reset", "--username", "lisi", "--second-factor"], app: app)
            // then
            let actors = try await app.db.sql.select().column("actor_name").from("audit_events")
                .where("action", .in, ["user.create", "user.resetPassword"]).all().map { try $0.decode(column: "actor_name", as: String.self) }
            #expect(actors.count == 2)
            #expect(actors.allSatisfy { $0.hasPrefix("服务器操作员") })
            await #expect(throws: (any Error).self) { try await run(AdminCommand(), ["explode"], app: app) }
            do {
                try await run(AdminCommand(), ["disable"], app: app)
                Issue.record("disable without --username was accepted")
            } catch {
                #expect("\(error)".contains("--username"))
            }
            await #expect(throws: (any Error).self) { try await run(AdminCommand(), ["create", "--username", "xone", "--name", "甲", "--role", "sysadmin,auditor"], app: app) }
        }
    }

    @Test func keysRotateReencryptsAndKeepsTheAuditChainVerifiable() async throws {
        try await withTestApp { app in
            var input = UserQueries.NewUser(username: "keyuser", displayName: "甲")
            input.profile = .init(phone: "13600001111")
            _ = try await UserQueries.create(input, by: app.systemCaller, app: app)
            try await run(KeysCommand(), ["rotate"], app: app)
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            #expect(result.isIntact)
            #expect(result.lastSealedSequence > 0)
            #expect(app.keyStore.summary.filter { $0.kind == "审计签名密钥" }.count == 2)
        }
    }
}

@Suite("Passwords and tokens")
struct PasswordAndTokenTests {
    @Test func aPasswordOlderThanNinetyDaysMustBeChangedAtSignIn() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            try await app.makeUser("old", roles: [.inspector])
            app.clock.advance(by: 91 * 86_400)
            var cookie: String?
            var csrf = ""
            try await app.testing().test(.GET, "/app/login") { res async in
                cookie = cookieValue(res, WeijianServer.Sessions.cookieName)
                csrf = csrfToken(in: res.body.string) ?? ""
            }
            // when / then
            try await app.testing().test(.POST, "/app/login", headers: .formHeaders(cookie: cookie),
                                         body: form(["_csrf": csrf, "username": "old", "password": "Correct#Horse9"])) { res async in
                #expect(res.headers.first(name: .location) == "/app/account/password")
            }
        }
    }

    @Test func aUserIssuesAnAPITokenUsesItAndRevokesIt() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("api", roles: [.inspector])
            let browser = try await app.signIn(user)
            var token = ""
            // when
            try await app.testing().test(.POST, "/app/account/tokens", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "报表脚本", "validDays": "30", "password": "Correct#Horse9"])) { res async in
                let html = res.body.string
                if let start = html.range(of: "id=\"new-token\">"), let end = html[start.upperBound...].range(of: "<") {
                    token = String(html[start.upperBound..<end.lowerBound])
                }
            }
            #expect(token.hasPrefix("wjt_"))
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            try await app.testing().test(.GET, "/api/v1/me", headers: headers) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("\"username\":\"api\""))
            }
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash != token)
            try await app.testing().test(.DELETE, "/api/v1/tokens/\(stored.id!.uuidString)", headers: headers) { res async in
                #expect(res.status == .noContent)
            }
            // then
            try await app.testing().test(.GET, "/api/v1/me", headers: headers) { res async in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("token.invalid"))
            }
            try await app.testing().test(.POST, "/app/account/tokens", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "", "validDays": "999"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("令牌名称：必填"))
                #expect(res.body.string.contains("有效天数"))
            }
        }
    }
}

@Suite("Operator tokens")
struct OperatorTokenTests {
    @Test func anOperatorIssuedTokenWorksAndIsAudited() async throws {
        try await withTestApp { app in
            // given
            _ = try await app.makeUser("script", roles: [.leader])
            var context = CommandContext(console: app.console, input: CommandInput(arguments: ["weijian", "token", "--username", "script", "--name", "报表"]))
            context.application = app
            // when
            try await AdminCommand().run(using: &context)
            // then
            let token = try #require(try await APIToken.query(on: app.db).first())
            #expect(token.name == "报表")
            let event = try await app.db.sql.select().column("actor_name").from("audit_events").where("action", .equal, "token.issue").first()
            #expect(try event?.decode(column: "actor_name", as: String.self).hasPrefix("服务器操作员") == true)
        }
    }
}
