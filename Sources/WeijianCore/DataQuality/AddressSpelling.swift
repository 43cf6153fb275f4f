/// How clerks write the parts of an address differently, made one (issue 11): house numbers
/// with #, floors as 三楼, 3F, F3 or L3, basements as 负一楼 or B1, buildings as 3号楼, 3幢 or A座,
/// shops as 商铺; and the two roads of a crossing in either order. Scanners over Unicode scalars,
/// not regular expressions: every unit registered or imported goes through them.
enum AddressSpelling {
    static let chineseNumerals = Set("零〇一二两三四五六七八九十".unicodeScalars)
    static let digitValues: [Unicode.Scalar: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
        "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    ]

    /// 12 for "12", "十二" or "壹拾贰"; nil when the text is not a whole numeral.
    static func numeralValue<S: Collection>(_ text: S) -> Int? where S.Element == Unicode.Scalar {
        guard !text.isEmpty else { return nil }
        if text.allSatisfy(\.isDigit) { return Int(String(scalars: text)) }
        var total = 0
        var digit: Int?
        for scalar in text {
            if let value = digitValues[scalar] {
                digit = value
            } else if scalar == "十" || scalar == "拾" {
                total += (digit ?? 1) * 10
                digit = nil
            } else if scalar == "百" || scalar == "佰" {
                total += (digit ?? 1) * 100
                digit = nil
            } else {
                return nil
            }
        }
        return total + (digit ?? 0)
    }

    static func starts(_ text: [Unicode.Scalar], at index: Int, with words: [[Unicode.Scalar]]) -> [Unicode.Scalar]? {
        words.first { index + $0.count <= text.count && text[index..<(index + $0.count)].elementsEqual($0) }
    }

    static func words(_ list: [String]) -> [[Unicode.Scalar]] { list.map { Array($0.unicodeScalars) } }
    static let floorOrStorey = words(["层", "楼"])
    static let unitsAfterNumeral = words(["层", "楼", "栋", "幢", "单元", "室", "座", "号楼"])
    static let basementPrefixes = words(["负", "地下", "-"])
    static let shopWords = words(["号商铺", "号铺", "号房", "商铺", "铺", "房"])
    static let hao: Unicode.Scalar = "号"

    /// The units of an address written one way.
    static func canonical(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = input.map { $0 == "#" ? hao : $0 }
        // 第三层 → 三层, 第12楼 → 12楼
        text = rewrite(text) { text, i in
            guard text[i] == "第" else { return nil }
            var j = i + 1
            while j < text.count, chineseNumerals.contains(text[j]) || text[j].isDigit { j += 1 }
            guard j > i + 1, starts(text, at: j, with: floorOrStorey) != nil else { return nil }
            return (i + 1, [])
        }
        // 二楼 → 2楼, 十二层 → 12层; 八一七北路二号 keeps its numerals (号 is not a unit here)
        text = rewrite(text) { text, i in
            guard chineseNumerals.contains(text[i]), i == 0 || !chineseNumerals.contains(text[i - 1]) else { return nil }
            var j = i
            while j < text.count, chineseNumerals.contains(text[j]) { j += 1 }
            guard starts(text, at: j, with: unitsAfterNumeral) != nil, let value = numeralValue(text[i..<j]) else { return nil }
            return (j, Array(String(value).unicodeScalars))
        }
        // 3号楼 → 3栋, 3幢 / A座 → 3栋 / A栋
        text = rewrite(text) { text, i in
            guard text[i].isDigit || text[i].isUpperLatin, i == 0 || !(text[i - 1].isDigit || text[i - 1].isUpperLatin) else { return nil }
            var j = i
            while j < text.count, text[j].isDigit || text[j].isUpperLatin { j += 1 }
            if j + 1 < text.count, text[j] == hao, text[j + 1] == "楼" { return (j + 2, Array(text[i..<j]) + ["栋"]) }
            if j < text.count, text[j] == "幢" || text[j] == "座" { return (j + 1, Array(text[i..<j]) + ["栋"]) }
            return nil
        }
        // 负一楼 (already 负1楼), 地下1层, -1层 → B1层
        text = rewrite(text) { text, i in
            guard let prefix = starts(text, at: i, with: basementPrefixes) else { return nil }
            var j = i + prefix.count
            let digits = j
            while j < text.count, text[j].isDigit { j += 1 }
            guard j > digits, starts(text, at: j, with: floorOrStorey) != nil else { return nil }
            return (j + 1, ["B"] + Array(text[digits..<j]) + ["层"])
        }
        // B1, B1楼 → B1层 (one digit, not part of a longer code)
        text = rewrite(text) { text, i in
            guard text[i] == "B", i == 0 || !(text[i - 1].isDigit || text[i - 1].isUpperLatin), i + 1 < text.count, text[i + 1].isDigit else { return nil }
            var end = i + 2
            if end < text.count, text[end] == "层" || text[end] == "楼", !(end + 1 < text.count && text[end + 1].isDigit) {
                end += 1
            } else if end < text.count, text[end].isDigit {
                return nil
            }
            return (end, ["B", text[i + 1], "层"])
        }
        // 3F → 3层
        text = rewrite(text) { text, i in
            guard text[i].isDigit, i == 0 || !text[i - 1].isDigit else { return nil }
            var j = i
            while j < text.count, text[j].isDigit { j += 1 }
            guard j < text.count, text[j] == "F", !(j + 1 < text.count && text[j + 1].isUpperLatin) else { return nil }
            return (j + 1, Array(text[i..<j]) + ["层"])
        }
        // F3, L12 → 3层, 12层
        text = rewrite(text) { text, i in
            guard text[i] == "F" || text[i] == "L", i == 0 || !text[i - 1].isUpperLatin else { return nil }
            var j = i + 1
            while j < text.count, text[j].isDigit { j += 1 }
            guard (1...2).contains(j - i - 1) else { return nil }
            return (j, Array(text[(i + 1)..<j]) + ["层"])
        }
        // 3楼 → 3层 (3号楼 is already 3栋)
        text = rewrite(text) { text, i in
            guard text[i].isDigit, i == 0 || !text[i - 1].isDigit else { return nil }
            var j = i
            while j < text.count, text[j].isDigit { j += 1 }
            guard j < text.count, text[j] == "楼" else { return nil }
            return (j + 1, Array(text[i..<j]) + ["层"])
        }
        // 12号商铺, 12铺 → 12室
        text = rewrite(text) { text, i in
            guard text[i].isDigit, i == 0 || !text[i - 1].isDigit else { return nil }
            var j = i
            while j < text.count, text[j].isDigit { j += 1 }
            guard let word = starts(text, at: j, with: shopWords) else { return nil }
            return (j + word.count, Array(text[i..<j]) + ["室"])
        }
        return text
    }

    /// One left-to-right pass: where `match` returns (end, replacement), the text up to `end` is
    /// replaced and the scan continues after it, as a regular expression's substitution does.
    static func rewrite(_ text: [Unicode.Scalar], _ match: ([Unicode.Scalar], Int) -> (end: Int, replacement: [Unicode.Scalar])?) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if let (end, replacement) = match(text, i) {
                result += replacement
                i = end
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }

    static let crossingRoadEnds = words(["路", "街", "大道"])
    static let connectors = Set("与和、/".unicodeScalars)
    static let crossingWords = words(["交叉口", "交汇处", "路口", "交界处", "交口"])

    /// "湖东路与五四路交叉口" and "五四路与湖东路交叉口" are one place: the roads in order.
    static func crossing(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        for first in 1..<max(1, text.count) where connectors.contains(text[first]) && crossingRoadEnds.contains(where: { text[..<first].ends(with: $0) }) {
            for second in (first + 2)..<max(first + 2, text.count) where crossingRoadEnds.contains(where: { text[(first + 1)..<second].ends(with: $0) }) {
                guard let word = starts(text, at: second, with: crossingWords) else { continue }
                let roads = [Array(text[..<first]), Array(text[(first + 1)..<second])].sorted { String(scalars: $0) < String(scalars: $1) }
                return roads[0] + ["与"] + roads[1] + word + Array(text[(second + word.count)...])
            }
        }
        return text
    }

    struct Token {
        let number: [Unicode.Scalar]
        let unit: String?
        let end: Int
    }

    static let tokenUnits = words(["号院", "号", "栋", "单元", "层", "室", "弄"])
    static let letterUnits = words(["栋", "单元"])

    /// A number with its unit at `index`: 158号, 3层, B1层, 12-3号, A栋, 2单元.
    static func token(_ text: [Unicode.Scalar], at index: Int) -> Token? {
        var end = index
        if text[index] == "B", index + 1 < text.count, text[index + 1].isDigit {
            end = index + 1
        }
        if text[end].isDigit {
            while end < text.count, text[end].isDigit { end += 1 }
            while end + 1 < text.count, text[end] == "-", text[end + 1].isDigit {
                end += 1
                while end < text.count, text[end].isDigit { end += 1 }
            }
        } else if text[index].isUpperLatin, starts(text, at: index + 1, with: letterUnits) != nil {
            end = index + 1
        } else {
            return nil
        }
        let number = Array(text[index..<end])
        if let unit = starts(text, at: end, with: tokenUnits) {
            return Token(number: number, unit: String(scalars: unit), end: end + unit.count)
        }
        return Token(number: number, unit: nil, end: end)
    }
}
