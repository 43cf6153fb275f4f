import Foundation

/// A sort key that puts Chinese names in pinyin order (阿里, 北京, 重庆, 张三), as lists in the
/// registry are expected to be sorted; code-point order would scatter them.
///
/// The key is lower-case ASCII pinyin without tones, syllables separated by spaces
/// ("阳光宾馆" → "yang guang bin guan"); Latin letters and digits are kept. ICU picks the
/// reading, which is right for common words (重庆 → chong qing) but not for every polyphonic
/// character in a place name (长沙 reads zhang sha).
public enum PinyinSortKey {
    static let transform = StringTransform("Han-Latin; Latin-ASCII")

    /// The key for `text`; the text itself, lower-cased, when no transliteration is available.
    public static func make(_ text: String) -> String {
        (text.applyingTransform(transform, reverse: false) ?? text).lowercased()
    }
}
