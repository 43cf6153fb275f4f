import Foundation
import Testing
@testable import WeijianCore

/// Excel exports and imports.
@Suite("XLSX 工作簿")
struct XLSXTests {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A workbook shaped like one Excel saves: two sheets, the first stored as `data.xml` under a
    /// relationship id that is not rId1, shared strings with rich text and a phonetic guide.
    static func excelLikeWorkbook(sheetXML: String, sharedStrings: [String]) throws -> Data {
        let strings = sharedStrings.map { "<si>\($0)</si>" }.joined()
        return try XLSXWriter.package([
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", """
                <workbook xmlns="\(main)" xmlns:rel="\(relationships)"><sheets>\
                <sheet name="单位" sheetId="2" rel:id="rId3"/><sheet name="其他" sheetId="1" rel:id="rId1"/>\
                </sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId3" Type="\(relationships)/worksheet" Target="/xl/worksheets/data.xml"/>\
                <Relationship Id="rId4" Type="\(relationships)/sharedStrings" Target="sharedStrings.xml"/>\
                </Relationships>
                """),
            ("xl/sharedStrings.xml", "<sst xmlns=\"\(main)\">\(strings)</sst>"),
            ("xl/worksheets/sheet1.xml", "<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>"),
            ("xl/worksheets/data.xml", "<worksheet xmlns=\"\(main)\"><sheetData>\(sheetXML)</sheetData></worksheet>"),
        ])
    }

    @Test("Write then read gives the same rows")
    func roundTrip() throws {
        // given
        let header = ["统一社会信用代码", "名称", "电话", "身份证号", "备注"]
        let rows = [
            ["91350100M000100Y43", "阳光宾馆（五四路店）", "059187654321", "11010519491231002X", "<&>\"'"],
            ["000123", "A&B 美容", "013800000000", "440524188001010014", "两行\n文字"],
            ["", "中间空", "", "", "末尾"],
        ]

        // when
        let data = try XLSXWriter.write(header: header, rows: rows, sheetName: "被监督单位")
        let back = try XLSXReader.read(data)

        // then
        #expect(back == [header] + rows)
    }

    @Test("Leading zeros and long digit strings stay text, as written")
    func keepsLeadingZeros() throws {
        // given
        let rows = [["007"], ["0591"], ["123456789012345678"], ["1.50"]]

        // when
        let back = try XLSXReader.read(XLSXWriter.write(header: ["编号"], rows: rows, sheetName: "s"))

        // then
        #expect(back == [["编号"]] + rows)
    }

    @Test("Every written cell is an inline string in the Text style, the header bold and frozen")
    func cellsAreText() throws {
        // given
        let header = ["名称"]

        // when
        let sheet = XLSXWriter.worksheet(header: header, rows: [["0591"]])

        // then
        #expect(sheet.contains(#"<c r="A2" s="1" t="inlineStr"><is><t xml:space="preserve">0591</t></is></c>"#))
        #expect(sheet.contains(#"<c r="A1" s="2" t="inlineStr">"#))
        #expect(sheet.contains(#"state="frozen""#))
        #expect(!sheet.contains("<v>"))
        #expect(XLSXWriter.styles.contains(#"<xf numFmtId="49" fontId="1""#))
    }

    @Test("Inline strings are never formulas, so cells are written and read back exactly as typed")
    func writesFormulaLookingTextAsItIs() throws {
        // given
        let rows = [["=1+1", "-12.5", "@cmd", "+86"]]

        // when
        let back = try XLSXReader.read(XLSXWriter.write(header: ["a", "b", "c", "d"], rows: rows, sheetName: "s"))

        // then
        #expect(back[1] == ["=1+1", "-12.5", "@cmd", "+86"])
        let sheet = XLSXWriter.worksheet(header: ["a"], rows: [["=1+1"]])
        #expect(sheet.contains(#"t="inlineStr"><is><t xml:space="preserve">=1+1</t>"#))
        #expect(!sheet.contains("<f>"))
    }

    @Test("Characters XML 1.0 cannot hold are dropped; CR and underscores that look like escapes survive")
    func xmlSafeText() throws {
        // given
        let rows = [["a\u{0}b\u{1}c\u{B}d\u{FFFE}", "行一\r\n行二", "_x0041_ stays", "制表\t符"]]

        // when
        let back = try XLSXReader.read(XLSXWriter.write(header: ["1", "2", "3", "4"], rows: rows, sheetName: "s"))

        // then
        #expect(back[1] == ["abcd", "行一\r\n行二", "_x0041_ stays", "制表\t符"])
    }

    @Test("Sheet names are made acceptable to Excel",
          arguments: [("单位[2026]:汇总*?/\\", "单位2026汇总"), ("", "Sheet1"), ("'引号'", "引号"),
                      (String(repeating: "卫", count: 40), String(repeating: "卫", count: 31)), ("  ", "Sheet1")])
    func sanitisesSheetNames(name: String, expected: String) {
        // given
        let input = name

        // when
        let sanitised = XLSXWriter.sanitisedSheetName(input)

        // then
        #expect(sanitised == expected)
    }

    @Test("The sheet name is written escaped into the workbook")
    func sheetNameInWorkbook() {
        // given
        let name = "A&B<单位>"

        // when
        let workbook = XLSXWriter.workbook(sheetNames: [name, "填写说明"])

        // then
        #expect(workbook.contains(#"name="A&amp;B&lt;单位&gt;" sheetId="1""#))
        #expect(workbook.contains(#"name="填写说明" sheetId="2""#))
    }

    @Test("A 10,000-row workbook survives the round trip")
    func largeRoundTrip() throws {
        // given
        let header = ["序号", "名称", "地址", "电话"]
        let rows = (0..<10_000).map { index in
            [String(format: "%05d", index), "单位\(index)有限公司", "五四路\(index)号", "0591\(index)"]
        }

        // when
        let back = try XLSXReader.read(XLSXWriter.write(header: header, rows: rows, sheetName: "单位"))

        // then
        #expect(back.count == 10_001)
        #expect(back == [header] + rows)
    }

    @Test("An Excel-style workbook: shared strings, rich text, numbers, booleans, formulas, gaps")
    func readsExcelStyleWorkbook() throws {
        // given
        let sharedStrings = [
            "<t>名称</t>",
            "<r><t>阳光</t></r><r><rPr><b/></rPr><t>宾馆</t></r><rPh sb=\"0\" eb=\"2\"><t>ヨウコウ</t></rPh>",
            "<t>第一行_x000D_\n第二行</t>",
        ]
        let sheet = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>备注</t></is></c></row>\
            <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>42</v></c><c r="C2"><v>0.1</v></c>\
            <c r="D2" t="b"><v>1</v></c><c r="E2" t="str"><f>A2&amp;"店"</f><v>阳光宾馆店</v></c></row>\
            <row r="4"><c r="B4" t="s"><v>2</v></c><c r="C4" s="3"/><c r="D4"><v>1.5E+3</v></c><c r="E4"><v>0.30000000000000004</v></c></row>
            """

        // when
        let rows = try XLSXReader.read(Self.excelLikeWorkbook(sheetXML: sheet, sharedStrings: sharedStrings))

        // then
        #expect(rows == [
            ["名称", "", "备注", "", ""],
            ["阳光宾馆", "42", "0.1", "TRUE", "阳光宾馆店"],
            ["", "", "", "", ""],
            ["", "第一行\r\n第二行", "", "1500", "0.3"],
        ])
    }

