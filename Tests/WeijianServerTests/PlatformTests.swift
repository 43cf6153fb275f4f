import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Platform services")
struct PlatformTests {
    @Test(arguments: [
        (0.0, "1970-01-01 08:00"),
        (1_795_881_540.0, "2026-11-28 23:59"),
        (1_795_881_600.0, "2026-11-29 00:00"),
        (-3_600.0 * 9, "1969-12-31 23:00"),
    ])
    func timesShowInChinaStandardTime(instant: Double, shown: String) {
        #expect(Format.dateTime(Date(timeIntervalSince1970: instant)) == shown)
    }

    @Test func concurrentNumberAllocationsNeverDuplicateOrSkip() async throws {
        try await withTestApp { app in
            // when
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<60 {
                    group.addTask { try await Numbering.allocate(scheme: "case", organ: "X卫", year: 2026, on: app.db) }
                }
                var all: [Int] = []
                for try await number in group { all.append(number) }
                return all
            }
            // then
            #expect(numbers.sorted() == Array(1...60))
            #expect(try await Numbering.allocate(scheme: "case", organ: "X卫", year: 2027, on: app.db) == 1)
        }
    }

    @Test func aNumberInARolledBackTransactionIsIssuedAgainAndAVoidedNumberIsRegistered() async throws {
        try await withTestApp { app in
            // given
            _ = try await Numbering.allocate(scheme: "doc", organ: "A", year: 2026, on: app.db)
            // when
            await #expect(throws: (any Error).self) {
                try await app.db.writeTransaction { tx in
                    _ = try await Numbering.allocate(scheme: "doc", organ: "A", year: 2026, on: tx)
                    throw Abort(.badRequest, reason: "记录未通过校验")
                }
            }
            let next = try await Numbering.allocate(scheme: "doc", organ: "A", year: 2026, on: app.db)
            try await Numbering.void(scheme: "doc", organ: "A", year: 2026, value: 2, reason: "文书打印错误", by: app.systemCaller)
            // then
            #expect(next == 2)
            #expect(try await Numbering.isVoided(scheme: "doc", organ: "A", year: 2026, value: 2, on: app.db))
            await #expect(throws: (any Error).self) {
                try await Numbering.void(scheme: "doc", organ: "A", year: 2026, value: 9, reason: "未发出", by: app.systemCaller)
            }
        }
    }

    @Test func chineseSearchFindsTwoCharacterSubstringsOnThisEngine() async throws {
        try await withTestApp { app in
            // given
            try await SearchIndex.index(type: "demo", id: "a", text: "福州市鼓楼区某某宾馆有限公司", on: app.db)
            try await SearchIndex.index(type: "demo", id: "b", text: "仓山区游泳馆", on: app.db)
            try await SearchIndex.index(type: "demo", id: "c", text: "台江区泳池管理处 91350100M000100Y43", on: app.db)
            func find(_ query: String) async throws -> [String] {
                guard let match = SearchIndex.matching(type: "demo", query: query, column: "doc_id", uuidIDs: false, on: app.db) else { return [] }
                return try await app.db.sql.select().column("doc_id").from("search_docs").where("doc_type", .equal, "demo").where(match)
                    .orderBy("doc_id").all().map { try $0.decode(column: "doc_id", as: String.self) }
            }
            // then
            #expect(try await find("宾馆") == ["a"])
            #expect(try await find("泳池") == ["c"])
            #expect(try await find("游泳") == ["b"])
            #expect(try await find("91350100m000100y43") == ["c"])
            try await SearchIndex.remove(type: "demo", id: "a", on: app.db)
            #expect(try await find("宾馆") == [])
        }
    }

    @Test func theSQLiteDatabaseUsesWALAndFullSynchronousCommits() async throws {
        guard !testingPostgres else { return }
        try await withTestApp { app in
            let mode = try await app.db.sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            let sync = try await app.db.sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            #expect(mode == "wal")
            #expect(sync == 2)
        }
    }

    @Test func deadlinesUseTheHolidayTableInTheDatabaseAndExplainThemselves() async throws {
        try await withTestApp { app in
            // given
            let sysadmin = try await app.makeUser("cal", roles: [.sysadmin])
            let browser = try await app.signIn(sysadmin)
            // when
            try await app.testing().test(.GET, "/app/calendar?rule=info.review&from=2026-02-13", headers: browser.headers) { res async in
                // then
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"due\">2026-02-27"))
                #expect(res.body.string.contains("2026-02-14"))
            }
            try await app.testing().test(.GET, "/app/calendar?rule=info.review&from=2026-02-31", headers: browser.headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("起算事件日期"))
            }
            try await app.testing().test(.GET, "/app/calendar?rule=info.review&from=2026-12-30", headers: browser.headers) { res async in
                #expect(res.body.string.contains("暂定"))
            }
            try await app.testing().test(.POST, "/app/admin/calendar", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "from": "2027-01-01", "to": "2027-01-03", "kind": "holiday", "name": "元旦"])) { res async in
                #expect(res.status == .seeOther)
            }
            #expect(try await CalendarStore.load(on: app.db).isCovered(year: 2027) == false, "one entry does not complete a year")
            try await app.testing().test(.GET, "/app/calendar?rule=licence.decision&from=2027-02-01", headers: browser.headers) { res async in
                #expect(res.body.string.contains("暂定"))
            }
            try await app.testing().test(.POST, "/app/admin/calendar", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "from": "2027-01-04", "kind": "workday", "name": "调休"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("调休上班只能设在周六或周日"))
            }
            try await app.testing().test(.POST, "/app/admin/calendar/years/2027", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "covered": "1"])) { res async in
                #expect(res.status == .seeOther)
            }
            let calendar = try await CalendarStore.load(on: app.db)
            #expect(calendar.isCovered(year: 2027))
            #expect(!calendar.isWorkingDay(LocalDate(year: 2027, month: 1, day: 1)!))
        }
    }

    @Test func schedulerLeaseGoesToOneHolderUntilItExpires() async throws {
        try await withTestApp { app in
            let now = app.clock.now()
            let first = try await Scheduler.acquireLease("job", holder: "node-a", for: 60, on: app.db, now: now)
            let competing = try await Scheduler.acquireLease("job", holder: "node-b", for: 60, on: app.db, now: now)
            let afterExpiry = try await Scheduler.acquireLease("job", holder: "node-b", for: 60, on: app.db, now: now.addingTimeInterval(120))
            #expect(first)
            #expect(!competing)
            #expect(afterExpiry)
        }
    }

    @Test func healthReadinessAndMetricsAnswer() async throws {
        try await withTestApp { app in
            try await app.testing().test(.GET, "/healthz") { res async in #expect(res.status == .ok) }
            try await app.testing().test(.GET, "/readyz") { res async in #expect(res.body.string.contains("ready")) }
            try await app.testing().test(.GET, "/") { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("卫生监督所"))
            }
        }
    }

    @Test func settingsRejectABadPortNamingTheVariable() {
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["WEIJIAN_PORT": "eighty"]) }
        do {
            _ = try Settings.fromEnvironment(["WEIJIAN_PORT": "70000"])
            Issue.record("a port out of range was accepted")
        } catch {
            #expect("\(error)".contains("WEIJIAN_PORT"))
        }
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["DATABASE_URL": "mysql://x"]) }
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["WEIJIAN_HOST": "0.0.0.0"]) }
        #expect((try? Settings.fromEnvironment([:]))?.port == 8080)
    }
}

