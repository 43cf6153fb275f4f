import WeijianCore

/// The kinds of enforcement document (执法文书) the engine issues, each with its default number
/// pattern (the administrator sets each kind's pattern in 文书与检查设置): the inspections' two and
/// the penalty case's (DOMAIN.md Workflows: 文号 `{地区}卫{类别}{性质}〔{年份}〕{序号}号`; numbered forms
/// `{年份}{序号}`).
enum DocumentKind: String, Codable, Sendable, CaseIterable {
    /// 现场检查笔录: a numbered form.
    case inspectionRecord
    /// 卫生监督意见书.
    case supervisionOpinion
    case caseSource, caseFiling, inquiryRecord, investigationReport, deliberationRecord, legalReviewOpinion
    case penaltyNotice, hearingNotice, hearingRecord, penaltyDecision, serviceReceipt, caseTransfer, closingReport

    var chinese: String {
        switch self {
        case .inspectionRecord: "现场检查笔录"
        case .supervisionOpinion: "卫生监督意见书"
        case .caseSource: "案件来源登记表"
        case .caseFiling: "立案报批表"
        case .inquiryRecord: "询问笔录"
        case .investigationReport: "案件调查终结报告"
        case .deliberationRecord: "合议记录"
        case .legalReviewOpinion: "法制审核意见"
        case .penaltyNotice: "行政处罚事先告知书"
        case .hearingNotice: "听证告知书"
        case .hearingRecord: "听证笔录"
        case .penaltyDecision: "行政处罚决定书"
        case .serviceReceipt: "送达回执"
        case .caseTransfer: "案件移送书"
        case .closingReport: "结案报告"
        }
    }

    /// `X卫公监意〔2026〕12号` for the 意见书, `X卫公罚〔2026〕12号` for a decision; forms are numbered `{年份}{序号}`.
    var defaultPattern: String {
        switch self {
        case .inspectionRecord: "{地区}卫监检〔{年份}〕{序号}号"
        case .supervisionOpinion: "{地区}卫{类别}监意〔{年份}〕{序号}号"
        case .penaltyNotice: "{地区}卫{类别}罚告〔{年份}〕{序号}号"
        case .hearingNotice: "{地区}卫{类别}听告〔{年份}〕{序号}号"
        case .penaltyDecision: "{地区}卫{类别}罚〔{年份}〕{序号}号"
        case .caseTransfer: "{地区}卫{类别}移〔{年份}〕{序号}号"
        case .caseSource, .caseFiling, .inquiryRecord, .investigationReport, .deliberationRecord, .legalReviewOpinion, .hearingRecord,
             .serviceReceipt, .closingReport: "{年份}{序号:4}"
        }
    }
}
