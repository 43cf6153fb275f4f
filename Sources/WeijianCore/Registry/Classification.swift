/// The regulation's classification axes that every record carries (DESIGN.md "Data"):
/// 业务类型 (the supervision category), 信息性质, 信息来源, plus a sensitivity level.
public enum InformationNature: String, Sendable, Codable, CaseIterable {
    case basic, dynamic, statistical, analytical

    public var chinese: String {
        switch self {
        case .basic: "基础信息"
        case .dynamic: "动态信息"
        case .statistical: "统计信息"
        case .analytical: "分析信息"
        }
    }
}

public enum InformationSource: String, Sendable, Codable, CaseIterable {
    /// Entered by the institute's staff.
    case `internal`
    /// Reported by a supervised unit or another body (the portal, an import from another agency).
    case external

    public var chinese: String { self == .internal ? "内部" : "外部" }
}

public enum Sensitivity: String, Sendable, Codable, CaseIterable {
    case open, `internal`, personal, confidential

    public var chinese: String {
        switch self {
        case .open: "可公开"
        case .internal: "内部"
        case .personal: "含个人信息"
        case .confidential: "涉密"
        }
    }
}

/// The three axes and the sensitivity as shown on a record.
public struct Classification: Sendable, Codable, Equatable {
    public let businessType: String
    public let nature: InformationNature
    public let source: InformationSource
    public let sensitivity: Sensitivity

    public init(businessType: String, nature: InformationNature, source: InformationSource, sensitivity: Sensitivity) {
        self.businessType = businessType
        self.nature = nature
        self.source = source
        self.sensitivity = sensitivity
    }

    public var summary: String {
        "业务类型：\(businessType)；信息性质：\(nature.chinese)；信息来源：\(source.chinese)；敏感级别：\(sensitivity.chinese)"
    }
}