@Suite("Account administration")
struct AccountAdministrationTests {
    @Test func badInputNamesEveryFieldAndNothingIsSaved() async throws {
        try await withTestApp { app in
            // given
            let admin = try await app.makeUser("adm", roles: [.sysadmin])
            let browser = try await app.signIn(admin)
            let before = try await User.query(on: app.db).count()
            // when
            try await app.testing().test(.POST, "/app/admin/users", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "username": "9bad name", "displayName": "", "phone": "12345", "idNumber": "110105194902300020"])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("用户名：格式不符"))
                #expect(html.contains("姓名：必填"))
                #expect(html.contains("联系电话"))
                #expect(html.contains("身份证号：第7–14位出生日期"))
            }
            #expect(try await User.query(on: app.db).count() == before)
        }
    }

    @Test func theAPIRejectsBadJSONWithAChineseFieldMessage() async throws {
        try await withTestApp { app in
            let admin = try await app.makeUser("adm2", roles: [.sysadmin])
            let token = APIToken()
            token.name = "t"; token.tokenHash = WeijianServer.Sessions.hash("wjt_x"); token.prefix = "wjt_x"; token.$user.id = try admin.requireID(); token.createdAt = app.clock.now()
            try await token.create(on: app.db)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: "wjt_x")
            headers.contentType = .json
            try await app.testing().test(.POST, "/api/v1/departments", headers: headers, body: ByteBuffer(string: "{\"code\": 5}")) { res async in
                #expect(res.status == .badRequest)
                #expect(res.body.string.contains("字段“code”"))
            }
            try await app.testing().test(.POST, "/api/v1/departments", headers: headers, body: ByteBuffer(string: "{\"code\": \"\", \"name\": \"\"}")) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("科室代码"))
                #expect(res.body.string.contains("科室名称"))
            }
            try await app.testing().test(.POST, "/api/v1/departments", headers: headers, body: ByteBuffer(string: "{\"code\": \"JD\", \"name\": \"监督一科\"}")) { res async in
                #expect(res.status == .created)
            }
        }
    }

    @Test func disablingAnAccountEndsItsSessionsAndTheLastSystemAdministratorCannotBeDisabled() async throws {
        try await withTestApp { app in
            // given
            let admin = try await app.makeUser("onlyadmin", roles: [.sysadmin])
            let inspector = try await app.makeUser("leaving", roles: [.inspector])
            let inspectorBrowser = try await app.signIn(inspector)
            // when
            try await UserQueries.setActive(false, user: inspector, by: app.systemCaller)
            // then
            try await app.testing().test(.GET, "/app", headers: inspectorBrowser.headers) { res async in #expect(res.status == .seeOther) }
            await #expect(throws: ValidationError.self) {
                try await UserQueries.setActive(false, user: admin, by: app.systemCaller)
            }
        }
    }

    @Test func firstStartCreatesThreeSeparatedAdministratorsOnce() async throws {
        try await withTestApp { app in
            let created = try await Bootstrap.createAdministratorsIfNeeded(app)
            #expect(created.map(\.username) == ["sysadmin", "secadmin", "auditor"])
            #expect(Set(created.map(\.password)).count == 3)
            #expect(try await Bootstrap.createAdministratorsIfNeeded(app).isEmpty)
            let sysadmin = try await UserQueries.find("sysadmin", on: app.db)
            #expect(sysadmin.mustChangePassword)
            #expect(try await UserQueries.roles(of: sysadmin.requireID(), on: app.db) == [.sysadmin])
        }
    }

    @Test func theAccountReviewListsAccountsUnusedForNinetyDays() async throws {
        try await withTestApp { app in
            let admin = try await app.makeUser("rev", roles: [.sysadmin])
            _ = try await app.makeUser("stale", roles: [.inspector])
            app.clock.advance(by: 91 * 86_400)
            let browser = try await app.signIn(admin)
            try await app.testing().test(.GET, "/app/admin/account-review", headers: browser.headers) { res async in
                #expect(res.body.string.contains("stale"))
            }
            try await Jobs.remindAccountReview(app)
            let items = try await Inbox.items(for: admin.requireID(), on: app.db)
            #expect(items.contains { $0.title.contains("未使用") })
        }
    }
}

