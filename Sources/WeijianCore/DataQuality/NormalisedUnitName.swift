/// A supervised unit's name reduced to what identifies it, for duplicate checks.
///
/// "福州鼓楼康乐宾馆有限责任公司" at 福州市鼓楼区… and "康乐宾馆" both reduce to the core "康乐宾馆":
/// characters are folded (traditional, width, brackets — `ChineseTextFolding`), a legal note in
/// brackets (个体工商户, 普通合伙) and a bracket of divisions are dropped, the legal form is dropped
/// altogether (its kind kept: a 股份 company is not the 有限 company of the same name), a branch is
/// split off (branches of one chain are different units), and leading divisions are stripped —
/// short place names only when they are places here, not the brand (同仁堂, 和平).
public struct NormalisedUnitName: Sendable {
    /// What is left: the trade name and the industry word (康乐宾馆).
    public let core: String
    /// The branch ("五四路店"), nil when the name names none.
    public let branch: String?
    /// The legal form's kind: 股份, 有限 or 公司; nil when none was written.
    public let form: String?
    /// The industry word ending the core (宾馆), nil when none of the known ones.
    public let industry: String?
    /// Divisions the name carries (stripped from its front or in brackets).
    public let divisions: [DivisionIndex.Division]
    let coreScalars: [Unicode.Scalar]

    static let legalForms = ["股份有限公司", "有限责任公司", "责任有限公司", "有限公司", "股份公司", "公司"].map { Array($0.unicodeScalars) }
    static let legalNotes = ["个体工商户", "个人独资企业", "个人独资", "普通合伙", "有限合伙", "合伙企业", "个体"].map { Array($0.unicodeScalars) }
    static let branchMarkers = ["分公司", "分店", "门店", "营业部", "分部", "分院", "分厂", "店"].map { Array($0.unicodeScalars) }
    static let company = Array("公司".unicodeScalars)

    /// Industry words (行业用语), grouped where two words name one trade.
    static let industryGroups: [[String]] = [
        ["大酒店", "酒店", "大宾馆", "宾馆", "大饭店", "饭店", "旅馆", "旅社", "旅店", "客栈", "招待所", "公寓", "民宿"],
        ["洗浴中心", "洗浴", "浴室", "浴池", "澡堂"], ["足浴城", "足浴店", "足浴", "足道", "足疗"],
        ["理发店", "美发店", "美发厅", "美发", "理发", "发廊", "发型", "美发沙龙"], ["美容院", "美容店", "美容", "美容会所"],
        ["美甲店", "美甲"], ["养生馆", "养生会所", "养生会馆"], ["游泳馆", "游泳池", "游泳场", "游泳中心", "游泳健身中心"], ["健身会所", "健身中心", "健身房"],
        ["网吧", "网咖"], ["KTV", "歌舞厅", "歌厅"], ["影城", "电影院", "影院"], ["茶楼", "茶馆"], ["超市", "商场", "购物中心", "百货"],
        ["人民医院", "医院"], ["中医院"], ["卫生院"], ["妇幼保健院"], ["诊所"], ["门诊部"], ["卫生服务中心"],
        ["幼儿园", "幼稚园"], ["小学"], ["中学"], ["学校"], ["托育中心"], ["早教中心"], ["培训中心", "培训学校"], ["自来水厂", "水厂"], ["供水站"],
    ]
    static let industryGroup: [String: Int] = {
        var map: [String: Int] = [:]
        for (index, group) in industryGroups.enumerated() { for word in group { map[word] = index } }
        return map
    }()
    static let industryWords = industryGroup.keys.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }

    public init(_ raw: String, divisions index: DivisionIndex = .empty, addressDivisions: [DivisionIndex.Division] = []) {
        var found: [DivisionIndex.Division] = []
        // Bracket groups: a legal note or only divisions goes; anything else stays for the branch rule.
        var text: [Unicode.Scalar] = []
        let folded = Array(ChineseTextFolding.fold(raw).unicodeScalars)
        var position = 0
        while position < folded.count {
            if folded[position] == "(", let close = folded[(position + 1)...].firstIndex(where: { $0 == ")" || $0 == "(" }), folded[close] == ")" {
                let inside = folded[(position + 1)..<close]
                if Self.legalNotes.contains(where: { inside.elementsEqual($0) }) {
                    position = close + 1
                    continue
                }
                if let places = index.only(inside) {
                    found += places
                    position = close + 1
                    continue
                }
                text += folded[position...close]
                position = close + 1
                continue
            }
            text.append(folded[position])
            position += 1
        }
        let (brand, branch) = Self.splitBranch(text)
        self.branch = branch.map { String(scalars: $0) }
        var core = brand.filter { $0 != "(" && $0 != ")" }
        var form: String?
        var changed = true
        while changed {
            changed = false
            for note in Self.legalNotes where core.count > note.count + 1 && core.ends(with: note) {
                core.removeLast(note.count)
                changed = true
            }
            if let legal = Self.legalForms.first(where: { core.count > $0.count + 1 && core.ends(with: $0) }) {
                core.removeLast(legal.count)
                changed = true
                let name = String(scalars: legal)
                form = form ?? (name.contains("股份") ? "股份" : name.contains("有限") ? "有限" : "公司")
            }
        }
        self.form = form
        let (rest, stripped) = index.strip(core, forName: true, levels: 3, known: addressDivisions)
        found += stripped
        divisions = found
        let scalars = Array(rest)
        coreScalars = scalars
        self.core = String(scalars: rest)
        industry = Self.industryWords.first { scalars.count > $0.count && scalars.ends(with: $0) }.map { String(scalars: $0) }
    }

    /// Splits "如家酒店(五四路店)" into brand and branch, and "某某有限公司五四路分公司" after its
    /// first 公司; without brackets or a 公司 the boundary cannot be told, and the name stays whole.
    static func splitBranch(_ name: [Unicode.Scalar]) -> (brand: [Unicode.Scalar], branch: [Unicode.Scalar]?) {
        func isBranch(_ part: ArraySlice<Unicode.Scalar>) -> Bool { part.count >= 2 && branchMarkers.contains { part.ends(with: $0) } }
        if name.last == ")", let open = name.lastIndex(of: "(") {
            let inside = name[(open + 1)..<(name.count - 1)]
            if isBranch(inside), open > 0 { return (Array(name[..<open]), Array(inside)) }
        }
        if let at = name.firstRange(of: company), at.upperBound < name.count {
            let rest = name[at.upperBound...]
            if isBranch(rest) { return (Array(name[..<at.upperBound]), Array(rest)) }
        }
        return (name, nil)
    }
}

extension BidirectionalCollection where Element: Equatable {
    func ends<Suffix: BidirectionalCollection>(with suffix: Suffix) -> Bool where Suffix.Element == Element {
        reversed().starts(with: suffix.reversed())
    }
}
