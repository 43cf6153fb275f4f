import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Encryption, masking and audit of personal data")
struct DataProtectionTests {
    @Test func theSQLiteFileHoldsNoPlaintextOfAnEncryptedField() async throws {
        guard !testingPostgres else { return }
        try await withTestApp { app in
            // given
            var input = UserQueries.NewUser(username: "secret1", displayName: "王秘")
            input.profile = .init(phone: "13912345678", idNumber: "11010519491231002X")
            _ = try await UserQueries.create(input, by: app.systemCaller, app: app)
            // when
            try await app.db.sql.raw("PRAGMA wal_checkpoint(FULL)").run()
            var bytes = try Data(contentsOf: URL(fileURLWithPath: app.weijianSettings.sqlitePath))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: app.weijianSettings.sqlitePath + "-wal")) { bytes.append(wal) }
            // then
            #expect(bytes.range(of: Data("13912345678".utf8)) == nil)
            #expect(bytes.range(of: Data("11010519491231002X".utf8)) == nil)
            #expect(bytes.range(of: Data("王秘".utf8)) != nil, "the search reaches the file: a name that is stored in clear is found")
        }
    }

    @Test func theStaffDirectoryMasksPersonalDataAndARevealNeedsAPurposeAndIsAudited() async throws {
        try await withTestApp { app in
            // given
            let department = try await app.makeDepartment("JD", "监督一科")
            var input = UserQueries.NewUser(username: "zhang3", displayName: "张三", departmentID: department.id)
            input.profile = .init(phone: "13812345678", idNumber: "11010519491231002X")
            let (target, _) = try await UserQueries.create(input, by: app.systemCaller, app: app)
            let head = try await app.makeUser("head1", roles: [.departmentHead], department: department.id)
            let browser = try await app.signIn(head)
            // when
            try await app.testing().test(.GET, "/app/staff", headers: browser.headers) { res async in
                // then
                #expect(res.status == .ok)
                #expect(res.body.string.contains("138****5678"))
                #expect(res.body.string.contains("110105********002X"))
                #expect(!res.body.string.contains("13812345678"))
            }
            try await app.testing().test(.POST, "/app/staff/\(target.id!.uuidString)/reveal", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "field": "phone", "purpose": ""])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("查询用途"))
            }
            try await app.testing().test(.POST, "/app/staff/\(target.id!.uuidString)/reveal", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "field": "phone", "purpose": "执法联络"])) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("13812345678"))
            }
            let reveal = try await app.db.sql.select().columns("details", "outcome").from("audit_events").where("action", .equal, "personal.reveal").all()
            #expect(reveal.count == 1)
            #expect(try reveal[0].decode(column: "details", as: String.self).contains("执法联络"))
        }
    }

    @Test func anInspectorOfAnotherDepartmentDoesNotSeeTheStaffAndCannotRevealThem() async throws {
        try await withTestApp { app in
            // given
            let one = try await app.makeDepartment("D1", "一科")
            let two = try await app.makeDepartment("D2", "二科")
            var input = UserQueries.NewUser(username: "yike", displayName: "一科人员", departmentID: one.id)
            input.profile = .init(phone: "13800001111")
            let (member, _) = try await UserQueries.create(input, by: app.systemCaller, app: app)
            let outsider = try await app.makeUser("erke", name: "二科科长", roles: [.departmentHead], department: two.id)
            let browser = try await app.signIn(outsider)
            // when
            try await app.testing().test(.GET, "/app/staff", headers: browser.headers) { res async in
                // then
                #expect(!res.body.string.contains("一科人员"))
                #expect(res.body.string.contains("二科科长"))
            }
            try await app.testing().test(.POST, "/app/staff/\(member.id!.uuidString)/reveal", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "field": "phone", "purpose": "案件办理"])) { res async in
                #expect(res.status == .forbidden)
            }
        }
    }

    @Test func keyRotationReencryptsEveryFieldAndTheBlindIndexStillFindsThePhone() async throws {
        try await withTestApp { app in
            // given
            var input = UserQueries.NewUser(username: "rot1", displayName: "轮换")
            input.profile = .init(phone: "13700001234", idNumber: "440524188001010014")
            let (user, _) = try await UserQueries.create(input, by: app.systemCaller, app: app)
            let oldKey = app.keyStore.activeDataKeyID
            // when
            _ = try app.keyStore.rotate(now: app.clock.now().addingTimeInterval(1))
            let count = try await KeyRotation.reencryptAll(on: app.db, crypto: app.keyStore.fieldCrypto)
            // then
            #expect(count == 2)
            let profile = try #require(try await StaffProfile.query(on: app.db).filter(\.$user.$id == user.id!).first())
            #expect(FieldCrypto.keyID(of: profile.phoneCipher ?? "") == app.keyStore.activeDataKeyID)
            #expect(app.keyStore.activeDataKeyID != oldKey)
            let rows = try await StaffQueries.directory(scope: .unrestricted, search: "13700001234", crypto: app.keyStore.fieldCrypto,
                                                        today: app.clock.today, on: app.db).rows
            #expect(rows.map(\.username) == ["rot1"])
        }
    }
}