@Suite("The signed-in page's frame")
struct PageFrameTests {
    @Test func theNavigationShowsWhatTheRolesOpenAndMarksTheCurrentPage() async throws {
        try await withTestApp { app in
            let inspector = try await app.signIn(try await app.makeUser("nav-inspector", roles: [.inspector]))
            let auditor = try await app.signIn(try await app.makeUser("nav-auditor", roles: [.auditor]))
            try await app.testing().test(.GET, "/app", headers: inspector.headers) { res async in
                let html = res.body.string
                #expect(res.status == .ok)
                #expect(html.contains("<a href=\"/app\" aria-current=\"page\">待办与提醒</a>"))
                #expect(html.contains("<a href=\"/app/entities\">被监督单位</a>"))
                #expect(!html.contains("/app/audit\""))
                #expect(html.components(separatedBy: "aria-current").count == 2)
            }
            try await app.testing().test(.GET, "/app/audit", headers: auditor.headers) { res async in
                let html = res.body.string
                #expect(html.contains("<a href=\"/app/audit\" aria-current=\"page\">审计日志</a>"))
                #expect(!html.contains("/app/entities/new\""))
            }
        }
    }

    @Test func theSessionReadOnEveryRequestMatchesFluentsLoadingAndASaveWritesOnlyWhatChanged() async throws {
        try await withTestApp { app in
            let user = try await app.makeUser("session-reader", roles: [.inspector], totp: true)
            let browser = try await app.signIn(user)
            guard let session = try await SessionAuthenticator.session(Sessions.hash(browser.cookie), on: app.db), let loaded = session.user else {
                Issue.record("no session")
                return
            }
            // Every column is read: the models encode exactly as Fluent's own loading.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let fluentUser = try #require(try await User.find(browser.userID, on: app.db))
            let fluentSession = try #require(try await UserSession.query(on: app.db).filter(\.$tokenHash == Sessions.hash(browser.cookie)).with(\.$user).first())
            #expect(try encoder.encode(loaded) == encoder.encode(fluentUser))
            #expect(try encoder.encode(session) == encoder.encode(fluentSession))
            #expect(!session.hasChanges)
            #expect(!loaded.hasChanges)
            // Another request raises the authorization version and counts a failure meanwhile; this
            // request's save of one field must not put the old values back.
            try await app.db.sql.raw("UPDATE users SET authz_version = authz_version + 5, failed_attempts = 3 WHERE id = \(bind: browser.userID)").run()
            loaded.lastLoginAt = app.clock.now()
            try await loaded.save(on: app.db)
            let after = try #require(try await User.find(browser.userID, on: app.db))
            #expect(after.authorizationVersion == fluentUser.authorizationVersion + 5)
            #expect(after.failedAttempts == 3)
            session.flash = "已保存"
            try await session.save(on: app.db)
            #expect(try await UserSession.query(on: app.db).filter(\.$tokenHash == Sessions.hash(browser.cookie)).first()?.flash == "已保存")
        }
    }

    @Test func htmlDrawnInSwiftIsEscaped() {
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("被监督单位") == "被监督单位")
    }

    @Test func randomTokensAreBase64URLOfTheAskedLengthAndDiffer() {
        for bytes in [1, 2, 3, 16, 24, 32] {
            let token = Sessions.randomToken(bytes: bytes)
            #expect(token.count == (bytes * 4 + 2) / 3)
            #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            var padded = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while padded.count % 4 != 0 { padded += "=" }
            #expect(Data(base64Encoded: padded)?.count == bytes)
        }
        let many = Set((0..<1000).map { _ in Sessions.randomToken(bytes: 16) })
        #expect(many.count == 1000)
    }
}
