import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Data cleaning: quality run, merge and undo")
struct DataQualityTests {
    @Test func theRunFindsNearDuplicatesButNotChainStoresAndListsGaps() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity(.fixture(name: "福州市鼓楼区阳光宾馆有限责任公司", creditCode: nil, address: "福建省福州市鼓楼区五四路１２号"))
            try await app.makeEntity(.fixture(name: "阳光宾馆有限公司", creditCode: nil, address: "鼓楼区五四路12号"))
            try await app.makeEntity(.fixture(name: "如家酒店（五四路店）", creditCode: nil, address: "鼓楼区五四路1号"))
            try await app.makeEntity(.fixture(name: "如家酒店（东街口店）", creditCode: nil, address: "鼓楼区东街口88号"))
            // when
            let summary = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            let pairs = try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, on: app.db).rows
            let gaps = try await DataQualityQueries.issues(runID: summary.id, kind: "gap", scope: .unrestricted, on: app.db).rows
            // then
            #expect(summary.duplicates == 1)
            #expect(pairs.count == 1)
            #expect(Set([pairs[0].first.name, pairs[0].second.name]) == ["福州市鼓楼区阳光宾馆有限责任公司", "阳光宾馆有限公司"])
            #expect(gaps.contains { $0.field == "统一社会信用代码" })
            #expect(gaps.contains { $0.field == "卫生许可" }, "a 宾馆 needs a licence and has none")
        }
    }

    @Test func aMergeMovesLicencesAndAnUndoPutsThemBackWhileLaterEditsStay() async throws {
        try await withTestApp { app in
            // given
            let survivor = try await app.makeEntity(.fixture(name: "阳光宾馆有限公司", creditCode: "91350100M000100Y43"))
            let absorbed = try await app.makeEntity(.fixture(name: "阳光宾馆", creditCode: nil, address: "鼓楼区五四路12号"))
            let licence = try await LicenseQueries.issue(.init(number: "L-1", issuingOrgan: "卫生健康委员会", issueDate: "2026-01-05"), entity: absorbed,
                                                         by: app.systemCaller)
            let summary = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            #expect(summary.duplicates == 1)
            let pair = try #require(try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, on: app.db).rows.first)
            // when
            let mergeID = try await DataQualityQueries.merge(survivorID: survivor.id!, absorbedID: absorbed.id!, pairID: pair.id, by: app.systemCaller)
            let movedLicence = try #require(try await HealthLicense.find(licence.id, on: app.db))
            let mergedAway = try #require(try await SupervisedEntity.find(absorbed.id, on: app.db))
            var edit = EntityPages.input(of: survivor, inspectors: [])
            edit.employees = "99"
            try await EntityQueries.update(try #require(try await SupervisedEntity.find(survivor.id, on: app.db)), with: try EntityPages.keepingPersonalData(edit, of: survivor, crypto: app.keyStore.fieldCrypto),
                                           origin: .init(actor: .system, action: "update", comment: "", source: .internal), by: app.systemCaller)
            try await DataQualityQueries.undo(mergeID: mergeID, by: app.systemCaller)
            // then
            #expect(movedLicence.entityID == survivor.id)
            #expect(mergedAway.status == .merged && mergedAway.mergedInto == survivor.id)
            let back = try #require(try await HealthLicense.find(licence.id, on: app.db))
            #expect(back.entityID == absorbed.id)
            let restored = try #require(try await SupervisedEntity.find(absorbed.id, on: app.db))
            #expect(restored.status == .operating && restored.mergedInto == nil)
            #expect(try await SupervisedEntity.find(survivor.id, on: app.db)?.employees == 99, "edits made since stay on the survivor")
            #expect(try await app.auditActions().contains("entity.merge"))
            #expect(try await app.auditActions().contains("entity.unmerge"))
            var again: ValidationError?
            do { try await DataQualityQueries.undo(mergeID: mergeID, by: app.systemCaller) } catch let caught as ValidationError { again = caught }
            #expect(again?.code == "merge.undone")
        }
    }

    @Test func aPairMarkedDifferentIsNotRaisedAgain() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity(.fixture(name: "阳光宾馆有限公司", creditCode: nil))
            try await app.makeEntity(.fixture(name: "阳光宾馆", creditCode: nil, address: "鼓楼区五四路12号"))
            _ = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            let pair = try #require(try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, on: app.db).rows.first)
            // when
            try await DataQualityQueries.markDifferent(pairID: pair.id, by: app.systemCaller)
            _ = try await DataQualityQueries.run(trigger: "test", by: app.systemCaller)
            // then
            #expect(try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, on: app.db).rows.isEmpty)
        }
    }
}
