import Foundation
import Testing
import Vapor
import VaporTesting
import Leaf
import WeijianCore
@testable import WeijianServer

@Suite("Limits: stated, early, and the typed form kept")
struct LimitsTests {
    static let bigPDF = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x20, count: 9 * 1024 * 1024)

    @Test func anOversizeAttachmentIsNamedWithItsSizeAndTheTypedFormComesBack() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            let unit = try await app.signIn(try await SubmissionTests.portalUser(app, for: entity))
            let fields = [("_csrf", unit.csrf), ("_once", "once-1"), ("kind", "selfInspection"), ("payload[inspectionDate]", "2026-11-20"),
                          ("payload[content]", "消毒记录齐全，详见附件")]
            // when
            try await app.testing().test(.POST, "/portal/submissions", headers: .multipartHeaders(cookie: unit.cookie),
                                         body: multipartForm(fields, files: [("files[]", "自查报告.pdf", Self.bigPDF)])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("附件1：“自查报告.pdf”大小为9 MB，超过单个文件8 MB的上限"), "\(html.prefix(3000))")
                #expect(html.contains("消毒记录齐全，详见附件"), "what was typed comes back")
            }
            #expect(try await Submission.query(on: app.db).count() == 0)
            // the same form with a small file then goes through with the same one-time token
            try await app.testing().test(.POST, "/portal/submissions", headers: .multipartHeaders(cookie: unit.cookie),
                                         body: multipartForm(fields, files: [("files[]", "自查报告.pdf", AttachmentTests.pdf)])) { res async in
                #expect(res.status == .seeOther)
            }
        }
    }

    @Test(arguments: [("/portal/submissions", "multipart/form-data; boundary=x", 65, "单个附件不能超过8 MB"),
                      ("/app/import", "multipart/form-data; boundary=x", 65, "网页导入的文件不能超过10 MB"),
                      ("/app/entities", "application/x-www-form-urlencoded", 11, "一次提交不能超过10 MB"),
                      ("/api/v1/entities", "application/json", 11, "一次提交不能超过10 MB")])
    func aBodyOverItsLimitIsRefusedBeforeItIsReadStatingTheLimit(path: String, type: String, megabytes: Int, limit: String) async throws {
        try await withTestApp { app in
            // given: no session and no token: the size is answered before anything else
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: type)
            let body = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: megabytes * 1024 * 1024))
            // when
            try await app.testing().test(.POST, path, headers: headers, body: body) { res async in
                // then
                #expect(res.status == .payloadTooLarge)
                #expect(res.body.string.contains("提交的内容为\(megabytes) MB，超过上限"), "\(res.body.string.prefix(500))")
                #expect(res.body.string.contains(limit))
            }
        }
    }

    @Test func anImportFileOverTheWebLimitIsNamedAndTheChoicesKept() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.signIn(try await app.makeUser("info1", roles: [.infoOfficer]))
            let rows = [UInt8](repeating: UInt8(ascii: "a"), count: 11 * 1024 * 1024)
            // when
            try await app.testing().test(.POST, "/app/import", headers: .multipartHeaders(cookie: officer.cookie),
                                         body: multipartForm([("_csrf", officer.csrf), ("kind", "licences"), ("mode", "check"), ("updateExisting", "on")],
                                                             files: [("file", "许可证.csv", rows)])) { res async in
                // then
                #expect(res.status == .payloadTooLarge)
                let html = res.body.string
                #expect(html.contains("文件：“许可证.csv”大小为11 MB，超过单个文件10 MB的上限"))
                #expect(html.contains(#"<option value="licences" selected>"#), "the chosen kind stays chosen")
                #expect(html.contains(#"name="updateExisting" checked"#))
            }
        }
    }

    @Test func aQueryValueOverItsLimitIsRefusedNamingTheParameter() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.signIn(try await app.makeUser("info1", roles: [.infoOfficer]))
            let long = String(repeating: "a", count: 5000)
            // when / then
            try await app.testing().test(.GET, "/app/entities?q=\(long)", headers: officer.headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("查找内容：不能超过200个字符"))
            }
            try await app.testing().test(.GET, "/app/entities?q=\(String(repeating: "a", count: 150))", headers: officer.headers) { res async in
                #expect(res.status == .ok)
            }
        }
    }

    /// Every text box and text area of every page says how much it takes, so the browser stops the
    /// typing there instead of the server refusing the whole form.
    @Test func everyTextInputOfEveryTemplateHasAMaximumLength() throws {
        let views = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" } ?? []
        #expect(files.count > 30)
        let exempt = ["hidden", "checkbox", "radio", "file", "date", "submit", "password", "number"]
        var missing: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /<(input|textarea)\b[^>]*>/) {
                let tag = String(match.output.0)
                let type = tag.firstMatch(of: /type="([a-z]+)"/).map { String($0.output.1) } ?? "text"
                if match.output.1 == "input" && exempt.contains(type) { continue }
                if !tag.contains("maxlength=") { missing.append("\(file.lastPathComponent): \(tag)") }
            }
        }
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }
}

