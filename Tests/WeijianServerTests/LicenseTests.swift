import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Health licences: lifecycle, terms and reminders")
struct LicenseTests {
    static func issue(_ app: Application, _ entity: SupervisedEntity, number: String = "闽卫公证字〔2026〕第0001号", date: String = "2026-03-01") async throws -> HealthLicense {
        try await LicenseQueries.issue(.init(number: number, scope: "住宿", issuingOrgan: "卫生健康委员会", issueDate: date), entity: entity, by: app.systemCaller)
    }

    @Test func aPublicPlaceLicenceRunsFourYearsWithAReviewAfterTwo() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            // when
            let licence = try await Self.issue(app, entity)
            // then
            #expect(licence.validUntil == "2030-02-28")
            #expect(licence.nextReview == "2028-03-01")
            let found = try await EntitySearch.list(.init(q: "0001号"), scope: .unrestricted, on: app.db)
            #expect(found.total == 1, "the licence number finds its unit")
        }
    }

    @Test func renewalRunsOnFromTheOldExpiryAndEndingALicenceNeedsAReason() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            let licence = try await Self.issue(app, entity)
            app.clock.set(LocalDate("2030-03-01")!.noonInChina)
            // when
            try await LicenseQueries.apply(.init(event: "renew", eventDate: "2030-01-10"), to: licence, entity: entity, by: app.systemCaller)
            var error: ValidationErrors?
            do {
                try await LicenseQueries.apply(.init(event: "revoke", eventDate: "2030-02-01", reason: ""), to: licence, entity: entity, by: app.systemCaller)
            } catch let caught as ValidationErrors { error = caught }
            try await LicenseQueries.apply(.init(event: "cancel", eventDate: "2030-02-01", reason: "单位申请注销"), to: licence, entity: entity, by: app.systemCaller)
            // then
            #expect(licence.validUntil == "2034-02-28")
            #expect(error?.errors.first?.field == "原因")
            #expect(licence.status == .cancelled)
            let rows = try await LicenseQueries.forEntity(entity.id!, today: LocalDate("2030-02-02")!, on: app.db)
            #expect(rows[0].events.map(\.event) == ["注销", "延续", "发证"])
            var afterCancel: ValidationError?
            do {
                try await LicenseQueries.apply(.init(event: "renew", eventDate: "2030-03-01"), to: licence, entity: entity, by: app.systemCaller)
            } catch let caught as ValidationError { afterCancel = caught }
            #expect(afterCancel?.code == "licence.state")
        }
    }

    @Test("Dates are checked against today and each other", arguments: [
        ("2026-12-01", "2030-01-01", "", ""),
        ("2030-01-01", "", "发证日期", "不能晚于2026-12-02"),
        ("1986-12-31", "", "发证日期", "不能早于1987-01-01"),
        ("2026-03-01", "2026-02-01", "有效期至", "应晚于2026-03-01"),
        ("2026-03-01", "2035-01-01", "有效期至", "超过法定有效期4年（最迟2030-02-28）"),
        ("2026-02-30", "", "发证日期", "应为有效日期，格式YYYY-MM-DD"),
    ])
    func licenceDates(issued: String, until: String, field: String, message: String) async throws {
        try await withTestApp { app in
            // given
            app.clock.set(LocalDate("2026-12-02")!.noonInChina)
            let entity = try await app.makeEntity()
            // when
            var refused: ValidationErrors?
            do {
                _ = try await LicenseQueries.issue(.init(number: "闽卫公证字〔2026〕第0009号", scope: "住宿", issuingOrgan: "卫生健康委员会", issueDate: issued,
                                                         validUntil: until), entity: entity, by: app.systemCaller)
            } catch let error as ValidationErrors { refused = error }
            // then
            if field.isEmpty {
                #expect(refused == nil)
            } else {
                #expect(refused?.errors.map(\.description) == ["\(field)：\(message)"])
                #expect(try await HealthLicense.query(on: app.db).count() == 0)
            }
        }
    }

    @Test func anEventCannotBeDatedInTheFutureOrBeforeTheIssue() async throws {
        try await withTestApp { app in
            // given
            app.clock.set(LocalDate("2026-12-02")!.noonInChina)
            let entity = try await app.makeEntity()
            let licence = try await Self.issue(app, entity)
            // when
            var errors: [String] = []
            for date in ["2026-12-03", "2026-02-28"] {
                do {
                    try await LicenseQueries.apply(.init(event: "reissue", eventDate: date), to: licence, entity: entity, by: app.systemCaller)
                } catch let error as ValidationErrors { errors += error.errors.map(\.description) }
            }
            // then
            #expect(errors == ["办理日期：不能晚于2026-12-02", "办理日期：不能早于2026-03-01"])
        }
    }

    @Test func aChangeWithNothingToChangeIsRefusedAndLosesNothing() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            let licence = try await Self.issue(app, entity)
            // when
            var error: ValidationErrors?
            do {
                try await LicenseQueries.apply(.init(event: "change", number: "", scope: "", eventDate: "2026-05-01"), to: licence, entity: entity, by: app.systemCaller)
            } catch let caught as ValidationErrors { error = caught }
            // then
            #expect(error?.errors.first?.code == "change.empty")
            #expect(try await HealthLicense.find(licence.id, on: app.db)?.scope == "住宿")
        }
    }

    @Test func aUnitKindThatNeedsNoLicenceIsRefusedOne() async throws {
        try await withTestApp { app in
            // given: 饭馆 no longer needs a public-place licence
            let entity = try await app.makeEntity(.fixture(category: "GG0102"))
            // when
            var error: ValidationErrors?
            do { _ = try await Self.issue(app, entity) } catch let caught as ValidationErrors { error = caught }
            // then
            #expect(error?.errors.contains { $0.code == "licence.notRequired" } == true)
        }
    }

    @Test func remindersGoOutSixtyThirtyAndSevenDaysAheadOnce() async throws {
        try await withTestApp { app in
            // given
            let inspector = try await app.makeUser("insp1", roles: [.inspector])
            let entity = try await app.makeEntity(inspectors: [inspector.id!])
            _ = try await LicenseQueries.issue(.init(number: "X-1", issuingOrgan: "卫生健康委员会", issueDate: "2022-06-01", validUntil: "2026-05-31"),
                                               entity: entity, by: app.systemCaller)
            // when: 55 days before expiry, twice; then 13 days before
            app.clock.set(LocalDate("2026-04-06")!.noonInChina)
            try await LicensesController.remind(app)
            try await LicensesController.remind(app)
            app.clock.set(LocalDate("2026-05-18")!.noonInChina)
            try await LicensesController.remind(app)
            // then
            let items = try await Inbox.items(for: inspector.id!, on: app.db)
            #expect(items.count == 2)
            #expect(items.contains { $0.title.contains("60天内到期") })
            #expect(items.contains { $0.title.contains("30天内到期") })
            let expiring = try await LicenseQueries.expiring(scope: .unrestricted, withinDays: 30, expired: false, today: LocalDate("2026-05-18")!, on: app.db).rows
            #expect(expiring.map(\.number) == ["X-1"])
            #expect(expiring[0].renewalDue == "2026-05-01")
        }
    }
}
