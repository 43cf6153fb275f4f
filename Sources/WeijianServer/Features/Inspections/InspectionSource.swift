/// Why an inspection took place (检查来源).
enum InspectionSource: String, Codable, Sendable, CaseIterable {
    case randomCheck, routine, special, complaint, assigned, followUp

    var chinese: String {
        switch self {
        case .randomCheck: "双随机"
        case .routine: "日常"
        case .special: "专项"
        case .complaint: "投诉举报"
        case .assigned: "上级交办"
        case .followUp: "复查"
        }
    }
}

/// Where a recorded inspection stands.
enum InspectionStatus: String, Codable, Sendable {
    /// Being recorded, section by section.
    case draft
    /// Submitted: numbered, scored, its documents may be issued.
    case submitted

    var chinese: String { self == .draft ? "草稿" : "已提交" }
}
