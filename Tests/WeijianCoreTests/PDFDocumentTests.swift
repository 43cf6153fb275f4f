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
