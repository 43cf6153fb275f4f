import Testing
@testable import WeijianCore

/// Unit names typed in different ways reduce to one core; different units do not.
@Suite("单位名称规范化")
struct UnitNameNormalisationTests {
    static func name(_ raw: String, at address: String = "") -> NormalisedUnitName {
        let divisions = DuplicateDatasetTests.divisions
        return NormalisedUnitName(raw, divisions: divisions, addressDivisions: NormalisedAddress(address, divisions: divisions).divisions)
    }

    @Test("Divisions, width, spaces, traditional characters and the legal form do not make a different unit",
          arguments: ["福州市鼓楼区阳光宾馆有限责任公司", "阳光宾馆有限公司", "福建省福州市鼓楼区 阳光宾馆　有限公司", "阳光宾馆有限责任公司", "陽光賓館", "阳光宾馆（个体工商户）"])
    func sameUnitSpelledDifferently(raw: String) {
        let name = Self.name(raw)
        #expect(name.core == "阳光宾馆")
        #expect(name.branch == nil)
        #expect(name.industry == "宾馆")
    }

    @Test("Full-width Latin letters and digits fold to upper-case ASCII")
    func foldsWidthAndCase() {
        #expect(Self.name("ｋｔｖ量贩１号店ktv").core == "KTV量贩1号店KTV")
    }

    @Test("股份有限公司 is remembered as another legal form than 有限公司")
    func jointStockStaysDistinct() {
        #expect(Self.name("阳光宾馆股份有限公司").form == "股份")
        #expect(Self.name("阳光宾馆有限公司").form == "有限")
        #expect(Self.name("阳光宾馆").form == nil)
    }

    @Test("A branch in brackets of any shape is split off", arguments: ["如家酒店（五四路店）", "如家酒店(五四路店)", "如家酒店【五四路店】", "如家酒店[五四路店]"])
    func splitsBracketedBranch(raw: String) {
        let name = Self.name(raw)
        #expect(name.core == "如家酒店")
        #expect(name.branch == "五四路店")
    }

    @Test("A branch after 公司 is split off")
    func splitsCompanyBranch() {
        let name = Self.name("福州阳光宾馆有限公司五四路分公司")
        #expect(name.branch == "五四路分公司")
    }

    @Test("A bracketed legal note is dropped, not taken for a branch")
    func legalNoteIsNotBranch() {
        let name = Self.name("福州明理会计师事务所（普通合伙）")
        #expect(name.branch == nil)
        #expect(name.core == "明理会计师事务所")
    }

    @Test("Words ending in 市 or 区 that are not places are kept",
          arguments: ["超市发便利店", "城市便捷酒店", "永辉超市", "市民之家服务中心", "菜市场管理处", "福州市政工程", "社区卫生服务中心", "景区游客中心"])
    func keepsNonPlaceWords(raw: String) {
        #expect(Self.name(raw).core == raw)
    }

    @Test("Provinces, prefectures, districts, counties and autonomous regions are stripped",
          arguments: [("广西壮族自治区南宁市青秀区邕江宾馆", "邕江宾馆"), ("延边朝鲜族自治州龙井市海兰江浴池", "海兰江浴池"),
                      ("闽侯县上街镇美发店", "上街镇美发店"), ("北京市同仁堂药店", "同仁堂药店"), ("鼓楼区卫", "鼓楼区卫")])
    func stripsDivisions(raw: String, expected: String) {
        #expect(Self.name(raw).core == expected)
    }

    @Test("A short place name is stripped when the address confirms it, and kept as the brand when nothing does")
    func shortPlaceNames() {
        #expect(Self.name("杭州悦来宾馆", at: "杭州市上城区解放路48号").core == "悦来宾馆")
        #expect(Self.name("福州鼓楼康乐宾馆有限责任公司", at: "五四路128号").core == "康乐宾馆")
        #expect(Self.name("同仁堂中医诊所", at: "曲靖市麒麟区南宁北路8号").core == "同仁堂中医诊所")
        #expect(Self.name("和平宾馆").core == "和平宾馆")
    }
}
