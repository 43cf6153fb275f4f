import Testing
@testable import WeijianCore

/// Duplicate supervised units: proposed for review, never chain stores at other addresses.
@Suite("重复单位识别")
struct DuplicateMatcherTests {
    static func record(_ id: Int, _ name: String, _ address: String, _ creditCode: String? = nil) -> DuplicateRecord<Int> {
        DuplicateRecord(id: id, name: name, address: address, creditCode: creditCode)
    }

    @Test("The same hotel written with divisions, full-width digits and 有限责任公司 is a pair")
    func sameHotel() throws {
        // given
        let records = [
            Self.record(1, "福州市鼓楼区阳光宾馆有限责任公司", "福建省福州市鼓楼区五四路１２号"),
            Self.record(2, "阳光宾馆有限公司", "鼓楼区五四路12号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        let candidate = try #require(candidates.first)
        #expect(candidates.count == 1)
        #expect(candidate.first == 1 && candidate.second == 2)
        #expect(candidate.reason == .similarNameAndAddress)
        #expect(candidate.reason.rawValue == "名称与地址相近")
        #expect(candidate.score == 1)
    }

    @Test("Two branches of a chain at different addresses are not a pair")
    func chainBranches() {
        // given
        let records = [
            Self.record(1, "如家酒店（五四路店）", "五四路1号"),
            Self.record(2, "如家酒店（东街口店）", "东街口88号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.isEmpty)
    }

    @Test("The same brand without a branch name at another address is not a pair")
    func sameBrandElsewhere() {
        // given
        let records = [
            Self.record(1, "如家酒店", "五四路1号"),
            Self.record(2, "如家酒店(五四路店)", "东街口88号"),
            Self.record(3, "如家酒店", "五四路18号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.isEmpty)
    }

    @Test("Different named branches are not a pair even at one address")
    func differentBranchesSameAddress() {
        // given
        let records = [
            Self.record(1, "如家酒店（五四路店）", "五四路1号"),
            Self.record(2, "如家酒店（五四路二店）", "五四路1号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.isEmpty)
    }

    @Test("A branch entered with and without its branch name at one address is a pair")
    func branchWithAndWithoutName() {
        // given
        let records = [
            Self.record(1, "如家酒店（五四路店）", "鼓楼区五四路1号"),
            Self.record(2, "如家酒店", "五四路1号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.map { [$0.first, $0.second] } == [[1, 2]])
    }

    @Test("Records sharing a credit code are a pair whatever their names, ignoring case and width")
    func sameCreditCode() throws {
        // given
        let records = [
            Self.record(1, "阳光宾馆有限公司", "五四路12号", "91350100M000100Y43"),
            Self.record(2, "福州阳光酒店管理有限公司", "东街口88号", " ９1350100m000100y43 "),
            Self.record(3, "如家酒店", "五四路1号", "914403001922038216"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        let candidate = try #require(candidates.first)
        #expect(candidates.count == 1)
        #expect(candidate.first == 1 && candidate.second == 2)
        #expect(candidate.reason == .sameCreditCode)
        #expect(candidate.reason.rawValue == "统一社会信用代码相同")
        #expect(candidate.score == 1)
    }

    @Test("A pair found by credit code and by name is reported once, as the credit code")
    func reportedOnce() {
        // given
        let records = [
            Self.record(1, "阳光宾馆有限公司", "五四路12号", "91350100M000100Y43"),
            Self.record(2, "阳光宾馆", "五四路12号", "91350100M000100Y43"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.map(\.reason) == [.sameCreditCode])
    }

    @Test("A credit code shared by more records than a block holds is a placeholder, not a duplicate")
    func placeholderCreditCode() {
        // given
        let records = (1...4).map { Self.record($0, "单位\($0)", "路\($0)号", "000000000000000000") }

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions, blockLimit: 3).candidates(in: records)

        // then
        #expect(candidates.isEmpty)
        #expect(DuplicateMatcher(divisions: DuplicateDatasetTests.divisions, blockLimit: 4).candidates(in: records).count == 6)
    }

    @Test("Similar names next door are not a pair: house numbers must agree")
    func houseNumbersDiffer() {
        // given
        let records = [
            Self.record(1, "阳光理发店", "五四路12号"),
            Self.record(2, "阳光理发店", "五四路112号"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.isEmpty)
    }

    @Test("Near-identical names at one address pair with a score below 1; unrelated names do not")
    func nearNames() throws {
        // given
        let records = [
            Self.record(1, "福州阳光大酒店有限公司", "五四路12号"),
            Self.record(2, "福州阳光大酒店有限公司", "五四路12号A座"),
            Self.record(3, "福州星光沐足有限公司", "五四路12号"),
            Self.record(4, "福州阳光大酒店", ""),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        let candidate = try #require(candidates.first)
        #expect(candidates.count == 1)
        #expect(candidate.first == 1 && candidate.second == 2)
        #expect(candidate.score < 1 && candidate.score >= 0.8)
    }

    @Test("Dice similarity of character pairs")
    func diceSimilarity() {
        // given
        let left = Bigrams("五四路1号")
        let right = Bigrams("五四路12号")

        // when
        let similarity = left.dice(right)

        // then: {五四, 四路, 路1, 1号} and {五四, 四路, 路1, 12, 2号} share three pairs
        #expect(similarity == 6.0 / 9.0)
        #expect(Bigrams("宾馆").dice(Bigrams("宾馆")) == 1)
        #expect(Bigrams("").dice(Bigrams("")) == 0)
        #expect(Bigrams("卫").dice(Bigrams("卫")) == 1)
    }

    @Test("Candidates come best first, then in input order")
    func ordering() {
        // given
        let records = [
            Self.record(1, "星光浴室", "东街101号"),
            Self.record(2, "阳光宾馆", "五四路12号", "91350100M000100Y43"),
            Self.record(3, "星光浴室", "东街101号B"),
            Self.record(4, "阳光宾馆有限公司", "五四路12号", "91350100M000100Y43"),
        ]

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(candidates.map { [$0.first, $0.second] } == [[2, 4], [1, 3]])
    }

    @Test("20,000 units: planted duplicates found, chains and neighbours left alone")
    func scalesAndStaysCorrect() {
        // given: unique units, 200 planted re-entries, a 300-branch chain with one re-entered branch
        let brandCharacters = Array("阳光星月海天福禄寿喜金银玉龙凤华美佳和兴盛泰安康宁顺达鑫源宏伟新东南西北春夏秋冬山水林森鹏飞腾祥瑞锦绣明")
        let kinds = ["宾馆", "理发店", "美容院", "浴室", "游泳馆", "歌舞厅", "酒店", "足浴店", "网吧", "书店"]
        let roads = ["五四路", "东街", "八一七北路", "湖东路", "华林路", "六一路", "工业路", "杨桥路", "江滨大道", "福飞路"]
        var records: [DuplicateRecord<Int>] = []
        var planted: Set<[Int]> = []
        var index = 0
        while records.count < 19_800 {
            let count = brandCharacters.count
            let brand = [brandCharacters[index % count], brandCharacters[(index / count) % count],
                         brandCharacters[(index / (count * count)) % count]]
            let name = String(brand) + kinds[index % kinds.count] + "有限公司"
            let address = roads[index % roads.count] + "\(index + 1)号"
            let id = records.count
            records.append(Self.record(id, name, address))
            if index % 100 == 0 {
                records.append(Self.record(records.count, "福州市鼓楼区" + String(brand) + kinds[index % kinds.count] + "有限责任公司",
                                           "福建省福州市" + address.replacingOccurrences(of: "号", with: " 號")))
                planted.insert([id, records.count - 1])
            }
            index += 1
        }
        for branch in 0..<300 {
            records.append(Self.record(records.count, "如家酒店（\(roads[branch % roads.count])\(branch)店）",
                                       roads[branch % roads.count] + "\(branch * 3 + 1)号"))
        }
        let reentered = records.count - 300 + 42
        records.append(Self.record(records.count, "福建省" + records[reentered].name, "福州市" + records[reentered].address))
        planted.insert([reentered, records.count - 1])

        // when
        let candidates = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions).candidates(in: records)

        // then
        #expect(records.count > 20_000)
        #expect(Set(candidates.map { [$0.first, $0.second] }) == planted)
        #expect(candidates.allSatisfy { $0.reason == .similarNameAndAddress })
    }
}
