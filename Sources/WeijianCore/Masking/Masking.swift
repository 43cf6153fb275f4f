/// Masking of natural persons' data on screens, exports and public pages (DOMAIN.md "Masking").
///
/// Every function is idempotent: masking a masked value returns it unchanged.
public enum Masking {
    /// Two-character surnames kept whole: `欧阳**`.
    public static let compoundSurnames: Set<String> = [
        "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛",
        "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容",
        "仲孙", "钟离", "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
        "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐",
        "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "公户", "公玉", "公仪", "梁丘", "公仲",
        "公上", "公门", "公山", "公坚", "左丘", "公伯", "西门", "公祖", "第五", "公乘", "贯丘", "公皙",
        "南荣", "东里", "东宫", "仲长", "子书", "子桑", "即墨", "达奚", "褚师", "吴铭",
    ]

    /// `张三` → `张*`, `欧阳小明` → `欧阳**`.
    public static func personName(_ name: String) -> String {
        let chars = Array(name.trimmingCharacters(in: .whitespaces))
        guard chars.count > 1 else { return String(chars) }
        let keep = chars.count > 2 && compoundSurnames.contains(String(chars.prefix(2))) ? 2 : 1
        return String(chars.prefix(keep)) + String(repeating: "*", count: chars.count - keep)
    }

    /// Mobiles `138****1234`; landlines keep the area code and the last 4 digits.
    public static func phone(_ phone: String) -> String {
        let chars = Array(phone)
        if let dash = chars.firstIndex(of: "-") {
            let area = String(chars[..<dash])
            let rest = Array(chars[(dash + 1)...])
            guard rest.count > 4 else { return phone }
            return area + "-" + String(repeating: "*", count: rest.count - 4) + String(rest.suffix(4))
        }
        guard chars.count >= 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// `110105********002X`: area code and the last four kept.
    public static func idNumber(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }

    /// A home address cut after the street (街道/镇/乡, else 路/街/巷/村): the rest becomes `****`.
    public static func address(_ address: String) -> String {
        if address.hasSuffix("****") { return address }
        for markers in [["街道", "镇", "乡"], ["路", "街", "巷", "村", "大道"]] {
            var best: String.Index?
            for marker in markers {
                if let range = address.range(of: marker), best == nil || range.upperBound < best! {
                    best = range.upperBound
                }
            }
            if let cut = best {
                return cut == address.endIndex ? address : String(address[..<cut]) + "****"
            }
        }
        let chars = Array(address)
        return String(chars.prefix(min(6, chars.count / 2))) + "****"
    }

    /// Bank accounts keep the last 4 digits: `****1234`.
    public static func bankAccount(_ account: String) -> String {
        let digits = account.filter { $0 != " " }
        guard digits.count > 4 else { return String(repeating: "*", count: digits.count) }
        return "****" + String(digits.suffix(4))
    }
}

/// What kind of personal datum a field holds, and so how it is masked.
public enum PersonalDataKind: String, Sendable, Codable, CaseIterable {
    case personName, phone, idNumber, address, bankAccount

    public var chinese: String {
        switch self {
        case .personName: "姓名"
        case .phone: "联系电话"
        case .idNumber: "身份证号"
        case .address: "住址"
        case .bankAccount: "银行账号"
        }
    }

    public func mask(_ value: String) -> String {
        switch self {
        case .personName: Masking.personName(value)
        case .phone: Masking.phone(value)
        case .idNumber: Masking.idNumber(value)
        case .address: Masking.address(value)
        case .bankAccount: Masking.bankAccount(value)
        }
    }
}
