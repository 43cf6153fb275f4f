import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Bulk assignment of units to a department, 片区 and inspector (issue 11, item 3).
@Suite("Assignment of units")
struct AssignmentTests {
    struct Setting {
        let department: Department
        let other: Department
        let head: User
        let inspector: User
        let units: [SupervisedEntity]
    }

    /// `count` units of no department, a department head whose scope is their department (and
    /// units of no department, which the head may take on), and an inspector of that department.
    static func setting(_ app: Application, count: Int = 3) async throws -> Setting {
        let department = try await app.makeDepartment("GGK", "公共场所科")
        let other = try await app.makeDepartment("ZYK", "职业卫生科")
        let head = try await app.makeUser("head1", name: "李科长", roles: [.departmentHead], department: department.id)
        let inspector = try await app.makeUser("insp1", name: "王监督", roles: [.inspector], department: department.id)
        var units: [SupervisedEntity] = []
        for index in 0..<count {
            units.append(try await app.makeEntity(.fixture(name: "福州第\(index + 1)宾馆", creditCode: nil, address: "鼓楼区五四路\(index + 1)号",
                                                            department: department.id)))
        }
        return Setting(department: department, other: other, head: head, inspector: inspector, units: units)
    }

    @Test func selectedUnitsGetTheDepartmentAreaAndInspectorWithHistoryAndOneAuditEvent() async throws {
        try await withTestApp { app in
            // given
            let s = try await Self.setting(app)
            let input = EntityAssignment.Input(target: "selected", ids: s.units.prefix(2).map { $0.id!.uuidString }, departmentID: s.department.id!.uuidString,
                                               area: "一片区", inspector: s.inspector.id!.uuidString)
            // when
            let outcome = try await EntityAssignment.assign(input, by: try await app.caller(for: s.head))
            // then
            #expect(outcome.assigned == 2)
            for unit in s.units.prefix(2) {
                #expect(try await SupervisedEntity.find(unit.id, on: app.db)?.area == "一片区")
                #expect(try await EntityQueries.inspectorIDs(unit.id!, on: app.db) == [s.inspector.id!])
                let history = try await EntityQueries.history(unit.id!, on: app.db).rows
                #expect(history.first?.changes.contains(.init(field: "片区", from: "", to: "一片区")) == true)
                #expect(history.first?.changes.contains(.init(field: "监督员", from: "", to: "王监督")) == true)
            }
            #expect(try await SupervisedEntity.find(s.units[2].id, on: app.db)?.area == nil, "the unselected unit is untouched")
            #expect(try await app.auditActions().filter { $0 == "entity.assign" }.count == 1)
        }
    }

    @Test func everyUnitMatchingTheFilterIsAssignedAcrossPages() async throws {
        try await withTestApp { app in
            // given: more units than a page of the list holds
            let s = try await Self.setting(app, count: EntitySearch.pageSize + 7)
            let input = EntityAssignment.Input(target: "filter", filters: .init(category: "GG01"), area: "二片区")
            // when
            let outcome = try await EntityAssignment.assign(input, by: try await app.caller(for: s.head))
            // then
            #expect(outcome.assigned == EntitySearch.pageSize + 7)
            let zoned = try await SupervisedEntity.query(on: app.db).filter(\.$area == "二片区").count()
            #expect(zoned == EntitySearch.pageSize + 7)
        }
    }

    @Test func theInspectorJoinsOrReplacesTheUnitsInspectors() async throws {
        try await withTestApp { app in
            // given
            let s = try await Self.setting(app, count: 2)
            let second = try await app.makeUser("insp2", name: "赵监督", roles: [.inspector], department: s.department.id)
            let caller = try await app.caller(for: s.head)
            let ids = s.units.map { $0.id!.uuidString }
            _ = try await EntityAssignment.assign(.init(target: "selected", ids: ids, inspector: "insp1"), by: caller)
            // when
            _ = try await EntityAssignment.assign(.init(target: "selected", ids: [ids[0]], inspector: "insp2"), by: caller)
            _ = try await EntityAssignment.assign(.init(target: "selected", ids: [ids[1]], inspector: "insp2", replaceInspectors: true), by: caller)
            // then
            #expect(Set(try await EntityQueries.inspectorIDs(s.units[0].id!, on: app.db)) == [s.inspector.id!, second.id!])
            #expect(try await EntityQueries.inspectorIDs(s.units[1].id!, on: app.db) == [second.id!])
        }
    }

