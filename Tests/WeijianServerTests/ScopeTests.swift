import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Writes are checked against the caller's data scope before they are stored, and refusals of
/// records are audited (issue 10, items 6–10).
@Suite("Data scope on writes, hand-over and refusals")
struct ScopeTests {
    struct World {
        let publicPlaces: Department
        let water: Department
        let head: User
        let inspectorA: User
        let inspectorB: User
        let unitOfB: SupervisedEntity
        let unitOfA: SupervisedEntity
    }

    /// Two departments, a head and an inspector in the first, an inspector with a unit in the second.
    func world(_ app: Application) async throws -> World {
        try await app.relaxSecondFactor()
        let publicPlaces = try await app.makeDepartment("GGK", "公共场所卫生监督科")
        let water = try await app.makeDepartment("YSK", "生活饮用水卫生监督科")
        let head = try await app.makeUser("ggkz", name: "王海", roles: [.departmentHead], department: publicPlaces.id)
        let inspectorA = try await app.makeUser("ggjd", name: "李强", roles: [.inspector], department: publicPlaces.id)
        let inspectorB = try await app.makeUser("ysjd", name: "周杰", roles: [.inspector], department: water.id)
        let unitOfB = try await app.makeEntity(.fixture(name: "福州自来水二次供水点", creditCode: nil, category: "YS03", department: water.id), inspectors: [inspectorB.id!])
        let unitOfA = try await app.makeEntity(.fixture(department: publicPlaces.id), inspectors: [inspectorA.id!])
        return World(publicPlaces: publicPlaces, water: water, head: head, inspectorA: inspectorA, inspectorB: inspectorB, unitOfB: unitOfB, unitOfA: unitOfA)
    }