@Suite("Lists that used to stop silently")
struct PagedListTests {
    @Test func aUnitsHistoryIsPagedWithItsTotalOnThePageAndInTheAPI() async throws {
        try await withTestApp { app in
            // given: 61 history rows (the registration and 60 changes)
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let entity = try await app.makeEntity(.fixture(name: "历史很长的宾馆", creditCode: nil))
            for index in 1...60 {
                try await app.db.sql.raw("""
                    INSERT INTO entity_history (entity_id, at, actor_id, actor_name, action, changes, comment)
                    VALUES (\(bind: entity.id!), \(bind: Int64(index)), 'x', '测试', 'update', \(bind: "[{\"field\":\"从业人员数\",\"from\":\"\(index)\",\"to\":\"\(index + 1)\"}]"), '')
                    """).run()
            }
            let browser = try await app.signIn(officer)
            // when / then: the page says 61 and offers page 2, which holds the oldest
            try await app.testing().test(.GET, "/app/entities/\(entity.id!)", headers: browser.headers) { res async in
                #expect(res.body.string.contains("共 61 条 · 第 1/2 页"))
                #expect(res.body.string.contains("从业人员数：60 → 61"))
            }
            try await app.testing().test(.GET, "/app/entities/\(entity.id!)?page=2", headers: browser.headers) { res async in
                #expect(res.body.string.contains("从业人员数：10 → 11"))
                #expect(!res.body.string.contains("从业人员数：60 → 61"))
            }
            let history = try await EntityQueries.history(entity.id!, page: 2, on: app.db)
            #expect(history.total == 61 && history.rows.count == 11)
        }
    }

    @Test func theSystemLogIsPagedWithItsTotal() async throws {
        try await withTestApp { app in
            // given
            for index in 1...130 { await SystemLog.write(.info, category: "test", "第\(index)条", on: app.db, now: app.clock.now()) }
            let admin = try await app.signIn(try await app.makeUser("sys1", roles: [.sysadmin]))
            // when / then
            try await app.testing().test(.GET, "/app/admin/system-log?page=2", headers: admin.headers) { res async in
                #expect(res.body.string.contains("第 2/2 页"))
                #expect(res.body.string.contains("第1条") && !res.body.string.contains("第130条"))
            }
        }
    }

    @Test func aReminderRaisedByTwelveJobsAtOnceIsThereOnce() async throws {
        try await withTestApp { app in
            // given
            let user = try await app.makeUser("insp1", roles: [.inspector])
            // when
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await Inbox.notify(userID: user.id!, kind: .reminder, title: "许可证即将到期", dedupeKey: "licence-expiry:1",
                                               on: app.db, now: app.clock.now())
                    }
                }
                try await group.waitForAll()
            }
            try await Inbox.notify(userID: user.id!, kind: .reminder, title: "另一提醒", dedupeKey: "licence-expiry:2", on: app.db, now: app.clock.now())
            // then
            let items = try await Inbox.items(for: user.id!, on: app.db)
            #expect(items.filter { $0.title == "许可证即将到期" }.count == 1)
            #expect(items.count == 2)
        }
    }

    @Test func theInboxSaysHowManyAreUnreadBeyondThoseShown() async throws {
        try await withTestApp { app in
            // given: 55 tasks and 3 reminders
            let user = try await app.makeUser("insp1", roles: [.inspector])
            for index in 1...55 { try await Inbox.notify(userID: user.id!, kind: .task, title: "待办\(index)", on: app.db, now: app.clock.now()) }
            for index in 1...3 { try await Inbox.notify(userID: user.id!, kind: .reminder, title: "提醒\(index)", on: app.db, now: app.clock.now()) }
            let browser = try await app.signIn(user)
            // when / then
            try await app.testing().test(.GET, "/app", headers: browser.headers) { res async in
                #expect(res.body.string.contains("未读：待办55项，提醒3项；此处为最新50项"))
            }
        }
    }
}

@Suite("Templates")
struct TemplateCacheTests {
    /// Vapor's Leaf provider sets `isEnabled = false` on the shared cache at every render in the
    /// development environment (the one `weijian serve` runs in); ours keeps its setting.
    @Test func theTemplateCacheStaysOnWhateverTheEnvironmentAsksOfIt() async throws {
        try await withTestApp { app in
            let cache = try #require(app.leaf.cache as? TemplateCache)
            app.leaf.cache.isEnabled = false   // what the provider does in development
            #expect(cache.isEnabled && app.leaf.cache.isEnabled)
            // a page rendered twice is parsed once: the second render finds it cached
            let admin = try await app.signIn(try await app.makeUser("sys1", roles: [.sysadmin]))
            try await app.testing().test(.GET, "/app", headers: admin.headers) { res async in #expect(res.status == .ok) }
            let cached = cache.count
            try await app.testing().test(.GET, "/app", headers: admin.headers) { res async in #expect(res.status == .ok) }
            #expect(cached > 0 && cache.count == cached)
        }
    }
}
