import WeijianCore

/// The kinds of enforcement document (执法文书) the engine issues, each with its default number
/// pattern (the administrator sets each kind's pattern in 文书设置). The cases feature adds its
/// kinds here.
enum DocumentKind: String, Codable, Sendable, CaseIterable {
    /// 现场检查笔录: a numbered form.
    case inspectionRecord
    /// 卫生监督意见书.
    case supervisionOpinion

    var chinese: String {
        switch self {
        case .inspectionRecord: "现场检查笔录"
        case .supervisionOpinion: "卫生监督意见书"
        }
    }

    /// `X卫公监意〔2026〕12号` for the 意见书; the 笔录 is a numbered form (`{年份}{序号}`, DOMAIN.md).
    var defaultPattern: String {
        switch self {
        case .inspectionRecord: "{地区}卫监检〔{年份}〕{序号}号"
        case .supervisionOpinion: "{地区}卫{类别}监意〔{年份}〕{序号}号"
        }
    }
}
