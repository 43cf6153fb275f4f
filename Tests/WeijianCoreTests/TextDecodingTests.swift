import Foundation
import Testing
@testable import WeijianCore

/// CSV files arrive as UTF-8 (with or without BOM) or as GBK from Chinese Windows.
@Suite("文本编码识别")
struct TextDecodingTests {
    @Test("UTF-8 without a byte-order mark")
    func plainUTF8() throws {
        // given
        let data = Data("单位名称,地址\n阳光宾馆,五四路12号\n".utf8)

        // when
        let decoded = try TextDecoding.decode(data)

        // then
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == "单位名称,地址\n阳光宾馆,五四路12号\n")
    }

    @Test("UTF-8 with a byte-order mark: the mark is dropped and reported")
    func utf8WithBOM() throws {
        // given
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("名称".utf8)

        // when
        let decoded = try TextDecoding.decode(data)

        // then
        #expect(decoded.encoding == .utf8WithBOM)
        #expect(decoded.text == "名称")
        #expect(decoded.text.unicodeScalars.first != "\u{FEFF}")
    }

    @Test("GBK bytes are read as GB18030: 你好 is C4 E3 BA C3")
    func gbkLiteralBytes() throws {
        // given
        let data = Data([0xC4, 0xE3, 0xBA, 0xC3, 0x2C, 0x31, 0x32])

        // when
        let decoded = try TextDecoding.decode(data)

        // then
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == "你好,12")
    }

    @Test("A long GBK file converts whole, across iconv's output chunks")
    func longGBKFile() throws {
        // given: 你好 repeated far beyond one 64 KiB output chunk
        let data = Data(Array(repeating: [0xC4, 0xE3, 0xBA, 0xC3, 0x0A] as [UInt8], count: 40_000).joined())

        // when
        let decoded = try TextDecoding.decode(data)

        // then
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == String(repeating: "你好\n", count: 40_000))
    }

    @Test("Bytes valid in neither encoding are rejected with advice")
    func invalidInBoth() {
        // given: 0xFF never occurs in UTF-8 or GB18030
        let data = Data([0x41, 0xFF, 0xFE, 0x42])

        // when
        let error = #expect(throws: ValidationError.self) { try TextDecoding.decode(data) }

        // then
        #expect(error == ValidationError(field: "文件", code: "file.encoding",
                                         message: "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV"))
    }

    @Test("A GBK file cut off inside a character is rejected, not half read")
    func truncatedGBK() {
        // given: 你 then the first byte of 好
        let data = Data([0xC4, 0xE3, 0xBA])

        // when
        let error = #expect(throws: ValidationError.self) { try TextDecoding.decode(data) }

        // then
        #expect(error?.code == "file.encoding")
    }

    @Test("An empty file is empty UTF-8")
    func emptyFile() throws {
        // given
        let data = Data()

        // when
        let decoded = try TextDecoding.decode(data)

        // then
        #expect(decoded.text.isEmpty)
        #expect(decoded.encoding == .utf8)
    }
}
