import Testing
@testable import WeijianCore

/// Addresses typed with and without divisions, in any order, full width or with variant spellings.
@Suite("地址规范化")
struct AddressNormalisationTests {
    static func address(_ raw: String) -> NormalisedAddress { NormalisedAddress(raw, divisions: DuplicateDatasetTests.divisions) }

    @Test("Divisions down to the street office are dropped and widths folded",
          arguments: ["福建省福州市鼓楼区五四路１２号", "鼓楼区五四路12号", "福州市鼓楼区东街街道五四路12號", "五四路 12 #", "五四路12号（鼓楼区）"])
    func stripsDivisionsAndFolds(raw: String) {
        let address = Self.address(raw)
        #expect(address.text == "五四路12号")
        #expect(address.roadKey == "五四路12号")
    }

    @Test("Parts written in any order and spelling come out one way",
          arguments: [("五四路158号（环球广场）A幢3樓", "五四路158号环球广场A栋3层"), ("福州市鼓楼区五四路158号环球广场3楼", "五四路158号环球广场3层"),
                      ("环球广场3F（五四路158号）", "五四路158号环球广场3层"), ("环球广场F3(五四路158号)", "五四路158号环球广场3层"),
                      ("维多利广场负一楼", "维多利广场B1层"), ("维多利广场B1", "维多利广场B1层"), ("五四路158号3号楼二单元502", "五四路158号3栋2单元502室"),
                      ("五四路158号12号商铺", "五四路158号12室")])
    func partsInOrder(raw: String, expected: String) {
        #expect(Self.address(raw).text == expected)
    }

    @Test("The two roads of a crossing are put in order")
    func crossing() {
        #expect(Self.address("湖东路与五四路交叉口").text == Self.address("五四路与湖东路交叉口").text)
    }

    @Test("Chinese numerals in road names and before 号 are left alone")
    func keepsChineseNumerals() {
        let address = Self.address("八一七北路二号")
        #expect(address.text == "八一七北路二号")
        #expect(address.house == nil)
    }

    @Test("A floor, room or building that differs makes another place; a detail missing from one does not")
    func partsAgree() {
        let matcher = DuplicateMatcher(divisions: DuplicateDatasetTests.divisions)
        let base = Self.address("五四路12号")
        #expect(matcher.addressSimilarity(base, Self.address("五四路12号3楼")).score != nil)
        #expect(matcher.addressSimilarity(base, Self.address("五四路1号")).score == nil)
        #expect(matcher.addressSimilarity(Self.address("万达广场3层301"), Self.address("万达广场3层302")).score == nil)
    }
}
