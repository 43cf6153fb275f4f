import Foundation
import WeijianCore

/// The derived keys kept on each unit: the duplicate matcher's blocks (the check at entry finds
/// the units to compare by them, as the weekly run groups them), and the pinyin key that sorts
/// names the way staff expect (阿 before 北 before 张).
enum EntityKeys {
    /// (name key, address key): the first two characters of the core name (康乐 of 福州鼓楼康乐宾馆
    /// 有限公司) and the road and house number (五四路128号, or the reduced address when it has no
    /// house number).
    static func duplicateKeys(name: String, address: String, divisions: DivisionIndex) -> (String, String) {
        let parsed = NormalisedAddress(address, divisions: divisions)
        let core = NormalisedUnitName(name, divisions: divisions, addressDivisions: parsed.divisions).core
        return (String(core.prefix(2)), parsed.house == nil ? parsed.text : parsed.roadKey)
    }

    static func pinyin(_ name: String) -> String { PinyinSortKey.make(name) }
}
