/// The kinds of file a unit may attach to a submission, recognised by their first bytes and
/// their extension together: a renamed executable is not a PDF because its name ends in ".pdf".
public enum FileType: String, Sendable, CaseIterable {
    case pdf, jpeg, png, ofd, docx, xlsx

    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .ofd: "application/ofd"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// The extensions accepted for the type, lower case.
    var extensions: [String] {
        switch self {
        case .pdf: ["pdf"]
        case .jpeg: ["jpg", "jpeg"]
        case .png: ["png"]
        case .ofd: ["ofd"]
        case .docx: ["docx"]
        case .xlsx: ["xlsx"]
        }
    }

    /// What the list of accepted types reads like in a message.
    public static let acceptedList = "PDF、JPG、PNG、OFD、DOCX、XLSX"

    private var magic: [UInt8] {
        switch self {
        case .pdf: Array("%PDF-".utf8)
        case .jpeg: [0xFF, 0xD8, 0xFF]
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        // OFD (GB/T 33190) and Office Open XML files are ZIP containers.
        case .ofd, .docx, .xlsx: [0x50, 0x4B, 0x03, 0x04]
        }
    }

    /// The type of a file named `fileName` whose content starts with `bytes`.
    /// - Throws: `ValidationError` (`file.type`) when the extension is not accepted or the content
    ///   is not what the extension says.
    public static func detect(fileName: String, bytes: [UInt8], field: String) throws -> FileType {
        let ext = fileName.split(separator: ".").count > 1 ? String(fileName.split(separator: ".").last!).lowercased() : ""
        guard let type = allCases.first(where: { $0.extensions.contains(ext) }) else {
            throw ValidationError(field: field, code: "file.type", message: "“\(fileName)”的类型不在允许范围内（\(acceptedList)）")
        }
        guard bytes.starts(with: type.magic) else {
            throw ValidationError(field: field, code: "file.type", message: "“\(fileName)”的内容不是\(type.rawValue.uppercased())文件（文件可能已损坏或被改了扩展名）")
        }
        return type
    }
}