    @Test("Rows and cells without references follow the previous ones; prefixed element names are read")
    func readsUnreferencedAndPrefixedCells() throws {
        // given
        let sheet = """
            <x:row xmlns:x="\(Self.main)"><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>7</x:v></x:c></x:row>\
            <row><c r="C2" t="b"><v>0</v></c></row>
            """

        // when
        let rows = try XLSXReader.read(Self.excelLikeWorkbook(sheetXML: sheet, sharedStrings: []))

        // then
        #expect(rows == [["a", "7", ""], ["", "", "FALSE"]])
    }

    @Test("An empty sheet has no rows")
    func emptySheet() throws {
        // given
        let data = try Self.excelLikeWorkbook(sheetXML: "", sharedStrings: [])

        // when
        let rows = try XLSXReader.read(data)

        // then
        #expect(rows.isEmpty)
    }

    @Test("Bytes that are not a zip are a file.xlsx error")
    func notAZip() {
        // given
        let data = Data("名称,地址\n".utf8)

        // when
        let error = #expect(throws: ValidationError.self) { try XLSXReader.read(data) }

        // then
        #expect(error?.code == "file.xlsx")
        #expect(error?.field == "文件")
        #expect(error?.message.contains(".xlsx") == true)
    }

    @Test("A zip without a workbook is a file.xlsx error")
    func zipWithoutWorkbook() throws {
        // given
        let data = try XLSXWriter.package([("word/document.xml", "<document/>")])

        // when
        let error = #expect(throws: ValidationError.self) { try XLSXReader.read(data) }

        // then
        #expect(error?.code == "file.xlsx")
        #expect(error?.message.contains("工作簿") == true)
    }

    @Test("A workbook whose sheet part is missing is a file.xlsx error")
    func missingSheet() throws {
        // given
        var parts = [
            ("xl/workbook.xml", "<workbook xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.relationships)\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
        ]
        parts.append(("xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Type=\"\(Self.relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"))
        let data = try XLSXWriter.package(parts)

        // when
        let error = #expect(throws: ValidationError.self) { try XLSXReader.read(data) }

        // then
        #expect(error?.code == "file.xlsx")
        #expect(error?.message.contains("工作表") == true)
    }

    @Test("Malformed sheet XML and a shared-string index past the end are file.xlsx errors",
          arguments: ["<row><c r=\"A1\"><v>1</v></row>", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>"])
    func brokenSheet(sheet: String) throws {
        // given
        let data = try Self.excelLikeWorkbook(sheetXML: sheet, sharedStrings: ["<t>only</t>"])

        // when
        let error = #expect(throws: ValidationError.self) { try XLSXReader.read(data) }

        // then
        #expect(error?.code == "file.xlsx")
    }

    @Test("A sheet spanning too many cells is refused instead of filled in")
    func hugeSpan() throws {
        // given: one cell at the last row and column Excel allows
        let data = try Self.excelLikeWorkbook(sheetXML: "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>", sharedStrings: [])

        // when
        let error = #expect(throws: ValidationError.self) { try XLSXReader.read(data) }

        // then
        #expect(error?.code == "file.xlsx")
        #expect(error?.message.contains("过大") == true)
    }

    @Test("Cell references convert both ways", arguments: [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")])
    func cellReferences(index: Int, name: String) throws {
        // given
        let reference = name + "12"

        // when
        let parsed = try #require(CellReference.parse(reference))

        // then
        #expect(CellReference.columnName(index) == name)
        #expect(parsed.column == index)
        #expect(parsed.row == 11)
    }

    @Test("Numbers read as Excel shows them", arguments: [(42.0, "42"), (-3.0, "-3"), (0.1, "0.1"), (1e15, "1000000000000000"), (0.30000000000000004, "0.3"), (1.0 / 3.0, "0.333333333333333")])
    func numberText(value: Double, expected: String) {
        // given
        let number = value

        // when
        let text = number.plainText

        // then
        #expect(text == expected)
    }
}
