/// The spelling differences that do not make two registry entries different: traditional
/// characters, character width, spaces, bracket shapes, punctuation, Latin letter case.
enum ChineseTextFolding {
    static let openingBrackets: Set<Unicode.Scalar> = ["(", "[", "{", "【", "〔", "〖", "［", "｛"]
    static let closingBrackets: Set<Unicode.Scalar> = [")", "]", "}", "】", "〕", "〗", "］", "｝"]
    /// Marks people type or leave out at will; the hyphen is kept because "12-3号" needs it.
    static let ignoredPunctuation: Set<Unicode.Scalar> = ["·", "・", "•", "、", "，", ",", "。", ".", "\"", "'", "“", "”", "‘", "’"]

    /// Full-width forms folded to ASCII (Ａ１（ → A1( ), U+3000 to a space; every bracket shape
    /// becomes "(" or ")"; whitespace and ignorable punctuation removed; Latin letters upper-cased.
    static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for original in text.unicodeScalars {
            // Chinese characters, most of a name or an address, are only simplified (no property lookups).
            if SearchTokenizer.isHan(original) {
                result.append(TraditionalChinese.simplified(original))
                continue
            }
            var scalar = original
            if (0xFF01...0xFF5E).contains(scalar.value), let half = Unicode.Scalar(scalar.value - 0xFEE0) { scalar = half }
            if scalar.properties.isWhitespace || ignoredPunctuation.contains(scalar) { continue }
            if openingBrackets.contains(scalar) { scalar = "(" }
            if closingBrackets.contains(scalar) { scalar = ")" }
            if ("a"..."z").contains(scalar), let upper = Unicode.Scalar(scalar.value - 32) { scalar = upper }
            result.append(scalar)
        }
        return String(result)
    }
}
