import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Supervised units: registry, one-unit-one-file, history, scope, search")
struct EntityTests {
    @Test func aFormWithBadInputNamesEveryFieldAndSavesNothing() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            let browser = try await app.signIn(officer)
            // when
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "", "creditCode": "91350100M000100Y4Z", "operatingAddress": "五四路1号",
                                                     "divisionCode": "990102", "categoryCode": "GG0101", "legalRepIDNumber": "110105194902300020",
                                                     "employees": "5", "certifiedEmployees": "9", "ext[beds]": "很多"])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                for expected in ["单位名称：必填", "统一社会信用代码", "行政区划代码", "法定代表人身份证号", "持健康证人数：不能多于从业人员数（5）", "床位数：应为不小于0的整数"] {
                    #expect(html.contains(expected), "\(expected)")
                }
            }
            #expect(try await app.entityCount() == 0)
        }
    }

    @Test func registeringAndChangingAUnitKeepsAHistoryAndMasksPersonalData() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(officer)
            var created = ""
            var fields = ["_csrf": browser.csrf]
            let input = EntityInput.fixture()
            for (key, value) in [("name", input.name), ("creditCode", input.creditCode), ("legalRepName", input.legalRepName), ("legalRepPhone", input.legalRepPhone),
                                 ("operatingAddress", input.operatingAddress), ("divisionCode", input.divisionCode), ("categoryCode", input.categoryCode),
                                 ("employees", "20"), ("ext[beds]", "120")] { fields[key] = value ?? "" }
            // when
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                #expect(res.status == .seeOther)
                created = res.headers.first(name: .location) ?? ""
            }
            fields["name"] = "福州阳光大酒店有限公司"
            fields["employees"] = "25"
            fields["legalRepPhone"] = ""
            try await app.testing().test(.POST, created, headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            try await app.testing().test(.GET, created, headers: browser.headers) { res async in
                let html = res.body.string
                #expect(html.contains("福州阳光大酒店有限公司"))
                #expect(html.contains("138****8000"), "the phone is masked")
                #expect(!html.contains("13800138000"), "and not shown in clear")
                #expect(html.contains("单位名称：福州阳光宾馆有限公司 → 福州阳光大酒店有限公司"))
                #expect(html.contains("从业人员数：20 → 25"))
                #expect(html.contains("床位数"))
                #expect(html.contains("业务类型：公共场所"))
            }
            let entity = try #require(try await SupervisedEntity.query(on: app.db).first())
            #expect(entity.legalRepPhoneCipher != nil, "a blank phone on the edit form keeps the stored one")
            let history = try await EntityQueries.history(entity.id!, on: app.db).rows
            #expect(history.map(\.action) == ["修改", "登记"])
        }
    }

    @Test func theFormAsksEachKindOnlyItsOwnFields() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let browser = try await app.signIn(try await app.makeUser("info1", roles: [.infoOfficer]))
            // when / then
            try await app.testing().test(.GET, "/app/entities/new?category=GG0202", headers: browser.headers) { res async in
                #expect(res.body.string.contains(#"name="ext[centralAirConditioning]""#))
                #expect(!res.body.string.contains(#"name="ext[beds]""#))
                #expect(!res.body.string.contains(#"name="ext[poolArea]""#))
            }
            try await app.testing().test(.GET, "/app/entities/new?category=GG0101", headers: browser.headers) { res async in
                #expect(res.body.string.contains(#"name="ext[beds]""#))
                #expect(!res.body.string.contains(#"name="ext[poolArea]""#))
                #expect(res.body.string.contains(#"<input maxlength="200" id="name""#), "the limit comes from the field's description")
                #expect(res.body.string.contains(#"<input maxlength="9" id="ext-beds""#))
            }
        }
    }

    @Test func codeFieldsAreChosenFromTheTablesNarrowedToTheJurisdiction() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let admin = try await app.signIn(try await app.makeUser("sys1", roles: [.sysadmin]))
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(officer)
            let beijing = #"<option value="110101">北京市东城区</option>"#
            let gulou = #"<option value="350102">福建省福州市鼓楼区</option>"#
            try await app.testing().test(.GET, "/app/entities/new?category=GG0101", headers: browser.headers) { res async in
                let html = res.body.string
                #expect(html.contains(#"list="division-codes""#) && html.contains(beijing) && html.contains(gulou), "no jurisdiction: the whole table")
                #expect(html.contains(#"<select id="economicType" name="economicType">"#) && html.contains(#"<option value="173">173 私营有限责任（公司）</option>"#))
                #expect(html.contains(#"list="industry-codes""#) && html.contains(#"<option value="61">住宿和餐饮业 › 住宿业</option>"#))
            }
            // when: a jurisdiction the table does not have is refused, naming the field
            try await app.testing().test(.POST, "/app/admin/settings", headers: .formHeaders(cookie: admin.cookie),
                                         body: form(["_csrf": admin.csrf, "jurisdiction": "359999"])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("本所辖区：“359999”不在行政区划代码表"))
            }
            try await app.testing().test(.POST, "/app/admin/settings", headers: .formHeaders(cookie: admin.cookie),
                                         body: form(["_csrf": admin.csrf, "jurisdiction": "350100"])) { res async in
                #expect(res.status == .seeOther)
            }
            // then: the forms and the list filter offer the city's divisions only
            for path in ["/app/entities/new?category=GG0101", "/app/entities"] {
                try await app.testing().test(.GET, path, headers: browser.headers) { res async in
                    #expect(res.body.string.contains(gulou), "\(path)")
                    #expect(!res.body.string.contains(beijing), "\(path)")
                }
            }
            // a unit whose stored economic type left the table keeps it, marked
            let entity = try await app.makeEntity(.fixture(name: "旧代码宾馆", creditCode: nil))
            try await app.db.sql.raw("UPDATE entities SET economic_type = '999' WHERE id = \(bind: entity.id!)").run()
            try await app.testing().test(.GET, "/app/entities/\(entity.id!)/edit", headers: browser.headers) { res async in
                #expect(res.body.string.contains(#"<option value="999" selected>999（代码表中没有，请改选）</option>"#))
            }
        }
    }

    @Test func anotherDepartmentsUnitIsNeitherListedNorOpened() async throws {
        try await withTestApp { app in
            // given
            let first = try await app.makeDepartment("JD1", "监督一科")
            let second = try await app.makeDepartment("JD2", "监督二科")
            let mine = try await app.makeEntity(.fixture(name: "一科宾馆", creditCode: nil, department: first.id))
            let theirs = try await app.makeEntity(.fixture(name: "二科宾馆", creditCode: nil, address: "鼓楼区东街88号", department: second.id))
            let inspector = try await app.makeUser("insp1", roles: [.inspector], department: first.id)
            let browser = try await app.signIn(inspector)
            // when / then
            try await app.testing().test(.GET, "/app/entities?q=宾馆", headers: browser.headers) { res async in
                #expect(res.body.string.contains("一科宾馆"))
                #expect(!res.body.string.contains("二科宾馆"))
            }
            try await app.testing().test(.GET, "/app/entities/\(theirs.id!)", headers: browser.headers) { res async in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/app/entities/\(mine.id!)", headers: browser.headers) { res async in
                #expect(res.status == .ok)
            }
        }
    }

    @Test func searchFindsTwoCharacterSubstringsCodesAndSortsByPinyin() async throws {
        try await withTestApp { app in
            // given
            for (name, code) in [("张家泳池", "914403001922038216"), ("阿里宾馆", "91440300708461136T"), ("北京宾馆", nil)] as [(String, String?)] {
                try await app.makeEntity(.fixture(name: name, creditCode: code, address: "鼓楼区\(name)路1号"))
            }
            // when
            let hotels = try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db)
            let pools = try await EntitySearch.list(.init(q: "泳池"), scope: .unrestricted, on: app.db)
            let byCode = try await EntitySearch.list(.init(q: "914403001922038216"), scope: .unrestricted, on: app.db)
            let all = try await EntitySearch.list(.init(), scope: .unrestricted, on: app.db)
            // then
            #expect(hotels.rows.map(\.name) == ["阿里宾馆", "北京宾馆"])
            #expect(pools.rows.map(\.name) == ["张家泳池"])
            #expect(byCode.rows.map(\.name) == ["张家泳池"])
            #expect(all.rows.map(\.name) == ["阿里宾馆", "北京宾馆", "张家泳池"])
        }
    }

    @Test func aBroadSearchWalksThePinyinOrderAndSaysThereAreMore() async throws {
        try await withTestApp { app in
            // given: three matches, more than a cap of two
            for name in ["张家宾馆", "阿里宾馆", "北京宾馆"] {
                try await app.makeEntity(.fixture(name: name, creditCode: nil, address: "鼓楼区\(name)路1号"))
            }
            // when
            let broad = try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, limit: 2, cap: 2, on: app.db)
            let narrow = try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, limit: 2, cap: 10, on: app.db)
            // then
            #expect(broad.more && broad.total == 2)
            #expect(broad.rows.map(\.name) == ["阿里宾馆", "北京宾馆"])
            #expect(!narrow.more && narrow.total == 3 && narrow.pages == 2)
            #expect(narrow.rows.map(\.name) == ["阿里宾馆", "北京宾馆"])
        }
    }

    @Test func searchKeepsPinyinOrderThroughRenamesMergesAndAUsedUpGap() async throws {
        try await withTestApp { app in
            // given: units registered out of order
            var units: [String: SupervisedEntity] = [:]
            for name in ["张家宾馆", "阿里宾馆", "北京宾馆", "马尾宾馆"] {
                units[name] = try await app.makeEntity(.fixture(name: name, creditCode: nil, address: "鼓楼区\(name)路1号"))
            }
            func hotels() async throws -> [String] { try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db).rows.map(\.name) }
            let first = try await hotels()
            // when: a rename moves a unit in pinyin order
            let zhang = try #require(units["张家宾馆"])
            var input = EntityPages.input(of: zhang, inspectors: [])
            input.name = "安居宾馆"
            try await EntityQueries.update(zhang, with: input, origin: .init(actor: .system, action: "update", comment: "", source: .internal), by: app.systemCaller)
            let renamed = try await hotels()
            // a merged unit leaves the results
            let merged = try #require(units["马尾宾馆"])
            merged.status = .merged
            try await merged.save(on: app.db)
            try await EntitySearchIndex.reindex(merged, on: app.db)
            let afterMerge = try await hotels()
            let countedAfterMerge = try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db).total
            // and a unit falling into a used-up gap makes every rank and the index rebuild
            if app.db.engine == .sqlite {
                try await app.db.sql.raw("UPDATE entities SET search_rank = NULL").run()
                try await app.db.sql.raw("DELETE FROM entity_fts").run()
                for (index, name) in ["安居宾馆", "阿里宾馆", "北京宾馆"].enumerated() {
                    try await app.db.sql.raw("UPDATE entities SET search_rank = \(bind: 10 + index) WHERE name = \(bind: name)").run()
                }
                try await EntitySearchIndex.rebuild(on: app.db)
            }
            try await app.makeEntity(.fixture(name: "白云宾馆", creditCode: nil, address: "鼓楼区白云路1号"))
            let afterNew = try await hotels()
            // then
            #expect(first == ["阿里宾馆", "北京宾馆", "马尾宾馆", "张家宾馆"])
            #expect(renamed == ["阿里宾馆", "安居宾馆", "北京宾馆", "马尾宾馆"])
            #expect(afterMerge == ["阿里宾馆", "安居宾馆", "北京宾馆"])
            #expect(countedAfterMerge == 3, "a merged unit is not counted either")
            #expect(afterNew == ["阿里宾馆", "安居宾馆", "白云宾馆", "北京宾馆"])
            #expect(try await EntitySearch.list(.init(q: "白云"), scope: .unrestricted, on: app.db).rows.map(\.name) == ["白云宾馆"])
        }
    }

    @Test func aUnitFallingIntoAGapWithNoRoomRebuildsTheOrderedIndex() async throws {
        try await withTestApp { app in
            guard app.db.engine == .sqlite else { return }
            // given: two neighbours whose ranks leave no room between them
            try await app.makeEntity(.fixture(name: "阿里宾馆", creditCode: nil, address: "鼓楼区一路1号"))
            try await app.makeEntity(.fixture(name: "北京宾馆", creditCode: nil, address: "鼓楼区二路1号"))
            try await app.db.sql.raw("DELETE FROM entity_fts").run()
            try await app.db.sql.raw("UPDATE entities SET search_rank = NULL").run()
            try await app.db.sql.raw("UPDATE entities SET search_rank = 7 WHERE name = '阿里宾馆'").run()
            try await app.db.sql.raw("UPDATE entities SET search_rank = 8 WHERE name = '北京宾馆'").run()
            try await app.db.sql.raw("INSERT INTO entity_fts (rowid, tokens) VALUES (7, \(bind: SearchTokenizer.indexTokens("阿里宾馆").joined(separator: " "))), (8, \(bind: SearchTokenizer.indexTokens("北京宾馆").joined(separator: " ")))").run()
            // when: 安居 sorts between them
            try await app.makeEntity(.fixture(name: "安居宾馆", creditCode: nil, address: "鼓楼区三路1号"))
            // then
            let ranks = try await app.db.sql.raw("SELECT name, search_rank FROM entities ORDER BY search_rank").all()
                .map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "search_rank", as: Int64.self)) }
            #expect(ranks.map(\.0) == ["阿里宾馆", "安居宾馆", "北京宾馆"])
            #expect(ranks.map(\.1) == [1, 2, 3].map { $0 * EntitySearchIndex.spacing }, "ranks were renumbered with full spacing")
            #expect(try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db).rows.map(\.name) == ["阿里宾馆", "安居宾馆", "北京宾馆"])
            // and an import into a gap with no room rebuilds it too
            try await app.db.sql.raw("UPDATE entities SET search_rank = search_rank / \(bind: EntitySearchIndex.spacing) + 100").run()
            let csv = "单位名称,经营地址,行政区划代码,专业类别\n阿三宾馆,鼓楼区四路1号,350102,GG0101\n"
            let report = try await EntityImport.run(data: Data(csv.utf8), filename: "u.csv", options: .init(dryRun: false, updateExisting: false), by: app.systemCaller)
            #expect(report.committed)
            #expect(try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db).rows.map(\.name) == ["阿里宾馆", "阿三宾馆", "安居宾馆", "北京宾馆"])
        }
    }

    @Test func aSecondUnitWithTheSameCreditCodeIsRefused() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity()
            // when
            var error: ValidationErrors?
            do { try await app.makeEntity(.fixture(name: "另一家")) } catch let caught as ValidationError { error = ValidationErrors([caught]) }
            // then
            #expect(error?.errors.first?.code == "creditCode.taken")
            #expect(try await app.entityCount() == 1)
        }
    }

    @Test func aRevealOfTheLegalRepresentativesIDNeedsAPurposeAndIsAudited() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            let head = try await app.makeUser("head1", roles: [.departmentHead, .leader])
            let browser = try await app.signIn(head)
            // when
            try await app.testing().test(.POST, "/app/entities/\(entity.id!)/reveal", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "field": "legalRepIDNumber", "purpose": ""])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("查询用途"))
            }
            try await app.testing().test(.POST, "/app/entities/\(entity.id!)/reveal", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "field": "legalRepIDNumber", "purpose": "案件办理"])) { res async in
                #expect(res.body.string.contains("11010519491231002X"))
            }
            // then
            #expect(try await app.auditActions().filter { $0 == "personal.reveal" }.count == 1)
        }
    }

    @Test func handingOverMovesEveryUnitOfAnInspector() async throws {
        try await withTestApp { app in
            // given
            let leaving = try await app.makeUser("old1", roles: [.inspector])
            let taking = try await app.makeUser("new1", roles: [.inspector])
            try await app.makeEntity(.fixture(name: "甲宾馆", creditCode: nil), inspectors: [leaving.id!])
            try await app.makeEntity(.fixture(name: "乙宾馆", creditCode: nil, address: "东街1号"), inspectors: [leaving.id!])
            // when
            let moved = try await EntityAssignment.handOver(from: leaving.id!, to: taking.id!, by: app.systemCaller).moved
            // then
            #expect(moved == 2)
            let mine = try await EntitySearch.list(.init(inspector: taking.id!.uuidString), scope: .unrestricted, on: app.db)
            #expect(mine.total == 2)
            #expect(try await EntitySearch.list(.init(inspector: leaving.id!.uuidString), scope: .unrestricted, on: app.db).total == 0)
        }
    }

    @Test func theExportIsAuditedMasksPhonesAndEscapesFormulas() async throws {
        try await withTestApp { app in
            // given
            var input = EntityInput.fixture(name: "=HYPERLINK(\"x\")宾馆")
            input.contactPhone = "13912345678"
            try await app.makeEntity(input)
            let leader = try await app.makeUser("lead1", roles: [.leader])
            let browser = try await app.signIn(leader)
            // when
            var csv = Data()
            var xlsx = Data()
            try await app.testing().test(.GET, "/app/entities/export?format=csv", headers: browser.headers) { res async in csv = Data(buffer: res.body) }
            try await app.testing().test(.GET, "/app/entities/export?format=xlsx", headers: browser.headers) { res async in xlsx = Data(buffer: res.body) }
            // then
            #expect(csv.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
            let text = String(decoding: csv, as: UTF8.self)
            #expect(text.contains("139****5678"))
            #expect(!text.contains("13912345678"))
            #expect(text.contains("'=HYPERLINK"))
            let rows = try XLSXReader.read(xlsx)
            #expect(rows.count == 2)
            #expect(rows[1].contains("91350100M000100Y43"))
            #expect(try await app.auditActions().filter { $0 == "data.export" }.count == 2)
        }
    }
}
