import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Files attached to records (a unit's licence application, a water test report): a
/// content-addressed store (each file named by the SHA-256 of its content), encrypted at rest with
/// the data key, with size and type limits and a fixity check that proves every stored file still
/// has the content it was stored with.
///
/// Files live under `Settings.attachmentsDirectory` (`ab/cd/abcd…`); the `attachments` table says
/// which record each belongs to, under what name, and who uploaded it. A file is written (and
/// synced) before the row that points to it is committed, so a crash leaves at worst a file no row
/// names, never a row without its file.
enum Attachments {
    /// Largest accepted file (the whole form is limited by the route's body limit, 10 MB).
    static let maxBytes = 8 * 1024 * 1024
    /// Most files one form may carry.
    static let maxFiles = 5

    /// A file as it arrived in a form.
    struct Upload: Sendable {
        let fileName: String
        let bytes: [UInt8]
        /// Why the file was left out of the form before it was read (its size), if it was.
        var refused: String? = nil
    }

    /// A file that passed the checks, ready to store.
    struct Checked: Sendable {
        let fileName: String
        let bytes: [UInt8]
        let type: FileType
        let sha256: String
    }

    /// Checks every upload; empty file inputs (a form posted with nothing chosen) are ignored.
    /// Returns the accepted files and one error per refused file, naming it and the rule.
    static func check(_ uploads: [Upload]) -> (files: [Checked], errors: [ValidationError]) {
        var files: [Checked] = []
        var errors: [ValidationError] = []
        let chosen = uploads.filter { !($0.fileName.isEmpty && $0.bytes.isEmpty) || $0.refused != nil }
        if chosen.count > maxFiles {
            errors.append(ValidationError(field: "附件", code: "file.count", message: "一次最多上传\(maxFiles)个文件"))
        }
        for (index, upload) in chosen.prefix(maxFiles).enumerated() {
            let field = "附件\(index + 1)"
            let name = cleanName(upload.fileName)
            if let refused = upload.refused {
                errors.append(ValidationError(field: field, code: "file.size", message: refused))
                continue
            }
            if upload.bytes.isEmpty {
                errors.append(ValidationError(field: field, code: "file.empty", message: "“\(name)”是空文件"))
                continue
            }
            if upload.bytes.count > maxBytes {
                errors.append(ValidationError(field: field, code: "file.size",
                                              message: "“\(name)”大小为\(Format.bytes(upload.bytes.count))，超过单个文件\(Format.bytes(maxBytes))的上限"))
                continue
            }
            do {
                let type = try FileType.detect(fileName: name, bytes: upload.bytes, field: field)
                files.append(Checked(fileName: name, bytes: upload.bytes, type: type, sha256: Hex.encode(SHA256.hash(data: upload.bytes))))
            } catch let error as ValidationError {
                errors.append(error)
            } catch {
                errors.append(ValidationError(field: field, code: "file.type", message: "无法识别“\(name)”"))
            }
        }
        return (files, errors)
    }

    /// The name shown and offered on download: no folders, no control characters, at most 100 characters.
    static func cleanName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) && $0 != "\"" }.map(Character.init)).trimmed
        return String((cleaned.isEmpty ? "附件" : cleaned).suffix(100))
    }

    static func path(of sha256: String, in directory: String) -> String {
        let folder = (directory as NSString).appendingPathComponent("\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))")
        return (folder as NSString).appendingPathComponent(sha256)
    }

    static func context(_ sha256: String) -> String { "attachment:" + sha256 }

    /// Writes each file's encrypted content unless the store already holds it, synced to disk.
    static func write(_ files: [Checked], directory: String, crypto: FieldCrypto) throws {
        let manager = FileManager.default
        for file in files {
            let target = path(of: file.sha256, in: directory)
            if manager.fileExists(atPath: target) {
                // Named again: a fresh date keeps the orphan sweep from taking it meanwhile.
                try? manager.setAttributes([.modificationDate: Date()], ofItemAtPath: target)
                continue
            }
            let folder = (target as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = target + ".tmp-" + UUID().uuidString
            let sealed = try crypto.seal(bytes: file.bytes, context: context(file.sha256))
            guard manager.createFile(atPath: temporary, contents: Data(sealed), attributes: [.posixPermissions: 0o600]) else {
                throw Abort(.internalServerError, reason: "附件无法写入附件库")
            }
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
            try handle.synchronize()
            try handle.close()
            if rename(temporary, target) != 0 { throw Abort(.internalServerError, reason: "附件无法写入附件库") }
            let directoryHandle = open(folder, O_RDONLY)
            if directoryHandle >= 0 { fsync(directoryHandle); close(directoryHandle) }
        }
    }

    /// Records the files as belonging to a record (call inside the record's transaction, after `write`).
    static func link(_ files: [Checked], ownerType: String, ownerID: UUID, version: Int, actor: Actor, on db: any Database, now: Date) async throws {
        try await link(files.map { ($0.fileName, Stored(sha256: $0.sha256, size: $0.bytes.count, contentType: $0.type.contentType)) },
                       ownerType: ownerType, ownerID: ownerID, version: version, actor: actor, on: db, now: now)
    }

    static func link(_ files: [(fileName: String, stored: Stored)], ownerType: String, ownerID: UUID, version: Int, actor: Actor, on db: any Database, now: Date) async throws {
        for file in files {
            try await db.sql.insert(into: "attachments")
                .columns("id", "sha256", "size", "content_type", "file_name", "owner_type", "owner_id", "owner_version", "uploaded_by", "uploaded_at")
                .values(SQLBind(UUID()), SQLBind(file.stored.sha256), SQLBind(file.stored.size), SQLBind(file.stored.contentType), SQLBind(file.fileName),
                        SQLBind(ownerType), SQLBind(ownerID), SQLBind(version), SQLBind(actor.name), SQLBind(Int64(now.timeIntervalSince1970 * 1000)))
                .run()
        }
    }

    /// One stored attachment, as lists show it.
    struct Row: Content {
        let id: UUID
        let fileName: String
        let size: String
        let contentType: String
        let version: Int
        let uploadedBy: String
        let uploadedAt: String
        let sha256: String
    }

    static func rows(ownerType: String, ownerID: UUID, on db: any Database) async throws -> [Row] {
        try await db.sql.select().columns("id", "file_name", "size", "content_type", "owner_version", "uploaded_by", "uploaded_at", "sha256")
            .from("attachments").where("owner_type", .equal, SQLBind(ownerType)).where("owner_id", .equal, SQLBind(ownerID))
            .orderBy("owner_version").orderBy("uploaded_at").all()
            .map { row in
                Row(id: try row.decode(column: "id", as: UUID.self), fileName: try row.decode(column: "file_name", as: String.self),
                    size: Format.bytes(try row.decode(column: "size", as: Int.self)), contentType: try row.decode(column: "content_type", as: String.self),
                    version: try row.decode(column: "owner_version", as: Int.self), uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
                    uploadedAt: Format.dateTime(millis: try row.decode(column: "uploaded_at", as: Int64.self)), sha256: try row.decode(column: "sha256", as: String.self))
            }
    }

    enum FixityError: Error, CustomStringConvertible {
        case missing(String)
        case damaged(String)
        var description: String {
            switch self {
            case .missing(let name): "附件“\(name)”在附件库中不存在"
            case .damaged(let name): "附件“\(name)”的内容与登记时不符（已损坏或被改动）"
            }
        }
    }

    /// The content of one file, after checking it still hashes to its name.
    static func content(sha256: String, fileName: String, directory: String, crypto: FieldCrypto) throws -> [UInt8] {
        var reader = try Reader(sha256: sha256, fileName: fileName, directory: directory, crypto: crypto)
        var plain: [UInt8] = []
        while let piece = try reader.next() { plain += piece }
        return plain
    }

    /// A download answer: the file under its own name, never rendered inline by the browser. A
    /// large file (a sealed stream) is sent as it is read; damage found on the way cuts the answer
    /// off, so a damaged file never arrives whole.
    static func download(_ row: Row, size: Int? = nil, directory: String, crypto: FieldCrypto) throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: row.contentType)
        let encoded = row.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"attachment\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        do {
            var reader = try Reader(sha256: row.sha256, fileName: row.fileName, directory: directory, crypto: crypto)
            guard reader.isStream, let size else {
                var bytes: [UInt8] = []
                while let piece = try reader.next() { bytes += piece }
                return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
            }
            let first = try reader.next() ?? []
            let start = reader
            return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
                // The stream must end with .end or .error whatever happens (a damaged record, the
                // client gone): the writer may not be left open.
                do {
                    var reader = start
                    try await writer.write(.buffer(ByteBuffer(bytes: first)))
                    while let piece = try reader.next() { try await writer.write(.buffer(ByteBuffer(bytes: piece))) }
                    try await writer.write(.end)
                } catch {
                    try? await writer.write(.error(error))
                }
            }, count: size))
        } catch let error as FixityError {
            throw Abort(.conflict, reason: error.description + "，请联系系统管理员从备份恢复")
        }
    }

    /// Result of checking the whole store.
    struct FixityReport: Sendable {
        var checked = 0
        var problems: [String] = []
        /// Files no row names (a submission whose transaction failed after its files were
        /// written, an interrupted write), removed once older than `orphanAge`.
        var removedOrphans = 0
    }

    /// How old a file no row names must be before the sweep removes it: a file written for a
    /// transaction still running is named only when that transaction commits.
    static let orphanAge: TimeInterval = 24 * 3600

    /// Reads every file the table names and checks its hash: the fixity check the scheduler runs
    /// weekly and `weijian attachments verify` runs on demand.
    static func verifyAll(directory: String, crypto: FieldCrypto, on db: any Database) async throws -> FixityReport {
        var report = FixityReport()
        let stored = try await db.sql.select().distinct().columns("sha256", "file_name").from("attachments").all()
        var seen = Set<String>()
        for row in stored {
            let sha = try row.decode(column: "sha256", as: String.self)
            guard seen.insert(sha).inserted else { continue }
            report.checked += 1
            do {
                var reader = try Reader(sha256: sha, fileName: try row.decode(column: "file_name", as: String.self), directory: directory, crypto: crypto)
                while try reader.next() != nil {}
            } catch let error as FixityError {
                report.problems.append(error.description + "（SHA-256 \(sha.prefix(12))…）")
            }
        }
        report.removedOrphans = sweepOrphans(directory: directory, named: seen, now: Date())
        return report
    }

    /// Removes files in the store that no row names and that are older than `orphanAge`.
    static func sweepOrphans(directory: String, named: Set<String>, now: Date) -> Int {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: directory) else { return 0 }
        var removed = 0
        while let relative = walker.nextObject() as? String {
            let full = (directory as NSString).appendingPathComponent(relative)
            let name = (relative as NSString).lastPathComponent
            guard let attributes = try? manager.attributesOfItem(atPath: full), attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let stored = name.count == 64 && name.allSatisfy(\.isHexDigit)
            guard stored || name.contains(".tmp-") else { continue }
            if stored, named.contains(name) { continue }
            guard let modified = attributes[.modificationDate] as? Date, now.timeIntervalSince(modified) > orphanAge else { continue }
            if (try? manager.removeItem(atPath: full)) != nil { removed += 1 }
        }
        return removed
    }
}

struct CreateAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("attachments")
            .field("id", .uuid, .identifier(auto: false))
            .field("sha256", .string, .required)
            .field("size", .int, .required)
            .field("content_type", .string, .required)
            .field("file_name", .string, .required)
            .field("owner_type", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("owner_version", .int, .required)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .int64, .required)
            .create()
        try await database.sql.create(index: "attachments_owner").on("attachments").column("owner_type").column("owner_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema("attachments").delete() }
}
