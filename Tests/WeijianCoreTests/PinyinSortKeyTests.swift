import Testing
@testable import WeijianCore

/// Lists of units and places sort in pinyin order.
@Suite("拼音排序")
struct PinyinSortKeyTests {
    @Test("Keys are lower-case toneless pinyin, syllables spaced")
    func keyShape() {
        // given
        let name = "阳光宾馆"

        // when
        let key = PinyinSortKey.make(name)

        // then
        #expect(key == "yang guang bin guan")
    }

    @Test("阿里, 北京, 重庆, 张三 sort in that order whatever the input order")
    func sortsInPinyinOrder() {
        // given
        let names = ["张三", "重庆", "阿里", "北京"]

        // when
        let sorted = names.sorted { PinyinSortKey.make($0) < PinyinSortKey.make($1) }

        // then
        #expect(sorted == ["阿里", "北京", "重庆", "张三"])
    }

    @Test("Latin letters and digits are kept, lower-cased")
    func keepsLatinAndDigits() {
        // given
        let name = "KTV量贩 12"

        // when
        let key = PinyinSortKey.make(name)

        // then
        #expect(key == "ktv liang fan 12")
    }
}

@Suite("拼音排序：地名中的多音字")
struct PinyinPlaceNameTests {
    @Test("长乐 and 厦门 read as place names, not character by character")
    func placeNames() {
        // given
        let names = ["长乐区卫生院", "厦门路宾馆", "张家理发店"]

        // when
        let keys = names.map(PinyinSortKey.make)

        // then
        #expect(keys == ["chang le qu wei sheng yuan", "xia men lu bin guan", "zhang jia li fa dian"])
        #expect(names.sorted { PinyinSortKey.make($0) < PinyinSortKey.make($1) } == ["长乐区卫生院", "厦门路宾馆", "张家理发店"])
    }
}
