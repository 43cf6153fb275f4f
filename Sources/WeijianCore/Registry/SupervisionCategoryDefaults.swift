/// Whether a kind of supervised unit needs a health licence (卫生许可), a filing (备案) or neither.
public enum Licensing: String, Sendable, Codable, CaseIterable {
    case licence, filing, none

    public var chinese: String {
        switch self {
        case .licence: "需卫生许可"
        case .filing: "备案管理"
        case .none: "无需许可"
        }
    }
}

/// One node of the supervision category tree (专业类别) as shipped; the administrator extends it.
public struct CategoryNode: Sendable, Equatable {
    public let code: String
    public let name: String
    public let parent: String?
    public let licensing: Licensing
    /// Years a licence of this kind is valid (nil: no fixed term).
    public let validYears: Int?
    /// Years between reviews (复核) within the validity, e.g. public places every 2 years.
    public let reviewYears: Int?

    public init(code: String, name: String, parent: String?, licensing: Licensing, validYears: Int? = nil, reviewYears: Int? = nil) {
        self.code = code
        self.name = name
        self.parent = parent
        self.licensing = licensing
        self.validYears = validYears
        self.reviewYears = reviewYears
    }

    /// The top-level category a code belongs to: codes start with their top-level's two letters.
    public static func topLevel(of code: String) -> String { String(code.prefix(2)) }
}

/// The tree of DOMAIN.md "Supervision categories": 8 top-level categories; 公共场所 with its
/// 7 classes and 28 kinds. Kinds that no longer need a licence carry `.none`.
public enum SupervisionCategoryDefaults {
    public static let topLevel: [(String, String)] = [
        ("GG", "公共场所"), ("YS", "生活饮用水"), ("YL", "医疗卫生"), ("XX", "学校卫生"),
        ("ZY", "职业卫生"), ("FS", "放射卫生"), ("CR", "传染病防治"), ("XD", "消毒产品"),
    ]

    public static let nodes: [CategoryNode] = {
        var nodes = topLevel.map { CategoryNode(code: $0.0, name: $0.1, parent: nil, licensing: .none) }
        // 公共场所卫生管理条例: 7 classes, 28 kinds; licence valid 4 years, reviewed every 2.
        let publicPlaces: [(String, String, [(String, Bool)])] = [
            ("01", "住宿与交际场所", [("宾馆", true), ("饭馆", false), ("旅店", true), ("招待所", true), ("车马店", true),
                                ("咖啡馆", false), ("酒吧", false), ("茶座", false)]),
            ("02", "洗浴与美容场所", [("公共浴室", true), ("理发店", true), ("美容店", true)]),
            ("03", "文化娱乐场所", [("影剧院", true), ("录像厅（室）", true), ("游艺厅（室）", true), ("舞厅", true), ("音乐厅", true)]),
            ("04", "体育与游乐场所", [("体育场（馆）", false), ("游泳场（馆）", true), ("公园", false)]),
            ("05", "文化交流场所", [("展览馆", true), ("博物馆", true), ("美术馆", true), ("图书馆", true)]),
            ("06", "购物场所", [("商场（店）", true), ("书店", true)]),
            ("07", "就诊与交通场所", [("候诊室", true), ("候车（机、船）室", true), ("公共交通工具", false)]),
        ]
        for (classCode, className, kinds) in publicPlaces {
            nodes.append(CategoryNode(code: "GG\(classCode)", name: className, parent: "GG", licensing: .none))
            for (index, kind) in kinds.enumerated() {
                nodes.append(CategoryNode(code: "GG\(classCode)\(String(format: "%02d", index + 1))", name: kind.0, parent: "GG\(classCode)",
                                          licensing: kind.1 ? .licence : .none, validYears: kind.1 ? 4 : nil, reviewYears: kind.1 ? 2 : nil))
            }
        }
        nodes += [
            CategoryNode(code: "YS01", name: "集中式供水", parent: "YS", licensing: .licence, validYears: 4),
            CategoryNode(code: "YS02", name: "小型集中式供水", parent: "YS", licensing: .licence, validYears: 4),
            CategoryNode(code: "YS03", name: "二次供水", parent: "YS", licensing: .licence, validYears: 4),
            CategoryNode(code: "YS04", name: "涉水产品", parent: "YS", licensing: .licence, validYears: 4),
            CategoryNode(code: "YL01", name: "医疗机构", parent: "YL", licensing: .licence, validYears: 5),
            // 诊所备案管理暂行办法 (2023-03-01): clinics are filed, not licensed.
            CategoryNode(code: "YL02", name: "诊所", parent: "YL", licensing: .filing),
            CategoryNode(code: "YL03", name: "中医", parent: "YL", licensing: .licence, validYears: 5),
            CategoryNode(code: "YL04", name: "母婴保健", parent: "YL", licensing: .licence, validYears: 3),
            CategoryNode(code: "YL05", name: "采供血", parent: "YL", licensing: .licence, validYears: 3),
            CategoryNode(code: "XX01", name: "中小学校", parent: "XX", licensing: .none),
            CategoryNode(code: "XX02", name: "托幼机构", parent: "XX", licensing: .none),
            CategoryNode(code: "XX03", name: "高等学校", parent: "XX", licensing: .none),
            CategoryNode(code: "ZY01", name: "用人单位", parent: "ZY", licensing: .none),
            CategoryNode(code: "ZY02", name: "职业卫生技术服务机构", parent: "ZY", licensing: .none),
            CategoryNode(code: "FS01", name: "放射诊疗机构", parent: "FS", licensing: .licence, reviewYears: 2),
            CategoryNode(code: "FS02", name: "放射卫生技术服务机构", parent: "FS", licensing: .none),
            CategoryNode(code: "CR01", name: "医疗机构传染病防治", parent: "CR", licensing: .none),
            CategoryNode(code: "CR02", name: "病原微生物实验室", parent: "CR", licensing: .none),
            CategoryNode(code: "XD01", name: "消毒产品生产企业", parent: "XD", licensing: .licence, validYears: 4),
            CategoryNode(code: "XD02", name: "餐具饮具集中消毒单位", parent: "XD", licensing: .none),
        ]
        return nodes
    }()
}
