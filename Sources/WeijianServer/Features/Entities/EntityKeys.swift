import Foundation
import WeijianCore

/// The derived keys kept on each unit: normalised name and address for duplicate detection, and
/// the pinyin key that sorts names the way staff expect (阿 before 北 before 张).
enum EntityKeys {
    static func name(_ name: String) -> String { NormalisedUnitName(name).text }
    static func address(_ address: String) -> String { NormalisedAddress(address).text }
    static func pinyin(_ name: String) -> String { PinyinSortKey.make(name) }
}
