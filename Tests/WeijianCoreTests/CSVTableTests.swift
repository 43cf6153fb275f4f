import Foundation
import Testing
@testable import WeijianCore

/// RFC 4180 reading and Excel-friendly writing of CSV tables.
@Suite("CSV 表格")
struct CSVTableTests {
    @Test("Plain rows with LF line ends; the final line end makes no row")
    func plainRows() throws {
        // given
        let text = "名称,地址\n阳光宾馆,五四路12号\n"

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["名称", "地址"], ["阳光宾馆", "五四路12号"]])
    }

    @Test("CRLF, lone CR and LF line ends all end a row")
    func lineEnds() throws {
        // given
        let text = "a,b\r\nc,d\re,f\ng,h"

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
    }

    @Test("Quoted fields keep commas, doubled quotes and line breaks")
    func quotedFields() throws {
        // given
        let text = "\"福州, 鼓楼\",\"他说\"\"好\"\"\",\"第一行\r\n第二行\"\r\nx,\"\",y\r\n"

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["福州, 鼓楼", "他说\"好\"", "第一行\r\n第二行"], ["x", "", "y"]])
    }

    @Test("Empty fields, a trailing comma and a blank middle line are kept so row numbers match Excel")
    func emptyFieldsAndBlankLines() throws {
        // given
        let text = "a,,c,\n\nd\n"

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["a", "", "c", ""], [""], ["d"]])
    }

    @Test("A last row of one quoted empty field without a line end is still a row")
    func lastQuotedEmptyField() throws {
        // given
        let text = "a\n\"\""

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["a"], [""]])
    }

    @Test("Stray quotes are kept as Excel keeps them")
    func strayQuotes() throws {
        // given
        let text = "ab\"c,\"x\"y\n"

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows == [["ab\"c", "xy"]])
    }

    @Test("An unterminated quote names the row where the field began")
    func unterminatedQuote() {
        // given
        let text = "名称,地址\n阳光宾馆,五四路\n\"如家酒店,东街口\n88号\n"

        // when
        let error = #expect(throws: ValidationError.self) { try CSVTable.parse(text) }

        // then
        #expect(error?.code == "csv.quote")
        #expect(error?.field == "文件")
        #expect(error?.message.hasPrefix("第3行") == true)
    }

    @Test("An empty text has no rows")
    func emptyText() throws {
        // given
        let text = ""

        // when
        let rows = try CSVTable.parse(text)

        // then
        #expect(rows.isEmpty)
    }

    @Test("Written files start with the UTF-8 BOM and end rows with CRLF")
    func writesBOMAndCRLF() {
        // given
        let rows = [["名称", "电话"], ["阳光宾馆", "059187654321"]]

        // when
        let data = CSVTable.write(rows)

        // then
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: data.dropFirst(3), as: UTF8.self) == "名称,电话\r\n阳光宾馆,059187654321\r\n")
    }

    @Test("Cells are quoted only when they need it")
    func quotesWhenNeeded() {
        // given
        let rows = [["a,b", "say \"hi\"", "two\nlines", "plain", " spaced "]]

        // when
        let text = CSVTable.format(rows)

        // then
        #expect(text == "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain, spaced \r\n")
    }

    @Test("Written cells are formula-escaped")
    func escapesFormulas() {
        // given
        let rows = [["=HYPERLINK(\"http://x\")", "-12.5", "@x"]]

        // when
        let text = CSVTable.format(rows)

        // then
        #expect(text == "\"'=HYPERLINK(\"\"http://x\"\")\",-12.5,'@x\r\n")
    }

    @Test("Write then read gives the same rows: leading zeros, quotes, commas, line breaks, Chinese")
    func roundTrip() throws {
        // given
        let rows = [
            ["统一社会信用代码", "名称", "电话", "备注"],
            ["91350100M000100Y43", "阳光宾馆（五四路店）", "0591-87654321", "含\"引号\"，逗号,与\r\n换行"],
            ["000123", "", "013800000000", "  前后空格  "],
        ]

        // when
        let decoded = try TextDecoding.decode(CSVTable.write(rows))
        let back = try CSVTable.parse(decoded.text)

        // then
        #expect(decoded.encoding == .utf8WithBOM)
        #expect(back == rows)
    }

    @Test("A 10,000-row table survives the round trip")
    func largeRoundTrip() throws {
        // given
        let rows = [["序号", "名称", "地址"]] + (0..<10_000).map { index in
            [String(format: "%05d", index), "单位\(index),有限公司", "五四路\(index)号\n\(index % 7)楼"]
        }

        // when
        let back = try CSVTable.parse(TextDecoding.decode(CSVTable.write(rows)).text)

        // then
        #expect(back.count == 10_001)
        #expect(back == rows)
    }
}
