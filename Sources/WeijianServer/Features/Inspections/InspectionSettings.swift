import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Settings of the inspection duty: the time limit for entering a record after the visit
/// (regulation 三(三)1, default 5 working days).
struct InspectionSettings: StoredSetting, Equatable {
    var entryWorkingDays = 5

    static let key = "inspections"

    /// The entry rule with the configured number of days.
    var entryRule: DeadlineRule {
        let base = DeadlineRule.defaults.first { $0.code == "info.entry" }!
        return DeadlineRule(code: base.code, name: "检查记录录入", days: entryWorkingDays, count: .workingDays, legalBasis: "制度 三(三)1；" + base.legalBasis)
    }

    func save(by caller: Caller) async throws {
        guard (1...30).contains(entryWorkingDays) else {
            throw ValidationError(field: "检查记录录入时限（工作日）", code: "setting.range", message: "应在1到30之间")
        }
        try await store(by: caller, action: .settingsDocuments, details: ["entryWorkingDays": String(entryWorkingDays)])
    }
}
