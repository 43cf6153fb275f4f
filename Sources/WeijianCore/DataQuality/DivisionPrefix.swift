/// Strips the administrative divisions people put in front of a unit's name or address
/// ("福建省福州市鼓楼区五四路12号" → "五四路12号"), so that entries written with and without them
/// compare equal.
///
/// The rule is generic rather than a place-name list: a leading run of 2–8 Chinese characters that
/// ends in 省, 市, 区, 县 or 自治州 (and, for addresses, 街道 or 镇) is a division, taking the
/// shortest such run each time. Words that end in those characters without being places are
/// protected: a run ending in 超市, 城市, 门市, 社区, 景区, 小区 … is kept, as is a 市 followed by
/// 场, 政, 民 … (菜市场, 福州市政工程, 市民广场), and at least two characters always remain. The
/// heuristic can still strip a brand that looks like a place ("城关区…"); matching on it only
/// proposes candidates for a person to confirm.
enum DivisionPrefix {
    static let unitSuffixes = ["自治州", "省", "市", "区", "县"]
    static let addressSuffixes = unitSuffixes + ["街道", "镇"]
    /// Two-character endings that are ordinary words, not divisions.
    static let protectedEndings: Set<String> = [
        "超市", "城市", "都市", "门市", "夜市", "集市", "菜市", "花市", "股市", "街市", "早市", "闹市", "上市",
        "景区", "园区", "社区", "小区", "校区", "厂区", "营区", "片区", "街区", "商区", "矿区", "山区", "郊区", "专区", "市区",
        "小镇", "古镇",
    ]
    /// A division ending followed by one of these is a word: 市场, 市政, 市民, 区域 ….
    static let protectedFollowers: [Character: Set<Character>] = [
        "市": ["场", "政", "民", "容", "级", "长", "委", "井", "面", "值"],
        "区": ["域", "别", "间", "块"],
        "县": ["级", "城"],
        "省": ["级", "钱", "心"],
    ]

    static let unitSuffixScalars = unitSuffixes.map { Array($0.unicodeScalars) }
    static let addressSuffixScalars = addressSuffixes.map { Array($0.unicodeScalars) }

    /// `text` without up to `levels` leading divisions ending in one of `suffixes`. Works on
    /// Unicode scalars (every character of a division is one): Character comparisons normalise
    /// and cost a bulk import more than its encryption.
    static func strip(_ text: String, suffixes: [String], levels: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        let endings = suffixes == addressSuffixes ? addressSuffixScalars : suffixes == unitSuffixes ? unitSuffixScalars : suffixes.map { Array($0.unicodeScalars) }
        var start = 0
        for _ in 0..<levels {
            guard let length = divisionLength(scalars, from: start, suffixes: endings) else { break }
            start += length
        }
        return start == 0 ? text : String(String.UnicodeScalarView(scalars[start...]))
    }

    /// The length of the shortest division at `start`, if there is one.
    static func divisionLength(_ scalars: [Unicode.Scalar], from start: Int, suffixes: [[Unicode.Scalar]]) -> Int? {
        let available = min(11, scalars.count - start)
        guard available >= 4, SearchTokenizer.isHan(scalars[start]) else { return nil }
        for length in 2...8 where length + 2 <= available {
            guard SearchTokenizer.isHan(scalars[start + length - 1]) else { return nil }
            let end = start + length
            guard let suffix = suffixes.first(where: { length >= $0.count && scalars[(end - $0.count)..<end].elementsEqual($0) }) else { continue }
            if protectedEndings.contains(String(String.UnicodeScalarView(scalars[(end - 2)..<end]))) { return nil }
            if let last = suffix.last, protectedFollowers[Character(last)]?.contains(Character(scalars[end])) == true { return nil }
            return length
        }
        return nil
    }
}
