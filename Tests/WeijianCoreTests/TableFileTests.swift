import Foundation
import Testing
@testable import WeijianCore

/// The upload entry point decides between workbook and CSV.
@Suite("导入文件识别")
struct TableFileTests {
    @Test("A workbook is read as XLSX by its contents, even when named .csv")
    func workbookByMagic() throws {
        // given
        let data = try XLSXWriter.write(header: ["名称"], rows: [["阳光宾馆"]], sheetName: "s")

        // when
        let result = try TableFile.read(data: data, filename: "单位.csv")

        // then
        #expect(result.format == "XLSX")
        #expect(result.rows == [["名称"], ["阳光宾馆"]])
    }

    @Test("A file named .xlsx that is no workbook is reported as a broken workbook")
    func xlsxExtensionWithoutZip() {
        // given
        let data = Data("名称\n".utf8)

        // when
        let error = #expect(throws: ValidationError.self) { try TableFile.read(data: data, filename: "单位.XLSX") }

        // then
        #expect(error?.code == "file.xlsx")
    }

    @Test("A GBK CSV is read with its encoding named")
    func gbkCSV() throws {
        // given: "你好,1\r\n" in GBK
        let data = Data([0xC4, 0xE3, 0xBA, 0xC3, 0x2C, 0x31, 0x0D, 0x0A])

        // when
        let result = try TableFile.read(data: data, filename: "导出.csv")

        // then
        #expect(result.format == "CSV GB18030")
        #expect(result.rows == [["你好", "1"]])
    }

    @Test("A CSV written by the exporter comes back as UTF-8 BOM")
    func exportedCSV() throws {
        // given
        let data = CSVTable.write([["名称", "电话"], ["阳光宾馆", "0591"]])

        // when
        let result = try TableFile.read(data: data, filename: "export")

        // then
        #expect(result.format == "CSV UTF-8 BOM")
        #expect(result.rows == [["名称", "电话"], ["阳光宾馆", "0591"]])
    }

    @Test("Old .xls workbooks are refused with advice")
    func legacyXLS() {
        // given
        let data = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0])

        // when
        let error = #expect(throws: ValidationError.self) { try TableFile.read(data: data, filename: "单位.dat") }

        // then
        #expect(error?.code == "file.xls")
        #expect(error?.message.contains(".xlsx") == true)
    }
}
