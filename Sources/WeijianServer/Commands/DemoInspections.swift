import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Two years of inspections for the demo units, recorded through the same queries the forms use
/// (header, results, submission), by the pair of inspectors of each unit's department, dated
/// through the last two years: so every demo unit that has a checklist has a grade, a history and
/// sometimes items to correct. A large benchmark registry gets them for its first units only.
struct DemoInspections {
    let app: Application
    let seed: UInt64

    /// Units that get inspections; beyond this a demo registry is for the benchmarks.
    static let unitLimit = 2_000

    func load(now: Date) async throws -> Int {
        let db = app.db
        var random = SeededRandom(seed: seed &+ 12)
        let today = LocalDate(instant: now)
        // Each department's inspectors with a certificate, as callers.
        var teams: [UUID: [CurrentUser]] = [:]
        let profiles = try await StaffProfile.query(on: db).filter(\.$certificateNumber != nil).with(\.$user).all()
        for profile in profiles.sorted(by: { $0.user.username < $1.user.username }) {
            guard let department = profile.user.$department.id, profile.user.status == .active else { continue }
            teams[department, default: []].append(try await CurrentUser.load(profile.user, sessionID: nil, csrfToken: nil, on: db))
        }
        var checklists: [String: Bool] = [:]
        let units = try await SupervisedEntity.query(on: db).sort(\.$unitCode).limit(Self.unitLimit).all()
        var recorded = 0
        for unit in units {
            guard let department = unit.departmentID, let team = teams[department], team.count >= 2 else { continue }
            if checklists[unit.categoryCode] == nil {
                checklists[unit.categoryCode] = try await ChecklistQueries.forCategory(unit.categoryCode, on: db) != nil
            }
            guard checklists[unit.categoryCode] == true else { continue }
            let visits = Int(random.next() % 3) + 2
            let days = (0..<visits).map { _ in Int(random.next() % 720) + 1 }.sorted(by: >)
            var plans: [(date: LocalDate, lead: Int, source: InspectionSource, late: Bool)] = []
            for day in days {
                plans.append((today.adding(days: -day), Int(random.next() % 2), [.routine, .randomCheck, .special, .complaint][Int(random.next() % 4)],
                              random.next() % 20 == 0))
            }
            let planned = plans
            let draws = (0..<200).map { _ in Int(random.next() % 100) }
            try await db.writeTransaction { tx in
                var cursor = 0
                for (date, lead, source, late) in planned {
                    let pair = lead == 0 ? [team[0], team[1]] : [team[1], team[0]]
                    let entered = date.adding(days: late ? 12 : 1)
                    let at = Date(timeIntervalSince1970: Double(min(entered, today).daysSinceEpoch) * 86_400 + 2 * 3_600)
                    let caller = Caller(actor: Actor(pair[0]), user: pair[0], scope: pair[0].scope, ip: "", db: tx, now: at, keys: app.keyStore, tables: app.codeTables)
                    var input = InspectionQueries.Input(source: source.rawValue, inspectedOn: date.description, startTime: "09:30", endTime: "11:00",
                                                        inspectorIDs: pair.map(\.id.uuidString), representative: unit.legalRepName ?? "负责人")
                    let id = try await InspectionQueries.create(input, entity: unit, app: app, by: caller)
                    guard let record = try await InspectionQueries.record(id, on: tx),
                          let checklist = try await ChecklistQueries.find(record.checklistID, on: tx)?.checklist else { continue }
                    let items = checklist.items.map { item -> InspectionQueries.ItemInput in
                        let draw = draws[cursor % draws.count]
                        cursor += 1
                        if draw < 8 { return .init(item: item.code, result: "nonconform", finding: "现场检查发现该项不符合要求，已当场指出") }
                        if draw < 11 && item.mayBeNotApplicable { return .init(item: item.code, result: "notApplicable") }
                        return .init(item: item.code, result: "conform")
                    }
                    try await InspectionQueries.saveResults(items, inspection: record, checklist: checklist, by: caller)
                    let failing = items.contains { $0.result == "nonconform" }
                    input.conclusion = failing ? "存在不符合项，已下达卫生监督意见书，责令限期改正。" : "检查项目均符合要求。"
                    input.rectificationDeadline = failing ? date.adding(days: 15).description : nil
                    try await InspectionQueries.submit(input, inspection: record, checklist: checklist, by: caller)
                }
            }
            recorded += plans.count
        }
        return recorded
    }
}
