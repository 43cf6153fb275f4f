import Testing
@testable import WeijianCore

/// Exports must not let a cell run as a formula in Excel or WPS (CSV injection).
@Suite("公式注入防护")
struct FormulaEscapingTests {
    @Test("Cells starting with a formula trigger get a leading quote",
          arguments: ["=SUM(A1:A9)", "+cmd|'/c calc'!A0", "-2+3", "@SUM(1)", "\tx", "\rx", "=1", "-", "+", "-1e5", "--5"])
    func escapesTriggers(cell: String) {
        // given
        let input = cell

        // when
        let escaped = FormulaEscaping.escape(input)

        // then
        #expect(escaped == "'" + cell)
    }

    @Test("Plain numbers, even signed, are left alone", arguments: ["-12.5", "+86", "-0", "12", "0.05", "-100"])
    func keepsPlainNumbers(cell: String) {
        // given
        let input = cell

        // when
        let escaped = FormulaEscaping.escape(input)

        // then
        #expect(escaped == cell)
    }

    @Test("Ordinary text, an empty cell and a trigger inside the text are unchanged",
          arguments: ["阳光宾馆", "", "a=b", "12-3号", "'quoted", "0591-87654321"])
    func leavesOtherText(cell: String) {
        // given
        let input = cell

        // when
        let escaped = FormulaEscaping.escape(input)

        // then
        #expect(escaped == cell)
    }
}
