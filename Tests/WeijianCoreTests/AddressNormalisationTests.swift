import Testing
@testable import WeijianCore

/// Addresses typed with and without divisions, in full width or with variant characters.
@Suite("地址规范化")
struct AddressNormalisationTests {
    @Test("Divisions down to the street office are dropped and widths folded")
    func stripsDivisionsAndFolds() {
        // given
        let spellings = ["福建省福州市鼓楼区五四路１２号", "鼓楼区五四路12号", "福州市鼓楼区东街街道五四路12號", "五四路 12 #"]

        // when
        let addresses = spellings.map(NormalisedAddress.init)

        // then
        #expect(addresses.map(\.text) == Array(repeating: "五四路12号", count: 4))
        #expect(addresses.allSatisfy { $0.numbers == ["12"] })
    }

    @Test("Brackets are dropped with their content kept; 幢 and 樓 are written 栋 and 楼")
    func bracketsAndVariants() {
        // given
        let raw = "五四路158号（环球广场）A幢3樓"

        // when
        let address = NormalisedAddress(raw)

        // then
        #expect(address.text == "五四路158号环球广场A栋3楼")
        #expect(address.numbers == ["158", "3"])
    }

    @Test("Numbers agree when equal or one address is more detailed; not when they differ")
    func numbersAgreement() {
        // given
        let base = NormalisedAddress("五四路12号")

        // when
        let detailed = base.numbersAgree(with: NormalisedAddress("五四路12号3楼"))
        let other = base.numbersAgree(with: NormalisedAddress("五四路1号"))
        let none = base.numbersAgree(with: NormalisedAddress("五四路"))

        // then
        #expect(detailed)
        #expect(!other)
        #expect(none)
    }

    @Test("Chinese numerals in road names are left alone")
    func keepsChineseNumerals() {
        // given
        let raw = "八一七北路二号"

        // when
        let address = NormalisedAddress(raw)

        // then
        #expect(address.text == "八一七北路二号")
        #expect(address.numbers.isEmpty)
    }
}
