import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Every change commits together with its audit event: when the audit write fails, the change is
/// not stored either (issue 10: a unit was created and its event written in a second transaction).
@Suite("A change and its audit event commit together")
struct AuditAtomicityTests {
    /// From now on every audit append fails, as a full disk or a broken table would make it.
    func breakAuditLog(_ app: Application) async throws {
        if app.db.engine == .sqlite {
            try await app.db.sql.raw("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit down'); END").run()
        } else {
            try await app.db.sql.raw("CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$").run()
            try await app.db.sql.raw("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_down()").run()
        }
    }

    func rows(_ app: Application, _ table: String) async throws -> Int {
        try await app.db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test func registeringAndChangingAUnitThroughTheFormStoreNothingWithoutTheirEvent() async throws {
        try await withTestApp { app in
            // given
            let clerk = try await app.makeUser("clerk", roles: [.infoOfficer])
            try await DataScopeGrant(userID: clerk.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let unit = try await app.makeEntity()
            let browser = try await app.signIn(clerk)
            try await breakAuditLog(app)
            // when
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "福州新开宾馆", "operatingAddress": "福州市鼓楼区杨桥路1号",
                                                     "divisionCode": "350102", "categoryCode": "GG0101"])) { res async in
                // then: refused (SQLite reports the failed append as a constraint, PostgreSQL as an error)
                #expect(res.status.code >= 400)
            }
            try await app.testing().test(.POST, "/app/entities/\(unit.id!)", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "name": "福州改名宾馆", "operatingAddress": unit.operatingAddress,
                                                     "divisionCode": "350102", "categoryCode": "GG0101"])) { res async in
                #expect(res.status.code >= 400)
            }
            #expect(try await app.entityCount() == 1)
            #expect(try await SupervisedEntity.find(unit.id, on: app.db)?.name == unit.name)
            #expect(try await rows(app, "entity_history") == 1)
        }
    }

    @Test func everyFeaturesWritePathRollsBackWhenItsAuditEventCannotBeWritten() async throws {
        try await withTestApp { app in
            // given: data for each feature, made while the log still works
            let system = app.systemCaller
            let department = try await app.makeDepartment("GGK", "公共场所卫生监督科")
            let unit = try await app.makeEntity(.fixture(department: department.id))
            let other = try await app.makeEntity(.fixture(name: "福州阳光酒店有限公司", creditCode: "914403001922038216", department: department.id))
            _ = try await DataQualityQueries.run(trigger: "test", by: system)
            let portalUser = try await app.makeUser("unit1", roles: [.entityUser])
            portalUser.entityID = unit.id
            try await portalUser.save(on: app.db)
            let unitCaller = try await app.caller(for: portalUser)
            let pending = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-20", content: "消毒记录齐全"),
                                                             entity: unit, by: unitCaller)
            let staff = try await app.makeUser("zhang", roles: [.inspector], department: department.id)
            let before = (entities: try await app.entityCount(), users: try await User.query(on: app.db).count(),
                          events: try await rows(app, "audit_events"), licences: try await HealthLicense.query(on: app.db).count(),
                          days: try await rows(app, "calendar_days"))
            try await breakAuditLog(app)

            // when / then: each write fails as a whole
            func refused(_ what: String, _ body: () async throws -> Void) async {
                await #expect(throws: (any Error).self, "\(what) succeeded without its audit event") { try await body() }
            }
            await refused("单位登记") { _ = try await EntityQueries.create(.fixture(name: "新宾馆", creditCode: nil, department: department.id),
                                                                          origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: system) }
            await refused("许可证登记") { _ = try await LicenseQueries.issue(.init(number: "L-9", issuingOrgan: "卫生健康委员会", issueDate: "2026-01-05"),
                                                                           entity: unit, by: system) }
            await refused("单位报送") { _ = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-21", content: "复查整改"),
                                                                           entity: unit, by: unitCaller) }
            await refused("报送审核") { try await SubmissionQueries.decide(pending, decision: .approve, reason: "", entity: unit, by: system) }
            await refused("新建账号") { _ = try await UserQueries.create(.init(username: "newcomer", displayName: "新人"), by: system, app: app) }
            await refused("停用账号") { try await UserQueries.setActive(false, user: staff, by: system) }
            await refused("新增科室") { _ = try await DepartmentQueries.create(code: "NEW", name: "新科室", isBusiness: true, by: system) }
            await refused("授权") { try await GrantQueries.setGrants(for: staff, roles: [.departmentHead], scopes: [], by: system) }
            await refused("节假日") { try await CalendarStore.set(from: LocalDate("2031-01-01")!, to: LocalDate("2031-01-01")!, kind: .holiday, name: "元旦", by: system) }
            await refused("饮用水限值") { _ = try await WaterLimits.update(code: "turbidity", kind: "max", low: "", high: "3", by: system) }
            await refused("批量导入") {
                let csv = "单位名称,经营地址,行政区划代码,专业类别,责任科室\n阿三宾馆,鼓楼区四路1号,350102,GG0101,GGK\n"
                let report = try await EntityImport.run(data: Data(csv.utf8), filename: "u.csv", options: .init(dryRun: false, updateExisting: false), by: system)
                if !report.isValid { throw ValidationError(field: "行", code: "x", message: report.issues.first?.message ?? "") }
            }
            await refused("数据质量检查") { _ = try await DataQualityQueries.run(trigger: "test", by: system) }
            await refused("合并单位") { _ = try await DataQualityQueries.merge(survivorID: unit.id!, absorbedID: other.id!, pairID: nil, by: system) }
            await refused("签发令牌") { _ = try await AccountController.issue(.init(name: "脚本", validDays: 30), userID: staff.requireID(), by: system) }

            // then: nothing of any of them is stored
            #expect(try await app.entityCount() == before.entities)
            #expect(try await User.query(on: app.db).count() == before.users)
            #expect(try await HealthLicense.query(on: app.db).count() == before.licences)
            #expect(try await rows(app, "audit_events") == before.events)
            #expect(try await Submission.query(on: app.db).count() == 1)
            #expect(try await Submission.find(pending.id, on: app.db)?.status == .submitted)
            #expect(try await Department.query(on: app.db).count() == 1)
            #expect(try await UserQueries.roles(of: staff.requireID(), on: app.db) == [.inspector])
            #expect(try await User.find(staff.id, on: app.db)?.status == .active)
            #expect(try await rows(app, "calendar_days") == before.days)
            #expect(try await WaterLimits.load(on: app.db).first { $0.code == "turbidity" }?.high == 1)
            #expect(try await rows(app, "quality_runs") == 1)
            #expect(try await rows(app, "entity_merges") == 0)
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }
}
