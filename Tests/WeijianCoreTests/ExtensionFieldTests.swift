import Testing
@testable import WeijianCore

@Suite("专业信息字段")
struct ExtensionFieldTests {
    @Test("Each kind is asked only its own fields", arguments: [
        ("GG0202", ["centralAirConditioning"]),
        ("GG0101", ["centralAirConditioning", "beds"]),
        ("GG0402", ["centralAirConditioning", "poolArea"]),
        ("YL02", ["institutionCategory", "filingNumber", "departments", "radiationLicence"]),
        ("YS04", ["supplyType"]),
    ])
    func kindsHaveTheirFields(code: String, keys: [String]) {
        // given
        let kind = code

        // when
        let fields = CategoryExtensions.fields(forCategory: kind)

        // then
        #expect(fields.map(\.key) == keys)
    }

    @Test("A broader category has every field one of its kinds has")
    func broaderCategoriesHaveAll() {
        // given
        let codes = ["GG", "GG01"]

        // when
        let fields = codes.map { CategoryExtensions.fields(forCategory: $0).map(\.key) }

        // then
        #expect(fields[0] == ["centralAirConditioning", "beds", "poolArea"])
        #expect(fields[1] == ["centralAirConditioning", "beds"])
    }

    @Test("Values a kind does not have are named, blank ones are not")
    func inapplicableValuesAreNamed() {
        // given
        let values = ["beds": "10", "poolArea": " ", "centralAirConditioning": "是"]

        // when
        let foreign = CategoryExtensions.inapplicable(values, category: "GG0202")

        // then
        #expect(foreign.map(\.label) == ["床位数"])
    }
}
