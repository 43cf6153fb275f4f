import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// The duplicate check at entry (issue 11, item 4): the form, the API, the import trial and the
/// review of a portal change compare with the registry using the weekly run's matcher.
@Suite("Duplicate check at entry")
struct DuplicateCheckTests {
    static let registered = EntityInput.fixture(name: "福州鼓楼康乐宾馆有限公司", creditCode: "91350100M000100Y43", address: "福州市鼓楼区五四路128号")

    static func fields(_ csrf: String, name: String, address: String, extra: [String: String] = [:]) -> [String: String] {
        ["_csrf": csrf, "name": name, "operatingAddress": address, "divisionCode": "350102", "categoryCode": "GG0101", "employees": "5", "ext[beds]": "10"]
            .merging(extra) { $1 }
    }

    @Test func theFormListsALikelyDuplicateStoresNothingAndAcceptsTheClerksConfirmation() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let existing = try await app.makeEntity(Self.registered)
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(officer)
            let typed = Self.fields(browser.csrf, name: "福州鼓楼康樂賓館有限責任公司", address: "五四路128號（鼓楼区）")
            // when: the same hotel, traditional characters, another company form, the district at the end
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(typed)) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("可能与下列已登记的单位重复"))
                #expect(html.contains(#"id="duplicates""#))
                #expect(html.contains("/app/entities/\(existing.id!.uuidString)"), "the existing unit can be opened")
                #expect(html.contains(#"name="notDuplicateOf[]" value="\#(existing.id!.uuidString)""#))
                #expect(html.contains("福州鼓楼康樂賓館有限責任公司"), "what was typed is kept")
            }
            #expect(try await app.entityCount() == 1)
            // when: the clerk confirms it is another unit
            var confirmed = typed
            confirmed["notDuplicateOf[]"] = existing.id!.uuidString
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(confirmed)) { res async in
                #expect(res.status == .seeOther)
            }
            // then: stored, the pair recorded as different, and audited
            #expect(try await app.entityCount() == 2)
            let pairs = try await app.db.sql.select().columns("status", "decided_by").from("duplicate_pairs").all()
            #expect(pairs.count == 1)
            #expect(try pairs.first?.decode(column: "status", as: String.self) == "different")
            #expect(try await app.auditActions().contains("quality.different"))
        }
    }

    @Test func twoBusinessesInOneBuildingAreNotAskedAbout() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            try await app.makeEntity(Self.registered)
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(officer)
            // when
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(Self.fields(browser.csrf, name: "福州金剪美发店", address: "福州市鼓楼区五四路128号",
                                                                extra: ["categoryCode": "GG0202", "ext[beds]": ""]))) { res async in
                // then
                #expect(res.status == .seeOther, "\(res.body.string.prefix(400))")
            }
            #expect(try await app.entityCount() == 2)
        }
    }

    @Test func theAPIAnswers409NamingTheUnitAndAcceptsNotDuplicateOf() async throws {
        try await withTestApp { app in
            // given
            let existing = try await app.makeEntity(Self.registered)
            let caller = app.systemCaller
            var input = EntityInput.fixture(name: "康乐宾馆", creditCode: nil, address: "鼓楼区五四路128#")
            // when
            await #expect(throws: EntityDuplicates.Likely.self) {
                _ = try await EntityQueries.create(input, origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: caller)
            }
            let error = await #expect(throws: APIError.self) {
                try await EntityDuplicates.answeringAPI {
                    _ = try await EntityQueries.create(input, origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: caller)
                }
            }
            #expect(error?.status == .conflict)
            #expect(error?.code == "duplicate.likely")
            #expect(error?.message.contains(existing.id!.uuidString) == true)
            #expect(try await app.entityCount() == 1)
            input.notDuplicateOf = [existing.id!.uuidString]
            _ = try await EntityQueries.create(input, origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: caller)
            // then
            #expect(try await app.entityCount() == 2)
        }
    }

    @Test func aUnitOutsideTheClerksScopeIsNamedButNotLinked() async throws {
        try await withTestApp { app in
            // given
            let mine = try await app.makeDepartment("JD1", "监督一科")
            let theirs = try await app.makeDepartment("JD2", "监督二科")
            let other = try await app.makeEntity(.fixture(name: "福州鼓楼康乐宾馆有限公司", creditCode: nil, address: "福州市鼓楼区五四路128号", department: theirs.id))
            let clerk = try await app.makeUser("info1", roles: [.infoOfficer], department: mine.id)
            try await DataScopeGrant(userID: clerk.id!, dimension: .department, value: mine.id!.uuidString, grantedBy: "test", at: app.clock.now()).create(on: app.db)
            // when
            let matches = try await EntityDuplicates.likely(name: "康乐宾馆", address: "五四路128号", division: "350102", except: nil,
                                                            caller: try await app.caller(for: clerk))
            // then
            #expect(matches.map(\.id) == [other.id!.uuidString])
            #expect(matches.first?.canOpen == false)
            #expect(matches.first?.department == "监督二科")
        }
    }

    @Test func anImportTrialWarnsOfRegisteredUnitsAndOfRowsOfTheSameFile() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity(Self.registered)
            let csv = """
            \(ImportTests.header)
            康乐宾馆,,张三,13800138000,鼓楼区五四路128号,350102,GG0101,10,50
            福州星光宾馆有限公司,,李四,,鼓楼区东街8号,350102,GG0101,8,20
            星光宾馆,,李四,,东街8号鼓楼区,350102,GG0101,8,20
            福州金剪美发店,,王五,,鼓楼区五四路128号,350102,GG0202,3,
            """
            // when
            let report = try await ImportTests.run(app, csv, dryRun: true)
            // then: warnings, not errors; the hairdresser in the same building is not one
            #expect(report.isValid)
            let warned = report.warnings.filter { $0.rule == "duplicate.likely" }
            #expect(Set(warned.map(\.row)) == [2, 4], "\(warned.map(\.message))")
            #expect(warned.contains { $0.row == 2 && $0.message.contains("福州鼓楼康乐宾馆有限公司") })
            #expect(warned.contains { $0.row == 4 && $0.message.contains("本文件第3行") })
        }
    }

    @Test func aPortalChangeOfNameIsCheckedWhenTheReviewerApprovesIt() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let existing = try await app.makeEntity(Self.registered)
            let inspector = try await app.makeUser("insp1", roles: [.inspector])
            try await DataScopeGrant(userID: inspector.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let renaming = try await app.makeEntity(.fixture(name: "福州鼓楼悦来茶馆", creditCode: nil, address: "福州市鼓楼区五四路128号"), inspectors: [inspector.id!])
            let unit = try await app.signIn(try await SubmissionTests.portalUser(app, for: renaming))
            let officer = try await app.signIn(inspector)
            var path = ""
            try await app.testing().test(.POST, "/portal/submissions", headers: .formHeaders(cookie: unit.cookie),
                                         body: form(["_csrf": unit.csrf, "kind": "entityChange", "payload[entity][name]": "福州鼓楼康乐宾馆"])) { res async in
                #expect(res.status == .seeOther)
                path = res.headers.first(name: .location) ?? ""
            }
            let id = path.split(separator: "/").last.map(String.init) ?? ""
            // when: the review page is opened
            try await app.testing().test(.GET, "/app/submissions/\(id)", headers: officer.headers) { res async in
                // then
                #expect(res.body.string.contains(#"value="\#(existing.id!.uuidString)""#))
            }
            // when: approved without confirming
            try await app.testing().test(.POST, "/app/submissions/\(id)/decide", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "decision": "approve"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("可能与已登记的单位重复"))
            }
            #expect(try await SupervisedEntity.find(renaming.id, on: app.db)?.name == "福州鼓楼悦来茶馆", "nothing written")
            try await app.testing().test(.POST, "/app/submissions/\(id)/decide", headers: .formHeaders(cookie: officer.cookie),
                                         body: form(["_csrf": officer.csrf, "decision": "approve", "notDuplicateOf[]": existing.id!.uuidString])) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            #expect(try await SupervisedEntity.find(renaming.id, on: app.db)?.name == "福州鼓楼康乐宾馆")
        }
    }

    @Test func theWeeklyRunDoesNotRaiseAPairConfirmedAtEntry() async throws {
        try await withTestApp { app in
            // given
            let existing = try await app.makeEntity(Self.registered)
            var input = EntityInput.fixture(name: "康乐宾馆", creditCode: nil, address: "鼓楼区五四路128号")
            input.notDuplicateOf = [existing.id!.uuidString]
            _ = try await EntityQueries.create(input, origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: app.systemCaller)
            // when
            _ = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            // then
            let open = try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, on: app.db)
            #expect(open.total == 0)
            let all = try await DataQualityQueries.pairs(includeDecided: true, scope: .unrestricted, on: app.db)
            #expect(all.total == 1)
        }
    }

    @Test func unitsStoredWithTheOldKeysAreRekeyed() async throws {
        try await withTestApp { app in
            // given
            let unit = try await app.makeEntity(Self.registered)
            try await app.db.sql.update(SupervisedEntity.schema).set("name_key", to: SQLBind("鼓楼康乐宾馆")).set("address_key", to: SQLBind("old")).run()
            // when
            try await RekeyEntityDuplicates.rekey(on: app.db, divisions: app.codeTables.divisionIndex)
            // then
            let stored = try #require(try await SupervisedEntity.find(unit.id, on: app.db))
            #expect(stored.nameKey == "康乐")
            #expect(stored.addressKey == EntityKeys.duplicateKeys(name: stored.name, address: stored.operatingAddress, divisions: app.codeTables.divisionIndex).1)
            #expect(stored.addressKey.contains("128"))
        }
    }
}
