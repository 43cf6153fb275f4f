/// An address reduced for comparison: the same folding as names (width, spaces, brackets,
/// punctuation), up to four leading divisions dropped (省, 市, 区/县, 街道/镇), and the usual
/// variants written one way (號 → 号, 幢 → 栋, 樓 → 楼, "12#" → "12号").
///
/// Chinese numerals are left alone: they are part of road names (五四路, 八一七路) as often as they
/// are house numbers.
public struct NormalisedAddress: Hashable, Sendable {
    public let text: String
    /// The runs of digits in order ("五四路12号3楼" → [12, 3]): two addresses whose numbers
    /// disagree are different places however alike the rest reads.
    public let numbers: [String]

    static let variants: [Character: Character] = ["號": "号", "幢": "栋", "樓": "楼", "#": "号"]

    public init(_ raw: String) {
        let folded = String(ChineseTextFolding.fold(raw)
            .filter { $0 != "(" && $0 != ")" }
            .map { Self.variants[$0] ?? $0 })
        text = DivisionPrefix.strip(folded, suffixes: DivisionPrefix.addressSuffixes, levels: 4)
        numbers = text.split { !$0.isASCII || !$0.isNumber }.map(String.init)
    }

    /// Whether the house numbers leave room for one place: equal, or one address only more
    /// detailed than the other ("12号" and "12号3楼").
    public func numbersAgree(with other: NormalisedAddress) -> Bool {
        let shorter = min(numbers.count, other.numbers.count)
        return numbers.prefix(shorter) == other.numbers.prefix(shorter)
    }
}