@Suite("Audit log")
struct AuditLogTests {
    func record(_ app: Application, count: Int) async throws {
        for index in 1...count {
            try await AuditLog.record(.numberingVoid, actor: .system, target: ("test", String(index)), details: ["n": String(index)], keys: app.keyStore, on: app.db, now: app.clock.now())
        }
    }

    func dropAppendOnlyGuard(_ app: Application) async throws {
        if app.db.engine == .sqlite {
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_delete").run()
        } else {
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_change ON audit_events").run()
        }
    }

    @Test func anIntactChainVerifiesAndEventsAfterTheLastCheckpointAreReportedUnsealed() async throws {
        try await withTestApp { app in
            // given
            try await record(app, count: 5)
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            try await record(app, count: 2)
            // when
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            // then
            #expect(result.isIntact)
            #expect(result.eventsChecked == 7)
            #expect(result.lastSealedSequence == 5)
            #expect(result.unsealedCount == 2)
        }
    }

    @Test func changingOneRowWithSQLIsFoundAndNamed() async throws {
        try await withTestApp { app in
            // given
            try await record(app, count: 6)
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            try await dropAppendOnlyGuard(app)
            // when
            try await app.db.sql.raw("UPDATE audit_events SET actor_name = '他人' WHERE seq = 3").run()
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            // then
            #expect(!result.isIntact)
            #expect(result.problems.contains(.hashMismatch(sequence: 3)))
            #expect(result.problems.map(\.sequence).min() == 3)
        }
    }

    @Test func removingARowOrTheTailIsFound() async throws {
        try await withTestApp { app in
            // given
            try await record(app, count: 6)
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            try await dropAppendOnlyGuard(app)
            // when
            try await app.db.sql.raw("DELETE FROM audit_events WHERE seq = 4").run()
            try await app.db.sql.raw("DELETE FROM audit_events WHERE seq = 6").run()
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            // then
            #expect(result.problems.contains(.missing(afterSequence: 3, nextSequence: 5)))
            #expect(result.problems.contains { if case .truncated = $0 { true } else { false } })
        }
    }