    @Test func theHandoverOffersOnlyInspectorsAndHeadsInScopeAndRefusesAnyoneElse() async throws {
        try await withTestApp { app in
            // given
            let w = try await world(app)
            try await app.makeUser("auditor1", name: "审计员", roles: [.auditor], department: w.publicPlaces.id)
            try await app.makeUser("xinxi", name: "信息员", roles: [.infoOfficer], department: w.publicPlaces.id)
            let nobody = try await app.makeUser("norole", name: "无角色", department: w.publicPlaces.id)
            let browser = try await app.signIn(w.head)
            // when
            var page = ""
            try await app.testing().test(.GET, "/app/entities/handover", headers: browser.headers) { res async in page = res.body.string }
            // then: the receivers are the department's inspector and head only
            let receivers = page.components(separatedBy: "name=\"to\"").last ?? ""
            #expect(receivers.contains("李强"))
            #expect(receivers.contains("王海"))
            for name in ["审计员", "信息员", "无角色", "周杰"] { #expect(!receivers.contains(name), "\(name) offered as receiver") }
            // when: units of another department's inspector, handed to an account with no role
            try await app.testing().test(.POST, "/app/entities/handover", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "from": w.inspectorB.id!.uuidString, "to": nobody.id!.uuidString])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("原监督员：请从列表中选择"))
                #expect(res.body.string.contains("接收监督员：请从列表中选择"))
            }
            #expect(try await EntityQueries.inspectorIDs(w.unitOfB.id!, on: app.db) == [w.inspectorB.id!])
            // and within the department it works
            try await app.testing().test(.POST, "/app/entities/handover", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "from": w.inspectorA.id!.uuidString, "to": w.head.id!.uuidString])) { res async in
                #expect(res.status == .seeOther)
            }
            #expect(try await EntityQueries.inspectorIDs(w.unitOfA.id!, on: app.db) == [w.head.id!])
        }
    }

    @Test func aHandoverMovesOnlyTheUnitsInTheCallersScope() async throws {
        try await withTestApp { app in
            // given: inspector A also looks after a unit of the water department
            let w = try await world(app)
            try await app.db.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id").values(SQLBind(w.unitOfB.id!), SQLBind(w.inspectorA.id!)).run()
            // when
            let result = try await EntityAssignment.handOver(from: w.inspectorA.id!, to: w.head.id!, by: try await app.caller(for: w.head))
            // then
            #expect(result.moved == 1)
            #expect(result.outOfScope == 1)
            #expect(Set(try await EntityQueries.inspectorIDs(w.unitOfB.id!, on: app.db)) == [w.inspectorB.id!, w.inspectorA.id!])
        }
    }

    @Test func anInspectorCannotRegisterAUnitIntoAnotherDepartmentByFormAPIOrImport() async throws {
        try await withTestApp { app in
            // given
            let w = try await world(app)
            let browser = try await app.signIn(w.inspectorA)
            let count = try await app.entityCount()
            // when: the form
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "福州外科宾馆", "operatingAddress": "福州市鼓楼区湖东路3号",
                                                     "divisionCode": "350102", "categoryCode": "GG0101", "departmentID": w.water.id!.uuidString])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("责任科室：所选科室不在您的数据范围内"))
            }
            // when: the API
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: w.inspectorA.requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .json
            let body = #"{"name":"福州外科宾馆","operatingAddress":"福州市鼓楼区湖东路3号","divisionCode":"350102","categoryCode":"GG0101","departmentID":"\#(w.water.id!.uuidString)"}"#
            try await app.testing().test(.POST, "/api/v1/entities", headers: headers, body: ByteBuffer(string: body)) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("scope.department"))
            }
            // when: an import
            let csv = "单位名称,经营地址,行政区划代码,专业类别,责任科室\n福州外科宾馆,福州市鼓楼区湖东路3号,350102,GG0101,YSK\n福州本科宾馆,福州市鼓楼区湖东路5号,350102,GG0101,GGK\n"
            let report = try await EntityImport.run(data: Data(csv.utf8), filename: "u.csv", options: .init(dryRun: false, updateExisting: false),
                                                    by: try await app.caller(for: w.inspectorA))
            #expect(!report.committed)
            #expect(report.issues.map(\.row) == [2])
            #expect(report.issues.first?.rule == "scope.department")
            // then: nothing was stored
            #expect(try await app.entityCount() == count)
            // and changing one's own unit into the other department is refused too
            try await app.testing().test(.POST, "/app/entities/\(w.unitOfA.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": w.unitOfA.name, "operatingAddress": w.unitOfA.operatingAddress,
                                                     "divisionCode": "350102", "categoryCode": "GG0101", "departmentID": w.water.id!.uuidString])) { res async in
                #expect(res.status == .unprocessableEntity)
            }
            #expect(try await SupervisedEntity.find(w.unitOfA.id, on: app.db)?.departmentID == w.publicPlaces.id)
        }
    }

    @Test func outOfScopeRecordsAreRefusedAndEachRefusalIsAudited() async throws {
        try await withTestApp { app in
            // given
            let w = try await world(app)
            let portal = try await app.makeUser("unitb", roles: [.entityUser])
            portal.entityID = w.unitOfB.id
            try await portal.save(on: app.db)
            let submission = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-20", content: "自查"),
                                                                entity: w.unitOfB, by: try await app.caller(for: portal))
            let browser = try await app.signIn(w.inspectorA)
            let paths = ["/app/entities/\(w.unitOfB.id!)", "/app/entities/\(w.unitOfB.id!)/edit", "/app/submissions/\(submission.id!)",
                         "/app/submissions/\(submission.id!)/attachments/\(UUID())"]
            // when
            for path in paths {
                try await app.testing().test(.GET, path, headers: browser.headers) { res async in
                    // then
                    #expect(res.status == .forbidden, "\(path)")
                }
            }
            let refusals = try await app.db.sql.select().columns("actor_id", "target_type", "target_id", "outcome").from("audit_events")
                .where("action", .equal, "access.outOfScope").all()
            #expect(refusals.count == paths.count)
            #expect(try refusals.allSatisfy { try $0.decode(column: "actor_id", as: String.self) == w.inspectorA.id!.uuidString })
            #expect(try refusals.allSatisfy { try $0.decode(column: "outcome", as: String.self) == "denied" })
            let targets = Set(try refusals.map { try "\($0.decode(column: "target_type", as: String.self)):\($0.decode(column: "target_id", as: String.self))" })
            #expect(targets.contains("entity:\(w.unitOfB.id!)"))
            #expect(targets.contains("submission:\(submission.id!)"))
        }
    }

    @Test func scopeValuesAreChosenFromTheCategoriesDepartmentsAndDivisionsThatExist() async throws {
        try await withTestApp { app in
            // given
            let w = try await world(app)
            let security = try await app.makeUser("sec", roles: [.securityAdmin])
            let browser = try await app.signIn(security)
            // when
            try await app.testing().test(.POST, "/app/security/users/\(w.inspectorA.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "roles[]": "inspector", "categories[]": "火锅", "areas": "350102,999999"])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("“火锅”不是专业类别"))
                #expect(res.body.string.contains("“999999”不是行政区划代码表"))
            }
            #expect(try await DataScopeGrant.query(on: app.db).filter(\.$user.$id == w.inspectorA.id!).count() == 0)
            // and a valid scope is saved
            try await app.testing().test(.POST, "/app/security/users/\(w.inspectorA.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "roles[]": "inspector", "categories[]": "GG", "areas": "350102"])) { res async in
                #expect(res.status == .seeOther)
            }
            let saved = try await DataScopeGrant.query(on: app.db).filter(\.$user.$id == w.inspectorA.id!).all().map { "\($0.dimension.rawValue)=\($0.value)" }
            #expect(Set(saved) == ["category=GG", "area=350102"])
        }
    }
}
