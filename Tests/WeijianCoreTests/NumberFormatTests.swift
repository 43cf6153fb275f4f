import Testing
@testable import WeijianCore

/// Issued numbers such as the 文号 (DOMAIN.md "Document numbers").
@Suite("编号格式")
struct NumberFormatTests {
    @Test("The standard document number: X卫医罚〔2026〕12号")
    func documentNumber() {
        // given
        let format = NumberFormat.documentNumber

        // when
        let number = format.render(sequence: 12, year: 2026, values: ["地区": "X", "类别": "医", "性质": "罚"])

        // then
        #expect(number == "X卫医罚〔2026〕12号")
    }

    @Test("{序号:N} pads the sequence with zeros to N digits", arguments: [(7, "20260007"), (123, "20260123"), (12345, "202612345")])
    func paddedSequence(sequence: Int, expected: String) throws {
        // given
        let format = try NumberFormat("{年份}{序号:4}")

        // when
        let number = format.render(sequence: sequence, year: 2026)

        // then
        #expect(number == expected)
    }

    @Test("A custom template with a prefix and padding")
    func customTemplate() throws {
        // given
        let format = try NumberFormat("{地区}卫投〔{年份}〕第{序号:3}号")

        // when
        let number = format.render(sequence: 5, year: 2025, values: ["地区": "榕"])

        // then
        #expect(number == "榕卫投〔2025〕第005号")
        #expect(format.template == "{地区}卫投〔{年份}〕第{序号:3}号")
    }

    @Test("A template without {序号} is refused", arguments: ["{地区}卫医罚〔{年份}〕号", "", "序号"])
    func requiresSequence(template: String) {
        // given
        let input = template

        // when
        let error = #expect(throws: ValidationError.self) { try NumberFormat(input) }

        // then
        #expect(error?.code == "numberFormat.sequence")
        #expect(error?.message.contains("{序号}") == true)
    }

    @Test("Successive sequences give distinct numbers")
    func distinctNumbers() {
        // given
        let values = ["地区": "X", "类别": "医", "性质": "罚"]

        // when
        let numbers = (1...500).map { NumberFormat.documentNumber.render(sequence: $0, year: 2026, values: values) }

        // then
        #expect(Set(numbers).count == 500)
        #expect(numbers.allSatisfy { !$0.contains("{") && !$0.contains("}") })
    }
}
