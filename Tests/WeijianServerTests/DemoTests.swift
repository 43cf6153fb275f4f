import Fluent
import Foundation
import Testing
import Vapor
import WeijianCore
@testable import WeijianServer

@Suite("Demo data and the import benchmark's file")
struct DemoTests {
    /// The README's trial: `weijian demo` loads units, accounts and a submission of each state —
    /// the water test only from a water unit, which alone may send it.
    @Test func theDemoLoadsSubmissionsEachUnitsCategoryMaySend() async throws {
        try await withTestApp { app in
            // when
            let report = try await DemoLoader(app: app, seed: 7).load(units: 120, relaxSecondFactor: true)
            // then
            #expect(report.accounts.filter { $0.role == Role.entityUser.chinese }.count == 3)
            // Two years of inspections: every unit of a category with a checklist has some, and a grade if it is a public place.
            #expect(report.inspections >= 2)
            let inspected = try await app.db.sql.raw("SELECT COUNT(DISTINCT entity_id) AS n FROM inspections WHERE status = 'submitted'").first()?.decode(column: "n", as: Int.self) ?? 0
            let ungradedPlaces = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n FROM entities e WHERE e.top_category = 'GG' AND e.grade IS NULL
                AND EXISTS (SELECT 1 FROM inspections i WHERE i.entity_id = e.id)
                """).first()?.decode(column: "n", as: Int.self) ?? -1
            #expect(inspected > 10)
            #expect(ungradedPlaces == 0)
            let kinds = try await Submission.query(on: app.db).all().map(\.kind)
            #expect(Set(kinds) == [.entityChange, .selfInspection, .waterMonitoring])
        }
    }

    /// The benchmark imports demo units through the import template: each row lines up with the
    /// header and only carries fields its kind has.
    @Test func aDemoRowLinesUpWithTheTemplateHeaderAndImportsCleanly() async throws {
        try await withTestApp { app in
            var generator = DemoUnits(seed: 11)
            let inputs = (0..<200).map { _ in generator.next() }
            #expect(inputs.allSatisfy { DemoUnits.row($0).count == DemoUnits.header.count })
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            try await DataScopeGrant(userID: officer.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let caller = Caller.acting(as: try await CurrentUser.load(officer, sessionID: nil, csrfToken: nil, on: app.db), app)
            let csv = CSVTable.write([DemoUnits.header] + inputs.map(DemoUnits.row))
            let report = try await EntityImport.run(data: csv, filename: "demo.csv", options: .init(dryRun: true, updateExisting: false), by: caller)
            #expect(report.issues.isEmpty, "\(report.issues.prefix(3).map(\.message))")
        }
    }
}
