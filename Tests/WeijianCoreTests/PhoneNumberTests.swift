import Testing
@testable import WeijianCore

/// Mobiles are 11 digits starting with 1; landlines carry an area code (DOMAIN.md "Identifiers").
@Suite("联系电话")
struct PhoneNumberTests {
    @Test("Mobiles are stored as plain digits whatever the separators",
          arguments: ["13812341234", "138 1234 1234", "138-1234-1234", " 19912341234 "])
    func acceptsMobiles(raw: String) throws {
        // given
        let input = raw

        // when
        let phone = try PhoneNumber(input)

        // then
        #expect(phone.kind == .mobile)
        #expect(phone.value.count == 11)
        #expect(phone.value.allSatisfy { $0.isNumber })
        #expect(phone.value == raw.filter { $0.isNumber })
    }

    @Test("A mobile whose second digit is 0–2 is rejected", arguments: ["10012341234", "12812341234"])
    func rejectsMobilePrefix(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try PhoneNumber(input) }

        // then
        #expect(error?.code == "phone.mobilePrefix")
    }

    @Test("Landlines are stored as 区号-号码[-分机]",
          arguments: [("0591-87654321", "0591-87654321"), ("010 - 1234567", "010-1234567"), ("0591 87654321", "0591-87654321"),
                      ("010-12345678-801", "010-12345678-801")])
    func acceptsLandlines(raw: String, stored: String) throws {
        // given
        let input = raw

        // when
        let phone = try PhoneNumber(input)

        // then
        #expect(phone.kind == .landline)
        #expect(phone.value == stored)
    }

    @Test("A landline without a separator gets a message showing the format")
    func landlineWithoutSeparator() {
        // given
        let input = "059187654321"

        // when
        let error = #expect(throws: ValidationError.self) { try PhoneNumber(input) }

        // then
        #expect(error?.code == "phone.landlineSeparator")
        #expect(error?.message.contains("0591-87654321") == true)
    }

    @Test("Anything else is rejected with the general format rule",
          arguments: ["", "12345", "1381234123", "138123412345", "591-87654321", "0591-123", "0591--87654321",
                      "0591-87654321-1234567", "0591-8765432a", "1381234123a"])
    func rejectsOtherInput(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try PhoneNumber(input) }

        // then
        #expect(error?.code == "phone.format")
        #expect(error?.field == "联系电话")
    }
}
