import Testing
import WeijianCore

@Suite("File types of attachments")
struct FileTypeTests {
    @Test(arguments: [
        ("报告.PDF", Array("%PDF-1.4".utf8), FileType.pdf),
        ("照片.jpg", [0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
        ("平面图.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
        ("许可证.ofd", [0x50, 0x4B, 0x03, 0x04], .ofd),
        ("制度.docx", [0x50, 0x4B, 0x03, 0x04], .docx),
    ] as [(String, [UInt8], FileType)])
    func acceptedFilesAreRecognised(name: String, bytes: [UInt8], type: FileType) throws {
        #expect(try FileType.detect(fileName: name, bytes: bytes, field: "附件1") == type)
    }

    @Test(arguments: [
        ("程序.exe", [0x4D, 0x5A]),
        ("无扩展名", Array("%PDF-1.4".utf8)),
        ("报告.pdf", [0x4D, 0x5A, 0x90, 0x00]),
        ("照片.png", [0xFF, 0xD8, 0xFF, 0xE0]),
    ] as [(String, [UInt8])])
    func otherFilesAreRefusedWithTheFieldAndRule(name: String, bytes: [UInt8]) {
        #expect(throws: ValidationError.self) { try FileType.detect(fileName: name, bytes: bytes, field: "附件1") }
        do { _ = try FileType.detect(fileName: name, bytes: bytes, field: "附件1") } catch let error as ValidationError {
            #expect(error.field == "附件1")
            #expect(error.code == "file.type")
        } catch {}
    }
}
