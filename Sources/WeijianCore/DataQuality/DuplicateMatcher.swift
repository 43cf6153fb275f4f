/// Finds supervised units entered twice (卫生监督信息报告管理规定: data checked for duplicates at
/// least weekly), for a person to merge or dismiss.
///
/// Two records are a candidate pair when
/// - their credit codes are equal (ignoring case, width and spaces): `sameCreditCode`, score 1; or
/// - their core names (see `NormalisedUnitName`) are at least `nameThreshold` alike and their
///   addresses at least `addressThreshold` alike, by character-bigram Dice similarity, with house
///   numbers that agree: `similarNameAndAddress`.
///
/// A chain's branches are not duplicates: a name that names a different branch never pairs, and
/// the same brand at another address fails the address test.
///
/// To stay fast on 100,000 units, records are compared only within blocks that share a credit
/// code or the first two characters of the core name. A name block larger than `blockLimit` (a
/// common brand, 人民医院) is sorted by name and address and each record compared with its next
/// `blockLimit` neighbours only. A credit code shared by more than `blockLimit` records is a
/// placeholder, not a duplicate, and is skipped.
public struct DuplicateMatcher: Sendable {
    public let nameThreshold: Double
    public let addressThreshold: Double
    public let blockLimit: Int

    public init(nameThreshold: Double = 0.85, addressThreshold: Double = 0.8, blockLimit: Int = 200) {
        self.nameThreshold = nameThreshold
        self.addressThreshold = addressThreshold
        self.blockLimit = max(2, blockLimit)
    }

    /// What the comparisons need of one record, computed once.
    struct Prepared {
        let creditCode: String?
        let name: NormalisedUnitName
        let address: NormalisedAddress
        let nameGrams: Bigrams
        let addressGrams: Bigrams
    }

    /// The candidate pairs, best first (by score, then input order); each pair once.
    public func candidates<ID>(in records: [DuplicateRecord<ID>]) -> [DuplicateCandidate<ID>] {
        let prepared = records.map(Self.prepare)
        var found: [Pair: (reason: DuplicateReason, score: Double)] = [:]

        let byCode = Dictionary(grouping: prepared.indices.filter { prepared[$0].creditCode != nil }) {
            prepared[$0].creditCode ?? ""
        }
        for group in byCode.values where group.count > 1 && group.count <= blockLimit {
            forEachPair(in: group) { found[Pair($0, $1)] = (.sameCreditCode, 1) }
        }

        let byName = Dictionary(grouping: prepared.indices.filter { !prepared[$0].name.core.isEmpty }) {
            String(prepared[$0].name.core.prefix(2))
        }
        for block in byName.values where block.count > 1 {
            let compare = { (left: Int, right: Int) in
                let pair = Pair(left, right)
                guard found[pair] == nil, let score = similarity(prepared[left], prepared[right]) else { return }
                found[pair] = (.similarNameAndAddress, score)
            }
            if block.count <= blockLimit {
                forEachPair(in: block, compare)
            } else {
                let sorted = block.sorted {
                    (prepared[$0].name.core, prepared[$0].address.text) < (prepared[$1].name.core, prepared[$1].address.text)
                }
                for (position, left) in sorted.enumerated() {
                    for right in sorted[(position + 1)..<min(sorted.count, position + blockLimit + 1)] {
                        compare(left, right)
                    }
                }
            }
        }

        return found
            .sorted { ($1.value.score, $0.key.first, $0.key.second) < ($0.value.score, $1.key.first, $1.key.second) }
            .map { DuplicateCandidate(first: records[$0.key.first].id, second: records[$0.key.second].id,
                                      reason: $0.value.reason, score: $0.value.score) }
    }

    /// The name-and-address score of two records, nil when they are not alike enough.
    func similarity(_ left: Prepared, _ right: Prepared) -> Double? {
        if let leftBranch = left.name.branch, let rightBranch = right.name.branch, leftBranch != rightBranch { return nil }
        guard left.nameGrams.maximumDice(right.nameGrams) >= nameThreshold else { return nil }
        let name = left.nameGrams.dice(right.nameGrams)
        guard name >= nameThreshold, left.address.numbersAgree(with: right.address) else { return nil }
        let address = left.addressGrams.dice(right.addressGrams)
        guard address >= addressThreshold else { return nil }
        return (name + address) / 2
    }

    static func prepare<ID>(_ record: DuplicateRecord<ID>) -> Prepared {
        let code = ChineseTextFolding.fold(record.creditCode ?? "")
        let name = NormalisedUnitName(record.name)
        let address = NormalisedAddress(record.address)
        return Prepared(creditCode: code.isEmpty ? nil : code, name: name, address: address,
                        nameGrams: Bigrams(name.core), addressGrams: Bigrams(address.text))
    }

    func forEachPair(in indices: [Int], _ body: (Int, Int) -> Void) {
        for (position, left) in indices.enumerated() {
            for right in indices[(position + 1)...] { body(left, right) }
        }
    }

    /// Two record positions, the smaller first.
    struct Pair: Hashable {
        let first: Int
        let second: Int

        init(_ one: Int, _ other: Int) {
            first = min(one, other)
            second = max(one, other)
        }
    }
}
