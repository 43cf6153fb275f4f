import Testing
@testable import WeijianCore

/// 行政区划代码 (GB/T 2260): six digits, a known province, no check digit.
@Suite("行政区划代码")
struct DivisionCodeTests {
    @Test("Province, city and county levels", arguments: [("350000", 1), ("350100", 2), ("350102", 3), ("110105", 3), ("810000", 1)])
    func level(raw: String, level: Int) throws {
        // given
        let input = raw

        // when
        let code = try DivisionCode(input)

        // then
        #expect(code.value == raw)
        #expect(code.level == level)
    }

    @Test("Province and city codes are derived from a county code")
    func parentCodes() throws {
        // given
        let code = try DivisionCode(" 350102 ")

        // when
        let parents = (code.provinceCode, code.cityCode)

        // then
        #expect(code.value == "350102")
        #expect(parents.0 == "350000")
        #expect(parents.1 == "350100")
    }

    @Test("Anything but six ASCII digits is rejected",
          arguments: ["35010", "3501020", "35010a", "３５０１０２", "", "35-102"])
    func rejectsFormat(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try DivisionCode(input) }

        // then
        #expect(error?.code == "division.format")
    }

    @Test("An unknown province is rejected naming its two digits", arguments: ["990000", "000000", "100000", "720000"])
    func rejectsUnknownProvince(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try DivisionCode(input) }

        // then
        #expect(error?.code == "division.province")
        #expect(error?.message.contains(String(raw.prefix(2))) == true)
    }

    @Test("The province table has the 34 province-level divisions")
    func provinceTable() {
        // given
        let provinces = DivisionCode.provinces

        // when
        let count = provinces.count

        // then
        #expect(count == 34)
        #expect(provinces["35"] == "福建省")
        #expect(provinces["44"] == "广东省")
    }
}
