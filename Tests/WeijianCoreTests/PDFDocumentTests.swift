import Foundation
import Testing
@testable import WeijianCore

/// The enforcement-document PDF (DESIGN.md "Documents"), checked with poppler's own tools.
@Suite("执法文书PDF")
struct PDFDocumentTests {
    static let fontPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/Fonts/wqy-microhei.ttc").path

    static func font() throws -> TrueTypeFont {
        try TrueTypeFont(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: fontPath))))
    }

    static let sample = OfficialDocument(title: "卫生监督意见书", blocks: [
        .heading("某某市卫生健康委员会", size: 20), .heading("卫生监督意见书", size: 22), .number("X卫公监意〔2026〕12号"),
        .field(label: "被监督单位", value: "福州阳光游泳馆有限公司"),
        .fieldPair(label: "法定代表人", value: "王建国", label2: "联系电话", value2: "0591-87654321"),
        .section("监督意见："),
        .paragraph(String(repeating: "经检查，你单位游泳池水余氯不符合《游泳场所卫生规范》（GB 37488-2019）的要求。", count: 30)),
        .signatures(["被监督单位签收", "卫生监督员"]),
        .seal(organ: "某某市卫生健康委员会", date: "2026年12月3日"),
    ])

    /// Runs a poppler tool on bytes written to a temporary file; nil when the tool is not installed.
    static func poppler(_ tool: String, _ pdf: [UInt8], arguments: [String] = []) throws -> String? {
        guard let path = ["/usr/bin/\(tool)", "/usr/local/bin/\(tool)"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("weijian-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + [file.path] + (tool == "pdftotext" ? ["-"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) failed")
        return String(decoding: output, as: UTF8.self)
    }

    @Test("The font reads: Chinese characters map to glyphs with widths")
    func fontReads() throws {
        // given
        let font = try Self.font()

        // then
        #expect(font.covers("卫"))
        #expect(font.covers("〔"))
        #expect(font.width(of: "卫生", size: 12) > 20)
        #expect(font.postScriptName.isEmpty == false)
    }

    @Test("pdftotext gives back the Chinese, pdffonts shows only an embedded subset, and two renderings are the same bytes")
    func popplerReadsIt() throws {
        // given
        let font = try Self.font()

        // when
        let pdf = try Self.sample.render(font: font, date: "20261203")
        let again = try Self.sample.render(font: font, date: "20261203")

        // then
        #expect(pdf == again)
        #expect(pdf.count < 400_000, "a subset, not the 5 MB font: \(pdf.count) bytes")
        guard let text = try Self.poppler("pdftotext", pdf), let fonts = try Self.poppler("pdffonts", pdf) else {
            Issue.record("poppler-utils is not installed (apt-get install poppler-utils)")
            return
        }
        let flattened = text.filter { !$0.isWhitespace }
        #expect(flattened.contains("X卫公监意〔2026〕12号"))
        #expect(flattened.contains("福州阳光游泳馆有限公司"))
        #expect(flattened.contains("游泳池水余氯不符合《游泳场所卫生规范》"))
        #expect(flattened.contains("第1页共2页"), "the long body breaks onto a second page")
        let rows = fonts.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 1)
        for row in rows {
            #expect(row.contains("CID TrueType"))
            #expect(row.contains("yes yes yes"), "embedded, subset, with a ToUnicode map: \(row)")
        }
    }
}

extension PDFDocumentTests {
    @Test("A pair of fields whose value does not fit its half goes on two lines, so an 18-character credit code is printed whole")
    func longPairValuesAreNotCut() throws {
        // given
        let document = OfficialDocument(title: "卫生监督意见书", blocks: [
            .fieldPair(label: "法定代表人（负责人）", value: "欧阳建国", label2: "统一社会信用代码", value2: "91350105788695912X"),
        ])

        // when
        let pdf = try document.render(font: try Self.font(), date: "20261203")

        // then
        guard let text = try Self.poppler("pdftotext", pdf) else {
            Issue.record("poppler-utils is not installed (apt-get install poppler-utils)")
            return
        }
        #expect(text.filter { !$0.isWhitespace }.contains("91350105788695912X"))
    }
}

/// Evidence photos keep when they were taken (执法全过程记录).
@Suite("EXIF拍摄时间")
struct ExifCaptureTimeTests {
    /// A JPEG start with an APP1 EXIF segment holding DateTimeOriginal in the Exif IFD.
    static func jpeg(littleEndian: Bool, time: String) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        // TIFF: header (8), IFD0 at 8 with one entry (ExifIFD pointer → 26), Exif IFD at 26 with DateTimeOriginal → 44.
        var tiff: [UInt8] = (littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]) + u16(42) + u32(8)
        tiff += u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(26) + u32(0)
        tiff += u16(1) + u16(0x9003) + u16(2) + u32(20) + u32(44) + u32(0)
        tiff += Array(time.utf8) + [0]
        let app1 = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xD8, 0xFF, 0xE1] + [UInt8((app1.count + 2) >> 8), UInt8((app1.count + 2) & 0xFF)] + app1 + [0xFF, 0xDA, 0, 2, 0xFF, 0xD9]
    }

    @Test("DateTimeOriginal is read in both byte orders; a photo without EXIF, or not a JPEG, has none", arguments: [true, false])
    func readsCaptureTime(littleEndian: Bool) {
        // given
        let photo = Self.jpeg(littleEndian: littleEndian, time: "2026:12:03 09:41:07")

        // then
        #expect(ExifCaptureTime.read(photo) == "2026-12-03 09:41:07")
        #expect(ExifCaptureTime.read([0xFF, 0xD8, 0xFF, 0xDA, 0, 2]) == nil)
        #expect(ExifCaptureTime.read(Array("%PDF-1.7".utf8)) == nil)
        #expect(ExifCaptureTime.read(Array(photo.prefix(30))) == nil, "a cut-off file is no time, not a crash")
    }
}
