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

@Suite("Audio and video evidence types")
struct MediaTypeTests {
    static let mp4 = [0, 0, 0, 0x18] + Array("ftypisom".utf8)

    @Test(arguments: [
        ("执法记录仪.MP4", mp4, MediaType.mp4),
        ("现场.mov", [0, 0, 0, 0x14] + Array("ftypqt  ".utf8), .mov),
        ("询问录音.m4a", [0, 0, 0, 0x1C] + Array("ftypM4A ".utf8), .m4a),
        ("录音.mp3", Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0, 0, 0], .mp3),
        ("录音.wav", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVE".utf8), .wav),
        ("录音.amr", Array("#!AMR\n".utf8), .amr),
    ] as [(String, [UInt8], MediaType)])
    func recognised(name: String, bytes: [UInt8], type: MediaType) throws {
        #expect(try MediaType.detect(fileName: name, bytes: bytes, field: "录音录像1") == type)
    }

    @Test("A renamed file or another type is refused naming the field; video may be 500 MB, audio 200 MB", arguments: [
        ("执法记录仪.mp4", Array("%PDF-1.4 xxxx".utf8)),
        ("录音.wav", Array("RIFF".utf8) + [0, 0, 0, 0] + Array("AVI ".utf8)),
        ("视频.avi", mp4),
        ("无扩展名", mp4),
    ] as [(String, [UInt8])])
    func refused(name: String, bytes: [UInt8]) {
        let error = #expect(throws: ValidationError.self) { try MediaType.detect(fileName: name, bytes: bytes, field: "录音录像1") }
        #expect(error?.field == "录音录像1")
        #expect(error?.code == "file.type")
        #expect(MediaType.mp4.maxBytes == 500 * 1024 * 1024)
        #expect(MediaType.mp3.maxBytes == 200 * 1024 * 1024)
    }
}
