extension Masking {
    /// Masks the personal identifiers that can be recognised in free text (a search typed into a
    /// box, a comment): resident ID numbers (18 characters that pass the GB 11643 check, or 15
    /// digits), mobile numbers (11 digits starting with 1) and landlines written with their area
    /// code (`0591-87654321`). Other digit runs (unit codes, licence and credit codes) stay, since
    /// they identify organisations, not people. Idempotent, like every masking function.
    public static func freeText(_ text: String) -> String {
        let chars = Array(text)
        guard chars.contains(where: \.isASCIIDigit) else { return text }
        var output: [Character] = []
        output.reserveCapacity(chars.count)
        var index = 0
        while index < chars.count {
            guard chars[index].isASCIIDigit else {
                output.append(chars[index])
                index += 1
                continue
            }
            var end = index
            while end < chars.count, chars[end].isASCIIDigit { end += 1 }
            // An ID number may end in X.
            if end - index == 17, end < chars.count, chars[end] == "X" || chars[end] == "x" { end += 1 }
            let run = String(chars[index..<end])
            let before = index > 0 ? chars[index - 1] : " "
            let after = end < chars.count ? chars[end] : " "
            // A run inside a longer code of letters and digits is not a person's number.
            let standalone = !before.isASCIILetter && !after.isASCIILetter && !after.isASCIIDigit
            if standalone && run.count == 18 && (try? ResidentID(run)) != nil {
                output += Array(idNumber(run))
            } else if standalone && run.count == 15 && run.allSatisfy(\.isASCIIDigit) {
                output += Array(idNumber(run))
            } else if standalone && run.count == 11 && run.first == "1" {
                output += Array(phone(run))
            } else if standalone && (7...8).contains(run.count), landlineAreaCode(before: index, in: chars) {
                output += Array(String(repeating: "*", count: run.count - 4) + run.suffix(4))
            } else {
                output += Array(run)
            }
            index = end
        }
        return String(output)
    }

    /// Whether the digits before `position` are an area code and a dash: `0591-`.
    static func landlineAreaCode(before position: Int, in chars: [Character]) -> Bool {
        guard position >= 4, chars[position - 1] == "-" else { return false }
        var start = position - 1
        while start > 0, chars[start - 1].isASCIIDigit { start -= 1 }
        let length = position - 1 - start
        return (3...4).contains(length) && chars[start] == "0"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}
