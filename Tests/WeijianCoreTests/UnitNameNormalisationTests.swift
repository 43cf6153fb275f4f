import Testing
@testable import WeijianCore

/// Unit names typed in different ways must compare equal; different units must not.
@Suite("单位名称规范化")
struct UnitNameNormalisationTests {
    @Test("Division prefixes, width, spaces and 有限责任公司 do not make a different unit")
    func sameUnitSpelledDifferently() {
        // given
        let spellings = ["福州市鼓楼区阳光宾馆有限责任公司", "阳光宾馆有限公司", "福建省福州市鼓楼区 阳光宾馆　有限公司", "阳光宾馆有限责任公司"]

        // when
        let names = spellings.map(NormalisedUnitName.init)

        // then
        #expect(names.allSatisfy { $0.text == "阳光宾馆有限公司" })
        #expect(names.allSatisfy { $0.core == "阳光宾馆" && $0.branch == nil })
    }

    @Test("Full-width Latin letters and digits fold to upper-case ASCII")
    func foldsWidthAndCase() {
        // given
        let raw = "ｋｔｖ量贩１号店ktv"

        // when
        let name = NormalisedUnitName(raw)

        // then
        #expect(name.text == "KTV量贩1号店KTV")
    }

    @Test("股份有限公司 stays different from 有限公司")
    func jointStockStaysDistinct() {
        // given
        let jointStock = NormalisedUnitName("阳光宾馆股份有限公司")
        let limited = NormalisedUnitName("阳光宾馆有限公司")

        // when
        let same = jointStock.core == limited.core

        // then
        #expect(!same)
        #expect(jointStock.text == "阳光宾馆股份有限公司")
    }

    @Test("A branch in brackets of any shape is split off", arguments: ["如家酒店（五四路店）", "如家酒店(五四路店)", "如家酒店【五四路店】", "如家酒店[五四路店]"])
    func splitsBracketedBranch(raw: String) {
        // given
        let input = raw

        // when
        let name = NormalisedUnitName(input)

        // then
        #expect(name.text == "如家酒店(五四路店)")
        #expect(name.core == "如家酒店")
        #expect(name.branch == "五四路店")
    }

    @Test("A branch after 公司 is split off")
    func splitsCompanyBranch() {
        // given
        let raw = "福州阳光宾馆有限公司五四路分公司"

        // when
        let name = NormalisedUnitName(raw)

        // then
        #expect(name.core == "福州阳光宾馆")
        #expect(name.branch == "五四路分公司")
    }

    @Test("A bracketed legal note is not a branch")
    func legalNoteIsNotBranch() {
        // given
        let raw = "福州明理会计师事务所（普通合伙）"

        // when
        let name = NormalisedUnitName(raw)

        // then
        #expect(name.branch == nil)
        #expect(name.core == "福州明理会计师事务所普通合伙")
    }

    @Test("Words ending in 市 or 区 that are not places are kept",
          arguments: ["超市发便利店", "城市便捷酒店", "永辉超市有限公司", "市民之家服务中心", "菜市场管理处", "福州市政工程有限公司", "社区卫生服务中心", "景区游客中心"])
    func keepsNonPlaceWords(raw: String) {
        // given
        let input = raw

        // when
        let name = NormalisedUnitName(input)

        // then
        #expect(name.text == input)
    }

    @Test("Provinces, prefectures, districts, counties and autonomous regions are stripped",
          arguments: [("广西壮族自治区南宁市青秀区邕江宾馆", "邕江宾馆"), ("延边朝鲜族自治州龙井市海兰江浴池", "海兰江浴池"),
                      ("闽侯县上街镇美发店", "上街镇美发店"), ("北京市同仁堂药店", "同仁堂药店")])
    func stripsDivisions(raw: String, expected: String) {
        // given
        let input = raw

        // when
        let name = NormalisedUnitName(input)

        // then
        #expect(name.text == expected)
    }

    @Test("A name that is only a division keeps at least two characters")
    func keepsShortRemainder() {
        // given
        let raw = "鼓楼区卫"

        // when
        let name = NormalisedUnitName(raw)

        // then
        #expect(name.text == "鼓楼区卫")
    }
}
