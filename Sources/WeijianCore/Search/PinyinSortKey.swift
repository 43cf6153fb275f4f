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
    /// The first characters of `words`, so that only they look at the next character.
    static let wordStarts = Set(words.keys.compactMap { $0.unicodeScalars.first })

    /// The key for `text`. Works on Unicode scalars, not Characters: hashing and comparing
    /// Characters normalises them, which made this a tenth of a bulk import's time.
    public static func make(_ text: String) -> String {
        var parts: [String] = []
        var ascii: [UInt8] = []
        func flush() {
            var run = ascii[...]
            while run.first == 0x20 || run.first == 0x09 { run.removeFirst() }
            while run.last == 0x20 || run.last == 0x09 { run.removeLast() }
            if !run.isEmpty { parts.append(String(decoding: run.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)) }
            ascii.removeAll(keepingCapacity: true)
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.isASCII {
                ascii.append(UInt8(scalar.value))
                index += 1
                continue
            }
            flush()
            if wordStarts.contains(scalar), index + 1 < scalars.count,
               let word = words[String(String.UnicodeScalarView([scalar, scalars[index + 1]]))] {
                parts.append(word)
                index += 2
                continue
            }
            let reading = cache.reading(of: scalar)
            if !reading.isEmpty { parts.append(reading) }
            index += 1
        }
        flush()
        return parts.joined(separator: " ")
    }

    /// Readings of single characters, filled on first use.
    final class ReadingCache: @unchecked Sendable {
        private let lock = NSLock()
        private var readings: [UInt32: String] = [:]

        func reading(of scalar: Unicode.Scalar) -> String {
            lock.lock()
            if let known = readings[scalar.value] {
                lock.unlock()
                return known
            }
            lock.unlock()
            let reading = (String(scalar).applyingTransform(PinyinSortKey.transform, reverse: false) ?? String(scalar))
                .lowercased().trimmed
            lock.lock()
            readings[scalar.value] = reading
            lock.unlock()
            return reading
        }
    }
}