    @Test func theApplicationCannotChangeAnAuditRow() async throws {
        try await withTestApp { app in
            try await record(app, count: 1)
            await #expect(throws: (any Error).self) {
                try await app.db.sql.raw("UPDATE audit_events SET action = 'x' WHERE seq = 1").run()
            }
        }
    }

    @Test func concurrentAppendsBuildOneUnbrokenChain() async throws {
        try await withTestApp { app in
            // when
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for index in 0..<10 {
                            try await AuditLog.record(.numberingVoid, actor: .system, target: ("w", "\(worker)-\(index)"), keys: app.keyStore, on: app.db, now: app.clock.now())
                        }
                    }
                }
                try await group.waitForAll()
            }
            // then
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            #expect(result.isIntact)
            #expect(result.eventsChecked == 80)
        }
    }

    @Test func theAuditorFindsEventsByChineseNameOrPartOfTheCodeAndSeesTheChineseName() async throws {
        try await withTestApp { app in
            // given
            let auditor = try await app.makeUser("aud2", roles: [.auditor])
            try await AuditLog.record(.personalReveal, actor: .system, target: ("staff", "x"), details: ["purpose": "执法联络"], keys: app.keyStore, on: app.db, now: app.clock.now())
            try await AuditLog.record(.loginSuccess, actor: .system, keys: app.keyStore, on: app.db, now: app.clock.now())
            let browser = try await app.signIn(auditor)
            // when / then
            for query in ["reveal", "%E6%9F%A5%E7%9C%8B%E4%B8%AA%E4%BA%BA%E4%BF%A1%E6%81%AF"] {
                try await app.testing().test(.GET, "/app/audit?action=\(query)", headers: browser.headers) { res async in
                    #expect(res.body.string.contains("查看个人信息明文"))
                    #expect(!res.body.string.contains("登录成功"))
                }
            }
            try await app.testing().test(.GET, "/app/audit?outcome=bogus", headers: browser.headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("结果：只能是成功、拒绝或失败"))
            }
        }
    }

    @Test func anEventShowsItsObjectByNameItsDetailsAsPairsAndItsSource() async throws {
        try await withTestApp { app in
            // given: a unit registered by an officer over HTTP, and a command-line event
            let auditor = try await app.makeUser("aud3", roles: [.auditor])
            let entity = try await app.makeEntity(.fixture(name: "审计展示宾馆", creditCode: nil))
            try await Caller.system(app).audit(.entityPrint, target: ("entity", entity.id!.uuidString), details: ["purpose": "存档", "unitCode": "350102000001"])
            try await Caller.system(app).audit(.keysRotate, details: ["dataKey": "k2"])
            let browser = try await app.signIn(auditor)
            // when
            try await app.testing().test(.GET, "/app/audit", headers: browser.headers) { res async in
                // then
                let html = res.body.string
                #expect(html.contains("被监督单位：审计展示宾馆"), "the object by kind and name, not its id")
                #expect(!html.contains(#"<a href="/app/entities/"#), "the auditor may not open units: no link to one")
                #expect(html.contains("/app/audit?target=entity:\(entity.id!.uuidString)"), "a link to the object's events")
                #expect(html.contains("<dt>查看目的</dt><dd>存档</dd>") && html.contains("<dt>单位编码</dt><dd>350102000001</dd>"))
                #expect(html.contains("本机（命令行或定时任务）"), "an event without an address names its source")
                #expect(html.contains(#"<strong id="total">"#))
            }
            try await app.testing().test(.GET, "/app/audit?target=entity:\(entity.id!.uuidString)", headers: browser.headers) { res async in
                let html = res.body.string
                #expect(html.contains("只看被监督单位“审计展示宾馆”的事件"))
                #expect(html.contains("打印单位档案") && !html.contains("轮换密钥"))
            }
            try await app.testing().test(.GET, "/app/audit?target=nocolon", headers: browser.headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("对象：格式应为"))
            }
            // the API gives the same, with the total
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: auditor.requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            try await app.testing().test(.GET, "/api/v1/audit/events?target=entity:\(entity.id!.uuidString)", headers: headers) { res async in
                let events = try? res.content.decode(AuditController.Events.self)
                #expect(events?.total == 2, "registered, then printed")
                #expect(events?.rows.first?.object?.name == "审计展示宾馆")
                #expect(events?.rows.first?.actionName == "打印单位档案")
            }
        }
    }

    @Test func theAuditorSearchesTheLogAndTheSearchIsItselfAudited() async throws {
        try await withTestApp { app in
            // given
            let auditor = try await app.makeUser("aud", roles: [.auditor])
            try await record(app, count: 3)
            let browser = try await app.signIn(auditor)
            // when
            try await app.testing().test(.GET, "/app/audit?action=" + "作废".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, headers: browser.headers) { res async in
                // then: found by its Chinese name, shown with it and its code
                #expect(res.status == .ok)
                #expect(res.body.string.contains("作废编号") && res.body.string.contains("numbering.void"))
            }
            #expect(try await app.auditActions().last == "audit.read")
            try await app.testing().test(.GET, "/app/audit?from=2026-13-40", headers: browser.headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("开始日期"))
            }
        }
    }
}

@Suite("Encryption failures")
struct EncryptionFailureTests {
    @Test func aUnitWhosePersonalDataCannotBeEncryptedIsNotStored() async throws {
        try await withTestApp { app in
            // given: a cipher whose active key is missing (a damaged key ring)
            let context = try await EntityValidation.context(tables: app.codeTables, on: app.db)
            let valid = try EntityValidation.check(.fixture(), context: context)
            let index = FieldKey(id: "i1", algorithm: "HMAC-SHA256", material: SymmetricKey(size: .bits256))
            let broken = FieldCrypto(keys: [], activeKeyID: "d-missing", indexKey: index)
            // when / then: the values are refused, instead of a row without its ID number and phone
            #expect(throws: FieldCryptoError.self) { _ = try EntityRow.Values(valid, crypto: broken, divisions: .empty) }
        }
    }
}
