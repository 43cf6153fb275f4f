import Foundation

/// A sort key that puts Chinese names in pinyin order (阿里, 北京, 重庆, 张三), as lists in the
/// registry are expected to be sorted; code-point order would scatter them.
///
/// The key is lower-case ASCII pinyin without tones, syllables separated by spaces
/// ("阳光宾馆" → "yang guang bin guan"); Latin letters and digits are kept. Each character's
/// reading comes from ICU once and is cached (transliterating every name whole cost a bulk import
/// a quarter of a millisecond a row). ICU reads characters one by one except for a few words, so
/// the words whose polyphonic first character matters for place names are listed here.
public enum PinyinSortKey {
    static let transform = StringTransform("Han-Latin; Latin-ASCII")

    /// Two-character words read differently from their characters alone.
    static let words: [String: String] = [
        "重庆": "chong qing", "长沙": "chang sha", "长乐": "chang le", "长安": "chang an", "长春": "chang chun", "长江": "chang jiang",
        "长城": "chang cheng", "长泰": "chang tai", "长汀": "chang ting", "厦门": "xia men", "银行": "yin hang", "行业": "hang ye",
    ]

    static let cache = ReadingCache()

    /// The key for `text`.
    public static func make(_ text: String) -> String {
        var parts: [String] = []
        var ascii = ""
        func flush() {
            let run = ascii.trimmingCharacters(in: .whitespaces)
            if !run.isEmpty { parts.append(run.lowercased()) }
            ascii = ""
        }
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isASCII {
                ascii.append(character)
                index += 1
                continue
            }
            flush()
            if index + 1 < characters.count, let word = words[String(characters[index...index + 1])] {
                parts.append(word)
                index += 2
                continue
            }
            let reading = cache.reading(of: character)
            if !reading.isEmpty { parts.append(reading) }
            index += 1
        }
        flush()
        return parts.joined(separator: " ")
    }

    /// Readings of single characters, filled on first use.
    final class ReadingCache: @unchecked Sendable {
        private let lock = NSLock()
        private var readings: [Character: String] = [:]

        func reading(of character: Character) -> String {
            lock.lock()
            if let known = readings[character] {
                lock.unlock()
                return known
            }
            lock.unlock()
            let reading = (String(character).applyingTransform(PinyinSortKey.transform, reverse: false) ?? String(character))
                .lowercased().trimmingCharacters(in: .whitespaces)
            lock.lock()
            readings[character] = reading
            lock.unlock()
            return reading
        }
    }
}
