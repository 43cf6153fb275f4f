/// A supervised unit's name reduced to what identifies it, for duplicate checks.
///
/// "福州市鼓楼区阳光宾馆有限责任公司" and "阳光宾馆有限公司" both normalise to "阳光宾馆有限公司":
/// widths, spaces, bracket shapes and letter case are folded (see `ChineseTextFolding`), up to three
/// leading divisions are dropped (see `DivisionPrefix`), and 有限责任公司 is written 有限公司 (the
/// same legal form; 股份有限公司 stays different). A branch named at the end — "如家酒店（五四路店）",
/// "某某有限公司五四路分公司" — is split off, because branches of one chain are different units.
public struct NormalisedUnitName: Hashable, Sendable {
    /// The whole normalised name, branch included.
    public let text: String
    /// The name without its branch and without a trailing 有限公司 or 公司: what two entries for
    /// one unit share however they were typed.
    public let core: String
    /// The branch ("五四路店"), nil when the name names none.
    public let branch: String?

    /// Endings that make a trailing part a branch rather than, say, "(有限合伙)".
    static let branchMarkers = ["分公司", "分店", "门店", "营业部", "分部", "分院", "分厂", "店"]
    static let legalForms = ["有限公司", "公司"]

    public init(_ raw: String) {
        let folded = ChineseTextFolding.fold(raw).replacingScalars("有限责任公司", with: "有限公司")
        text = DivisionPrefix.strip(folded, suffixes: DivisionPrefix.unitSuffixes, levels: 3)
        let (brand, branch) = Self.splitBranch(text)
        self.branch = branch
        var core = String(String.UnicodeScalarView(brand.unicodeScalars.filter { $0 != "(" && $0 != ")" }))
        if let form = Self.legalForms.first(where: { core.hasSuffix($0) && core.count > $0.count + 1 }) {
            core.removeLast(form.count)
        }
        self.core = core
    }

    /// Splits "如家酒店(五四路店)" into brand and branch, and "某某有限公司五四路分公司" after its
    /// first 公司; without brackets or a 公司 the boundary cannot be told, and the name stays whole.
    static func splitBranch(_ name: String) -> (brand: String, branch: String?) {
        if name.hasSuffix(")"), let open = name.lastIndex(of: "(") {
            let inside = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            if isBranch(inside), open > name.startIndex { return (String(name[..<open]), inside) }
        }
        if let company = name.range(of: "公司"), company.upperBound < name.endIndex {
            let rest = String(name[company.upperBound...])
            if isBranch(rest) { return (String(name[..<company.upperBound]), rest) }
        }
        return (name, nil)
    }

    static func isBranch(_ part: String) -> Bool {
        part.count >= 2 && branchMarkers.contains(where: part.hasSuffix)
    }
}