    @Test func badChoicesAreNamedAndNothingChanges() async throws {
        try await withTestApp { app in
            // given
            let s = try await Self.setting(app, count: 1)
            let caller = try await app.caller(for: s.head)
            let id = s.units[0].id!.uuidString
            // when / then: nothing chosen, nothing selected
            let empty = await #expect(throws: ValidationErrors.self) {
                _ = try await EntityAssignment.assign(.init(target: "selected", ids: []), by: caller)
            }
            #expect(empty?.errors.map(\.field).sorted() == ["指派内容", "指派范围"])
            // a department outside the head's scope, an unknown inspector, a 片区 that is too long
            let bad = await #expect(throws: ValidationErrors.self) {
                _ = try await EntityAssignment.assign(.init(target: "selected", ids: [id], departmentID: s.other.id!.uuidString,
                                                            area: String(repeating: "区", count: 51), inspector: "nosuch"), by: caller)
            }
            #expect(Set(bad?.errors.map(\.field) ?? []) == ["责任科室", "片区", "监督员"])
            #expect(bad?.errors.first { $0.field == "责任科室" }?.message.contains("不在您的数据范围内") == true)
            #expect(try await SupervisedEntity.find(s.units[0].id, on: app.db)?.departmentID == s.department.id)
            #expect(!(try await app.auditActions().contains("entity.assign")))
        }
    }

    @Test func aSelectedUnitOutsideTheScopeIsRefusedAndAudited() async throws {
        try await withTestApp { app in
            // given
            let s = try await Self.setting(app, count: 1)
            let theirs = try await app.makeEntity(.fixture(name: "职业卫生某厂", creditCode: nil, address: "鼓楼区东街9号", department: s.other.id))
            // when
            await #expect(throws: Abort.self) {
                _ = try await EntityAssignment.assign(.init(target: "selected", ids: [s.units[0].id!.uuidString, theirs.id!.uuidString], area: "三片区"),
                                                      by: try await app.caller(for: s.head))
            }
            // then
            #expect(try await app.auditActions().contains("access.outOfScope"))
            #expect(try await SupervisedEntity.find(s.units[0].id, on: app.db)?.area == nil)
        }
    }

    @Test func theListOffersTheAssignmentAndKeepsTheChoiceWhenRefused() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let s = try await Self.setting(app, count: 2)
            let browser = try await app.signIn(s.head)
            try await app.testing().test(.GET, "/app/entities", headers: browser.headers) { res async in
                #expect(res.body.string.contains(#"id="assign-form""#))
                #expect(res.body.string.contains(#"name="ids[]" value="\#(s.units[0].id!.uuidString)""#))
                let choices = res.body.string.components(separatedBy: #"id="assign-department""#).last?.components(separatedBy: "</select>").first ?? ""
                #expect(choices.contains("公共场所科"))
                #expect(!choices.contains("职业卫生科"), "a department outside the scope is not offered")
            }
            // when: assigned without choosing anything
            try await app.testing().test(.POST, "/app/entities/assign", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "target": "selected", "ids[]": s.units[0].id!.uuidString, "area": ""])) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("指派内容：请至少选择责任科室、片区或监督员中的一项"))
                #expect(res.body.string.contains(#"value="\#(s.units[0].id!.uuidString)" aria-label="选择福州第1宾馆" checked"#), "the selection is kept")
            }
            // when: assigned properly
            try await app.testing().test(.POST, "/app/entities/assign", headers: .formHeaders(cookie: browser.cookie),
                                         body: form(["_csrf": browser.csrf, "target": "filter", "filters[q]": "", "area": "一片区"])) { res async in
                #expect(res.status == .seeOther)
            }
            // then
            #expect(try await SupervisedEntity.query(on: app.db).filter(\.$area == "一片区").count() == 2)
        }
    }
}
