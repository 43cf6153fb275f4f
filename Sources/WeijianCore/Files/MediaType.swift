/// Audio and video evidence (执法全过程记录: 执法记录仪 recordings, 询问录音), recognised by extension
/// and first bytes together like `FileType`, each kind with its size limit.
public enum MediaType: String, Sendable, CaseIterable {
    case mp4, mov, m4a, mp3, wav, amr

    public var isVideo: Bool { self == .mp4 || self == .mov }

    /// The largest file accepted: video 500 MB, audio 200 MB.
    public var maxBytes: Int { isVideo ? 500 * 1024 * 1024 : 200 * 1024 * 1024 }

    public var contentType: String {
        switch self {
        case .mp4: "video/mp4"
        case .mov: "video/quicktime"
        case .m4a: "audio/mp4"
        case .mp3: "audio/mpeg"
        case .wav: "audio/wav"
        case .amr: "audio/amr"
        }
    }

    /// What the accepted files read like in a message and a form's `accept`.
    public static let acceptedList = "录像 MP4、MOV（不超过500 MB），录音 M4A、MP3、WAV、AMR（不超过200 MB）"
    public static let acceptAttribute = allCases.map { "." + $0.rawValue }.joined(separator: ",")

    /// Bytes `detect` needs to see.
    public static let sniffLength = 12

    /// The type of a file named `fileName` whose content starts with `bytes` (at least
    /// `sniffLength` of them when the file is that long).
    /// - Throws: `ValidationError` (`file.type`) naming the file and the rule.
    public static func detect(fileName: String, bytes: [UInt8], field: String) throws -> MediaType {
        let parts = fileName.split(separator: ".")
        let ext = parts.count > 1 ? parts.last!.lowercased() : ""
        guard let type = MediaType(rawValue: ext) else {
            throw ValidationError(field: field, code: "file.type", message: "“\(fileName)”的类型不在允许范围内（\(acceptedList)）")
        }
        guard type.matches(bytes) else {
            throw ValidationError(field: field, code: "file.type", message: "“\(fileName)”的内容不是\(ext.uppercased())文件（文件可能已损坏或被改了扩展名）")
        }
        return type
    }

    func matches(_ bytes: [UInt8]) -> Bool {
        func ascii(_ text: String, at offset: Int) -> Bool {
            let expected = Array(text.utf8)
            return bytes.count >= offset + expected.count && Array(bytes[offset..<offset + expected.count]) == expected
        }
        switch self {
        // ISO base media files start with a box: size (4 bytes), then its type.
        case .mp4, .m4a: return ascii("ftyp", at: 4)
        case .mov: return ["ftyp", "moov", "mdat", "wide", "free", "skip"].contains { ascii($0, at: 4) }
        case .mp3: return ascii("ID3", at: 0) || (bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
        case .wav: return ascii("RIFF", at: 0) && ascii("WAVE", at: 8)
        case .amr: return ascii("#!AMR", at: 0)
        }
    }
}
