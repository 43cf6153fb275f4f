/// Splits text into search tokens: every Chinese character and every overlapping pair, and
/// lower-cased ASCII words.
///
/// Tokens are written as plain ASCII (`h` + hex code points for Chinese, `a` + the word for ASCII),
/// so SQLite's FTS5 `unicode61` tokenizer and PostgreSQL's `simple` text search see the same
/// whole words whatever the database's locale.
public enum SearchTokenizer {
    /// The tokens to index for a document.
    public static func indexTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        // Chinese tokens are told apart by their code points (no string built twice).
        var seenHan = Set<UInt64>()
        var seenWords = Set<String>()
        for run in runs(text) {
            switch run {
            case .han(let chars):
                for (index, char) in chars.enumerated() {
                    if seenHan.insert(UInt64(char.value)).inserted { tokens.append(han([char])) }
                    if index + 1 < chars.count, seenHan.insert(UInt64(char.value) << 32 | UInt64(chars[index + 1].value) | 1 << 63).inserted {
                        tokens.append(han([char, chars[index + 1]]))
                    }
                }
            case .word(let word):
                if seenWords.insert(word).inserted { tokens.append("a" + word) }
            }
        }
        return tokens
    }

    /// The tokens a query needs, all of which must match: pairs for Chinese runs of two or more
    /// characters (so `宾馆` finds `某某宾馆有限公司`), the character for a lone one.
    public static func queryTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var seen = Set<String>()
        for run in runs(text) {
            switch run {
            case .han(let chars):
                if chars.count == 1 {
                    insert(han(chars), into: &tokens, seen: &seen)
                } else {
                    for index in 0..<(chars.count - 1) { insert(han([chars[index], chars[index + 1]]), into: &tokens, seen: &seen) }
                }
            case .word(let word):
                insert("a" + word, into: &tokens, seen: &seen)
            }
        }
        return tokens
    }

    enum Run { case han([Unicode.Scalar]), word(String) }

    static func runs(_ text: String) -> [Run] {
        var result: [Run] = []
        var hanRun: [Unicode.Scalar] = []
        var word = ""
        func flush() {
            if !hanRun.isEmpty { result.append(.han(hanRun)); hanRun = [] }
            if !word.isEmpty { result.append(.word(word)); word = "" }
        }
        for scalar in text.unicodeScalars {
            let folded = fold(scalar)
            if isHan(folded) {
                if !word.isEmpty { result.append(.word(word)); word = "" }
                hanRun.append(folded)
            } else if ("a"..."z").contains(folded) || ("A"..."Z").contains(folded) || ("0"..."9").contains(folded) {
                if !hanRun.isEmpty { result.append(.han(hanRun)); hanRun = [] }
                word.unicodeScalars.append(("A"..."Z").contains(folded) ? Unicode.Scalar(folded.value + 32)! : folded)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    /// Full-width ASCII (Ａ１) folds to half-width.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if (0xFF01...0xFF5E).contains(scalar.value), let half = Unicode.Scalar(scalar.value - 0xFEE0) { return half }
        return scalar
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// "h" and the code points in lower-case hex joined by "x" (`h5bbex9986` for 宾馆).
    static func han(_ scalars: [Unicode.Scalar]) -> String {
        var bytes: [UInt8] = [0x68]
        for (index, scalar) in scalars.enumerated() {
            if index > 0 { bytes.append(0x78) }
            var value = scalar.value
            var digits: [UInt8] = []
            repeat {
                let digit = UInt8(value & 0xF)
                digits.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
                value >>= 4
            } while value > 0
            bytes.append(contentsOf: digits.reversed())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func insert(_ token: String, into tokens: inout [String], seen: inout Set<String>) {
        if seen.insert(token).inserted { tokens.append(token) }
    }
}
