import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Settings of the inspection duty: the time limit for entering a record after the visit
/// (regulation 三(三)1, default 5 working days).
struct InspectionSettings: StoredSetting, Equatable {
    var entryWorkingDays = 5
    /// The weights of the risk score's factors (风险分级).
    var riskWeights = RiskScore.Weights()

    static let key = "inspections"

    init() {}

    init(entryWorkingDays: Int, riskWeights: RiskScore.Weights = RiskScore.Weights()) {
        self.entryWorkingDays = entryWorkingDays
        self.riskWeights = riskWeights
    }

    /// A stored value from before a setting existed keeps its other values.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entryWorkingDays = try container.decodeIfPresent(Int.self, forKey: .entryWorkingDays) ?? 5
        riskWeights = try container.decodeIfPresent(RiskScore.Weights.self, forKey: .riskWeights) ?? RiskScore.Weights()
    }

    /// The entry rule with the configured number of days.
    var entryRule: DeadlineRule {
        let base = DeadlineRule.defaults.first { $0.code == "info.entry" }!
        return DeadlineRule(code: base.code, name: "检查记录录入", days: entryWorkingDays, count: .workingDays, legalBasis: "制度 三(三)1；" + base.legalBasis)
    }

    func save(by caller: Caller) async throws {
        guard (1...30).contains(entryWorkingDays) else {
            throw ValidationError(field: "检查记录录入时限（工作日）", code: "setting.range", message: "应在1到30之间")
        }
        let weights = [riskWeights.violations, riskWeights.grade, riskWeights.complaints, riskWeights.sinceInspection, riskWeights.licence, riskWeights.category]
        guard weights.allSatisfy({ (0...100).contains($0) }), weights.reduce(0, +) > 0 else {
            throw ValidationError(field: "风险评分权重", code: "setting.range", message: "每项应在0到100之间，且不能全为0")
        }
        try await store(by: caller, action: .settingsDocuments,
                        details: ["entryWorkingDays": String(entryWorkingDays), "riskWeights": weights.map { Grading.text($0) }.joined(separator: "/")])
    }
}
