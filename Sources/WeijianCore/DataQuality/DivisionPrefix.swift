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

    /// `text` without up to `levels` leading divisions ending in one of `suffixes`.
    static func strip(_ text: String, suffixes: [String], levels: Int) -> String {
        var rest = Substring(text)
        for _ in 0..<levels {
            guard let length = divisionLength(at: rest, suffixes: suffixes) else { break }
            rest = rest.dropFirst(length)
        }
        return String(rest)
    }

    /// The length of the shortest division at the start of `text`, if there is one.
    static func divisionLength(at text: Substring, suffixes: [String]) -> Int? {
        let characters = Array(text.prefix(11))
        for length in 2...8 where length + 2 <= characters.count {
            let run = characters[..<length]
            guard run.allSatisfy({ $0.unicodeScalars.allSatisfy(SearchTokenizer.isHan) }) else { return nil }
            // Standard-library comparisons only: Foundation's hasSuffix goes through NSString on Linux.
            guard let suffix = suffixes.first(where: { run.count >= $0.count && run.suffix($0.count).elementsEqual($0) }) else { continue }
            if protectedEndings.contains(String(run.suffix(2))) { return nil }
            if let last = suffix.last, protectedFollowers[last]?.contains(characters[length]) == true { return nil }
            return length
        }
        return nil
    }
}
