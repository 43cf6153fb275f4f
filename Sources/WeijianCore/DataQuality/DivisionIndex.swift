/// The administrative divisions (GB/T 2260) people write before, inside or after a unit's name and
/// address, in long form (鼓楼区, 仙游县, 广西壮族自治区) and short form (鼓楼, 仙游, 广西), with their
/// codes and parents — so that 杭州 and 杭州市, 鼓楼 and 鼓楼区 are one place, and 仙游县 and 安溪县
/// two (issue 11: the matcher missed place names written short).
///
/// Built once from the division code table the server loads; without a table, only the generic
/// rule applies (a run of characters ending in 省, 市, 区, 县 …).
public struct DivisionIndex: Sendable {
    /// A division found in a text.
    public struct Division: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable { case table, town, other }
        /// The short form (鼓楼 for 鼓楼区).
        public let short: String
        /// Codes (indices into the table) the name may mean; empty for the generic rule.
        let codes: [Int32]
        public let kind: Kind
        /// Written in full (鼓楼区) or next to a related division (福州鼓楼): only sure divisions
        /// can contradict each other.
        public internal(set) var certain: Bool
        let writtenShort: Bool

        public var description: String { short }
    }

    struct Form: Sendable {
        var codes: [Int32] = []
        /// Codes of the form as an everyday word that is a place only after its parent (城关).
        var stopCodes: [Int32] = []
        var isLong = false
        var short = ""
    }

    let forms: [String: Form]
    let trie: [[UInt32: Int32]]
    /// The form ending at a trie node.
    let terminal: [String?]
    let parent: [Int32]
    let level: [UInt8]
    let longest: Int

    static let suffixes = ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "矿区", "新区", "省", "市", "区", "县", "旗", "盟"]
    static let peoples = ["壮", "回", "维吾尔", "朝鲜", "苗", "侗", "土家", "彝", "藏", "蒙古", "哈尼", "傣", "景颇", "白", "傈僳", "羌", "布依", "黎", "哈萨克",
                          "柯尔克孜", "满", "畲", "瑶", "仫佬", "毛南", "仡佬", "水", "拉祜", "佤", "纳西", "普米", "独龙", "怒", "保安", "东乡", "撒拉", "裕固",
                          "土", "塔吉克", "锡伯", "达斡尔", "鄂温克", "鄂伦春", "布朗", "阿昌", "德昂", "基诺", "京", "各"].sorted { $0.count > $1.count }
    /// Short forms that are everyday words before they are places.
    static let shortStop: Set<String> = ["市中", "城中", "城关", "新城", "古城", "城东", "城西", "城南", "城北", "郊区", "东区", "西区", "中区", "矿区", "城区"]

    /// 鼓楼区 → 鼓楼, 广西壮族自治区 → 广西, 黔东南苗族侗族自治州 → 黔东南.
    static func shortForm(_ name: String) -> String {
        guard let suffix = suffixes.first(where: { name.hasSuffix($0) && name.count > $0.count }) else { return name }
        var stem = String(name.dropLast(suffix.count))
        guard suffix.hasPrefix("自治") else { return stem }
        var changed = true
        while changed {
            changed = false
            search: for people in peoples {
                for tail in [people + "族", people] where stem.hasSuffix(tail) && stem.count - tail.count >= 2 {
                    stem = String(stem.dropLast(tail.count))
                    changed = true
                    break search
                }
            }
        }
        return stem
    }

    public static let empty = DivisionIndex(entries: [])

    /// - Parameter entries: code (6 digits), name and parent code of each division.
    public init(entries: [(code: String, name: String, parent: String)]) {
        var index: [String: Int32] = [:]
        for (position, entry) in entries.enumerated() { index[entry.code] = Int32(position) }
        parent = entries.map { index[$0.parent] ?? -1 }
        level = entries.map { entry in entry.code.hasSuffix("0000") ? 1 : entry.code.hasSuffix("00") ? 2 : 3 }
        var forms: [String: Form] = [:]
        for (position, entry) in entries.enumerated() {
            let code = Int32(position)
            let short = Self.shortForm(entry.name)
            forms[entry.name, default: Form()].codes.append(code)
            forms[entry.name]!.isLong = true
            forms[entry.name]!.short = short
            if short.count >= 2, short != entry.name {
                if Self.shortStop.contains(short) {
                    forms[short, default: Form()].stopCodes.append(code)
                } else {
                    forms[short, default: Form()].codes.append(code)
                }
                if forms[short]!.short.isEmpty { forms[short]!.short = short }
            }
        }
        self.forms = forms
        var trie: [[UInt32: Int32]] = [[:]]
        var terminal: [String?] = [nil]
        for form in forms.keys {
            var node = 0
            for scalar in form.unicodeScalars {
                if let next = trie[node][scalar.value] { node = Int(next) } else {
                    trie.append([:])
                    terminal.append(nil)
                    trie[node][scalar.value] = Int32(trie.count - 1)
                    node = trie.count - 1
                }
            }
            terminal[node] = form
        }
        self.trie = trie
        self.terminal = terminal
        longest = forms.keys.map(\.unicodeScalars.count).max() ?? 0
    }

    // MARK: codes

    func ancestors(_ code: Int32) -> [Int32] {
        var result: [Int32] = []
        var current = code
        while current >= 0 {
            result.append(current)
            current = parent[Int(current)]
        }
        return result
    }

    /// Whether one code of `left` is, holds or lies in one of `right`.
    func related(_ left: [Int32], _ right: [Int32]) -> Bool {
        for a in left {
            for b in right where ancestors(b).contains(a) || ancestors(a).contains(b) { return true }
        }
        return false
    }

    /// A province or prefecture (with at most a county of its own name inside: 安阳).
    func isPrefecture(_ codes: [Int32]) -> Bool {
        let top = codes.filter { level[Int($0)] <= 2 }
        return !top.isEmpty && codes.allSatisfy { level[Int($0)] <= 2 || related(top, [$0]) }
    }

    /// The forms that start at `start` (lengths, longest first), at most `maximum` long.
    func formsStarting(_ text: [Unicode.Scalar], at start: Int, maximum: Int) -> [(length: Int, form: String)] {
        var found: [(Int, String)] = []
        var node = 0
        var length = 0
        while start + length < text.count, length < maximum, let next = trie[node][text[start + length].value] {
            node = Int(next)
            length += 1
            if let form = terminal[node] { found.append((length, form)) }
        }
        return found.reversed()
    }

    // MARK: finding divisions

    static let tableProtectedFollowers: [Unicode.Scalar: Set<Unicode.Scalar>] = [
        "市": Set("场政容级委井面值".unicodeScalars), "区": Set("域别间块".unicodeScalars), "县": ["级"], "省": Set("级钱心".unicodeScalars),
    ]
    static let genericProtectedFollowers: [Unicode.Scalar: Set<Unicode.Scalar>] = [
        "市": Set("场政民容级长委井面值".unicodeScalars), "区": Set("域别间块".unicodeScalars), "县": Set("级城".unicodeScalars), "省": Set("级钱心".unicodeScalars),
    ]
    static let protectedEndings: Set<String> = [
        "超市", "城市", "都市", "门市", "夜市", "集市", "菜市", "花市", "股市", "街市", "早市", "闹市", "上市", "景区", "园区", "社区", "小区", "校区",
        "厂区", "营区", "片区", "街区", "商区", "矿区", "山区", "郊区", "专区", "市区", "小镇", "古镇", "东区", "西区", "南区", "北区", "中区",
    ]
    static let unitSuffixes = ["自治州", "省", "市", "区", "县"].map { Array($0.unicodeScalars) }
    static let townSuffixes = ["街道", "镇", "乡"].map { Array($0.unicodeScalars) }
    static let divisionFollowers = Set("省市区县镇乡村旗盟州".unicodeScalars)
    static let roadWords = ["路", "街", "道", "巷", "弄", "里", "胡同", "大道", "大街", "马路", "广场", "大厦", "公园", "小区", "花园", "新村", "村", "桥", "山庄", "段"]
        .map { Array($0.unicodeScalars) }
    static let roadAfterNumber = ["路", "街", "大道", "大街", "巷", "马路"].map { Array($0.unicodeScalars) }
    static let directions = Set("东西南北中".unicodeScalars)
    static let chineseNumerals = Set("一二三四五六七八九十".unicodeScalars)

    /// The text after a place name is the rest of a road or building (中山路, 鼓楼大街, 中山北路, 江汉一路).
    static func roadLike(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        if roadWords.contains(where: { rest.starts(with: $0) }) { return true }
        guard let first = rest.first else { return false }
        var after = rest.dropFirst()
        if !directions.contains(first) {
            guard chineseNumerals.contains(first) || first.isDigit else { return false }
            while let next = after.first, chineseNumerals.contains(next) || next.isDigit { after = after.dropFirst() }
        }
        return roadAfterNumber.contains { after.starts(with: $0) }
    }

    /// The division at `start`: its length and what it is, or nil. `keep` characters must remain
    /// after it; `previous` is the division just before it.
    func leading(_ text: [Unicode.Scalar], at start: Int, forName: Bool, keep: Int = 2, previous: Division? = nil) -> (length: Int, division: Division)? {
        for (length, key) in formsStarting(text, at: start, maximum: min(longest, text.count - start - keep)) {
            guard let form = forms[key] else { continue }
            let rest = text[(start + length)...]
            let codes = form.codes.isEmpty ? form.stopCodes : form.codes
            if form.isLong {
                // 福州市政工程 keeps 市政; 石家庄市长安区 is two divisions.
                if let last = key.unicodeScalars.last, let next = rest.first, Self.tableProtectedFollowers[last]?.contains(next) == true,
                   leading(text, at: start + length, forName: forName, keep: keep) == nil {
                    continue
                }
                return (length, Division(short: form.short, codes: codes, kind: .table, certain: true, writtenShort: false))
            }
            // A short form: not the start of a longer name (玉山镇), a road (中山路) or, in a unit's
            // name, all of its distinctive part (和平宾馆) — unless a place inside it follows (庆阳镇原).
            let nested = formsStarting(text, at: start + length, maximum: min(rest.count, longest)).contains { _, next in
                guard let inner = forms[next], !inner.codes.isEmpty, next.unicodeScalars.count >= 2 else { return false }
                return related(codes, inner.codes)
            }
            if !nested, let next = rest.first, Self.divisionFollowers.contains(next) || Self.roadLike(rest) { continue }
            if forName && rest.count < 4 { continue }
            let afterParent = previous.map { $0.kind == .table && related($0.codes, codes) } ?? false
            // An everyday word (城关, 新城) is a place only right after the division that holds it.
            if form.codes.isEmpty && !afterParent { continue }
            return (length, Division(short: form.short, codes: codes, kind: .table, certain: afterParent, writtenShort: true))
        }
        let suffixes = forName ? Self.unitSuffixes : Self.unitSuffixes + Self.townSuffixes
        guard let (length, suffix) = Self.generic(text, at: start, suffixes: suffixes), text.count - start - length >= keep else { return nil }
        let stem = text[start..<(start + length - suffix.count)]
        let isTown = Self.townSuffixes.contains(suffix)
        return (length, Division(short: String(scalars: stem.count >= 2 ? stem : text[start..<(start + length)]), codes: [],
                                 kind: isTown ? .town : .other, certain: true, writtenShort: false))
    }

    /// The generic rule: the shortest run of 2–8 Chinese characters ending in one of `suffixes`,
    /// unless it ends in an ordinary word (超市, 小区) or is followed by one (市场, 区域).
    static func generic(_ text: [Unicode.Scalar], at start: Int, suffixes: [[Unicode.Scalar]]) -> (Int, [Unicode.Scalar])? {
        let available = min(11, text.count - start)
        guard available >= 4, SearchTokenizer.isHan(text[start]) else { return nil }
        for length in 2...8 {
            guard length + 2 <= available, SearchTokenizer.isHan(text[start + length - 1]) else { return nil }
            let end = start + length
            guard let suffix = suffixes.first(where: { length >= $0.count && text[(end - $0.count)..<end].elementsEqual($0) }) else { continue }
            if protectedEndings.contains(String(scalars: text[(end - 2)..<end])) { return nil }
            if let last = suffix.last, genericProtectedFollowers[last]?.contains(text[end]) == true { return nil }
            return (length, suffix)
        }
        return nil
    }

    /// Whether two divisions are one place: code sets that meet (鼓楼 and 鼓楼区; not 抚顺县 and 抚顺市).
    func same(_ d: Division, _ e: Division) -> Bool {
        if d.kind == .table && e.kind == .table { return !Set(d.codes).isDisjoint(with: e.codes) }
        return d.short == e.short
    }

    /// Whether a record's divisions name `division`, a place in it or the place it is in.
    func confirms(_ division: Division, by others: [Division]) -> Bool {
        others.contains { same(division, $0) || ($0.kind == .table && related(division.codes, $0.codes)) }
    }

    /// Whether a short place name at `start` of a unit's name is a place: true (sure), false
    /// (taken, unsure: a province or prefecture) or nil (the brand: 同仁堂, 和平, 光明).
    func namePlace(_ text: [Unicode.Scalar], at start: Int, hit: (length: Int, division: Division), previous: Division?, known: [Division]) -> Bool? {
        if confirms(hit.division, by: known) { return true }
        if let previous, previous.kind == .table, related(previous.codes, hit.division.codes) { return true }
        if let following = leading(text, at: start + hit.length, forName: true), following.division.kind == .table,
           related(hit.division.codes, following.division.codes) {
            return true
        }
        return isPrefecture(hit.division.codes) ? false : nil
    }

    /// `text` without up to `levels` leading divisions, and the divisions taken. In a unit's name a
    /// short form is taken only as `namePlace` decides, against the record's address divisions.
    func strip(_ text: [Unicode.Scalar], forName: Bool, levels: Int, known: [Division] = []) -> (rest: ArraySlice<Unicode.Scalar>, divisions: [Division]) {
        var found: [Division] = []
        var start = 0
        for _ in 0..<levels {
            guard var hit = leading(text, at: start, forName: forName, previous: found.last) else { break }
            if forName && hit.division.writtenShort {
                guard let verdict = namePlace(text, at: start, hit: hit, previous: found.last, known: known) else { break }
                hit.division.certain = verdict
            }
            start += hit.length
            // 鼓楼 in 鼓楼五四路 is unsure, in 福州鼓楼 or before 鼓楼区 not.
            if let last = found.last, !last.certain, hit.division.kind == .table, related(last.codes, hit.division.codes) {
                found[found.count - 1].certain = true
            }
            found.append(hit.division)
        }
        return (text[start...], found)
    }

    /// The divisions `text` consists of (all sure), or nil when anything else is in it: (鼓楼区),
    /// (杭州市上城区), (鼓楼), a district written after the address.
    func only(_ text: ArraySlice<Unicode.Scalar>) -> [Division]? {
        let padded = Array(text) + ["#", "#"]
        let length = text.count
        var found: [Division] = []
        var start = 0
        while start < length {
            guard let hit = leading(padded, at: start, forName: false, previous: found.last), start + hit.length <= length else {
                let rest = String(scalars: padded[start..<length])
                if let form = forms[rest], !form.codes.isEmpty {
                    found.append(Division(short: form.short, codes: form.codes, kind: .table, certain: true, writtenShort: false))
                    return found.map { var d = $0; d.certain = true; return d }
                }
                let scalars = Array(rest.unicodeScalars)
                for stem in 2...8 where stem < scalars.count {
                    let suffix = String(scalars: scalars[stem...])
                    if !found.isEmpty, ["街道", "镇", "乡", "区", "县", "市", "省"].contains(suffix) {
                        found.append(Division(short: String(scalars: scalars[..<stem]), codes: [], kind: ["街道", "镇", "乡"].contains(suffix) ? .town : .other,
                                              certain: true, writtenShort: false))
                        return found.map { var d = $0; d.certain = true; return d }
                    }
                }
                return nil
            }
            start += hit.length
            found.append(hit.division)
        }
        return found.isEmpty ? nil : found.map { var d = $0; d.certain = true; return d }
    }

    /// Places the two records name that cannot both hold (仙游县/安溪县, 杭州/宁波, 凤城镇/城关镇), as
    /// "仙游≠安溪"; nil when they agree. Divisions both records name are left out.
    func conflict(_ left: [Division], _ right: [Division]) -> String? {
        let onlyLeft = left.filter { d in !right.contains { same(d, $0) } }
        let onlyRight = right.filter { e in !left.contains { same(e, $0) } }
        for d in onlyLeft where d.certain {
            for e in onlyRight where e.certain {
                if d.kind == .table && e.kind == .table && !related(d.codes, e.codes) { return "\(d.short)≠\(e.short)" }
                if d.kind == .town && e.kind == .town { return "\(d.short)≠\(e.short)" }
            }
        }
        return nil
    }
}

extension String {
    init<S: Sequence>(scalars: S) where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self = String(view)
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { value >= 0x30 && value <= 0x39 }
    var isUpperLatin: Bool { value >= 0x41 && value <= 0x5A }
}
