import Crypto
import Foundation
import Vapor
import WeijianCore

/// Audio and video evidence up to 500 MB: the form is read as it arrives (`MultipartStream`), each
/// file sealed chunk by chunk (`StreamSealer`) into the attachment store and hashed on the way, so
/// the server holds about a megabyte of it at a time, never the file.
///
/// A streamed route is `POST /app/…/media` registered with `body: .stream`. The global upload
/// limits and the CSRF middleware leave it alone (they would collect the body); the form's first
/// field must be `_csrf`, checked before a byte of any file is kept. A file's type is checked on
/// its first bytes and its size against its type's limit as it grows; a refused file is dropped and
/// the rest of the body read and discarded, so the browser gets the page with the message.
enum StreamedUpload {
    /// Most files one streamed form may carry.
    static let maxFiles = 3
    /// The largest body accepted at all: the largest file and its form.
    static let maxBody = MediaType.allCases.map(\.maxBytes).max()! + 1024 * 1024

    static func handles(_ request: Request) -> Bool {
        request.method == .POST && request.url.path.hasPrefix("/app/") && request.url.path.hasSuffix("/media")
    }

    /// A file kept in the store.
    struct File: Sendable {
        let fileName: String
        let type: MediaType
        let stored: Attachments.Stored
    }

    struct Received: Sendable {
        var fields: [String: String] = [:]
        var files: [File] = []
        var errors: [ValidationError] = []
    }

    /// Reads the form: its small fields, and each file checked and stored. Errors that concern one
    /// file are returned with the rest (the caller shows them on the form); a missing or wrong
    /// token, a body that is not a form or is too large, throws.
    static func receive(_ request: Request, directory: String, crypto: FieldCrypto) async throws -> Received {
        guard let boundary = request.headers.contentType.flatMap({ $0.type == "multipart" ? $0.parameters["boundary"] : nil }), !boundary.isEmpty else {
            throw ValidationError(field: "录音录像", code: "form", message: "应以 multipart/form-data 表单上传")
        }
        if let announced = request.headers.first(name: .contentLength).flatMap(Int.init), announced > maxBody {
            throw Abort(.payloadTooLarge, reason: "提交的内容为\(Format.bytes(announced))，超过上限。\(MediaType.acceptedList)。请返回上一页。")
        }
        var stream = MultipartStream(boundary: boundary)
        var received = Received()
        var field: (name: String, value: [UInt8])?
        var file: (index: Int, name: String, head: [UInt8], type: MediaType?, writer: Attachments.StreamWriter?, refused: Bool)?
        var tokenChecked = false
        var total = 0
        var fileCount = 0
        defer { file?.writer?.abandon() }

        func refuse(_ error: ValidationError) {
            received.errors.append(error)
            file?.writer?.abandon()
            file?.writer = nil
            file?.refused = true
        }
        /// Takes a file's bytes: sniffs its type on the first ones, then seals them into the store.
        func take(_ bytes: [UInt8]) throws {
            guard var current = file, !current.refused else { return }
            if current.type == nil {
                current.head += bytes
                file = current
                guard current.head.count >= MediaType.sniffLength else { return }
                try start(current.head)
            } else {
                try write(bytes)
            }
        }
        func start(_ head: [UInt8]) throws {
            guard let current = file else { return }
            let fieldName = "录音录像\(current.index)"
            do {
                let type = try MediaType.detect(fileName: current.name, bytes: head, field: fieldName)
                file?.type = type
                file?.writer = try Attachments.StreamWriter(directory: directory, crypto: crypto)
                try write(head)
            } catch let error as ValidationError {
                refuse(error)
            }
        }
        func write(_ bytes: [UInt8]) throws {
            guard let current = file, let type = current.type, let writer = current.writer else { return }
            if writer.size + bytes.count > type.maxBytes {
                refuse(ValidationError(field: "录音录像\(current.index)", code: "file.size",
                                       message: "“\(current.name)”超过\(type.isVideo ? "录像" : "录音")单个文件\(Format.bytes(type.maxBytes))的上限"))
                return
            }
            try writer.append(bytes)
        }

        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= maxBody else {
                throw Abort(.payloadTooLarge, reason: "提交的内容超过\(Format.bytes(maxBody))的上限。\(MediaType.acceptedList)。")
            }
            let events: [MultipartStream.Event]
            do { events = try stream.feed(chunk.readableBytesView) } catch {
                throw ValidationError(field: "录音录像", code: "form", message: "上传的表单格式不正确，请刷新页面后重新选择文件上传")
            }
            for event in events {
                switch event {
                case .part(let name, let fileName?) where !fileName.isEmpty:
                    // No file byte is kept before the form's token has been checked.
                    if !tokenChecked { try await CSRFMiddleware.check(nil, request: request) }
                    fileCount += 1
                    file = (fileCount, Attachments.cleanName(fileName), [], nil, nil, false)
                    if fileCount > maxFiles {
                        refuse(ValidationError(field: "录音录像", code: "file.count", message: "一次最多上传\(maxFiles)个录音录像文件"))
                    }
                case .part(let name, _):
                    field = (name, [])
                case .body(let bytes):
                    if file != nil {
                        try take(bytes)
                    } else if field != nil {
                        guard field!.value.count + bytes.count <= 4096 else {
                            throw ValidationError(field: field!.name, code: "length", message: "内容过长")
                        }
                        field!.value += bytes
                    }
                case .partEnd:
                    if let done = field {
                        let value = String(decoding: done.value, as: UTF8.self)
                        received.fields[done.name] = value
                        if done.name == "_csrf" {
                            try await CSRFMiddleware.check(value, request: request)
                            tokenChecked = true
                        }
                        field = nil
                    } else if let current = file {
                        if !current.refused {
                            if current.type == nil {
                                if current.head.isEmpty {
                                    refuse(ValidationError(field: "录音录像\(current.index)", code: "file.empty", message: "“\(current.name)”是空文件"))
                                } else {
                                    try start(current.head)
                                }
                            }
                            if let writer = file?.writer, let type = file?.type {
                                received.files.append(File(fileName: current.name, type: type, stored: try writer.finish(contentType: type.contentType)))
                                file?.writer = nil
                            }
                        }
                        file = nil
                    }
                }
            }
        }
        guard stream.isComplete else {
            throw ValidationError(field: "录音录像", code: "form", message: "上传未完成（连接中断），请重新上传")
        }
        if !tokenChecked { try await CSRFMiddleware.check(nil, request: request) }
        return received
    }
}

extension Attachments {
    /// A file in the store, as its row records it.
    struct Stored: Sendable {
        let sha256: String
        let size: Int
        let contentType: String
    }

    /// Seals a file into the store as it arrives: a temporary file in the store's folder, renamed to
    /// its SHA-256 when finished (or removed when the same content is already there).
    final class StreamWriter {
        private let directory: String
        private let temporary: String
        private let handle: FileHandle
        private var sealer: StreamSealer
        private var hasher = SHA256()
        private var chunk: [UInt8] = []
        private(set) var size = 0
        private var closed = false

        init(directory: String, crypto: FieldCrypto) throws {
            self.directory = directory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            temporary = (directory as NSString).appendingPathComponent("stream.tmp-" + UUID().uuidString)
            guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw Abort(.internalServerError, reason: "附件无法写入附件库")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            sealer = try crypto.streamSealer(context: Attachments.streamContext)
            chunk.reserveCapacity(sealer.chunkSize)
            try handle.write(contentsOf: sealer.header)
        }

        func append(_ bytes: [UInt8]) throws {
            hasher.update(data: bytes)
            size += bytes.count
            var rest = bytes[...]
            while !rest.isEmpty {
                let take = min(sealer.chunkSize - chunk.count, rest.count)
                chunk += rest.prefix(take)
                rest = rest.dropFirst(take)
                if chunk.count == sealer.chunkSize {
                    try handle.write(contentsOf: try sealer.seal(chunk, final: false))
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        }

        /// Seals the last chunk, syncs the file and names it by its content's SHA-256.
        func finish(contentType: String) throws -> Stored {
            try handle.write(contentsOf: try sealer.seal(chunk, final: true))
            try handle.synchronize()
            try handle.close()
            closed = true
            let sha = Hex.encode(hasher.finalize())
            let target = Attachments.path(of: sha, in: directory)
            let manager = FileManager.default
            if manager.fileExists(atPath: target) {
                try? manager.removeItem(atPath: temporary)
                try? manager.setAttributes([.modificationDate: Date()], ofItemAtPath: target)
            } else {
                let folder = (target as NSString).deletingLastPathComponent
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                if rename(temporary, target) != 0 { throw Abort(.internalServerError, reason: "附件无法写入附件库") }
                let directoryHandle = open(folder, O_RDONLY)
                if directoryHandle >= 0 { fsync(directoryHandle); close(directoryHandle) }
            }
            return Stored(sha256: sha, size: size, contentType: contentType)
        }

        /// Drops an unfinished file.
        func abandon() {
            guard !closed else { return }
            closed = true
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }

    /// What a streamed file's records authenticate: its content is proved by the SHA-256 it is
    /// named by, checked on every read.
    static let streamContext = "attachment-stream"

    /// Reads a stored file's content chunk by chunk — a sealed stream record by record, a small
    /// file in one piece — and checks its SHA-256 at the end.
    struct Reader {
        let sha256: String
        let fileName: String
        private let handle: FileHandle
        private let fileSize: Int
        private var offset: Int
        private var opener: StreamOpener?
        private var whole: [UInt8]?
        private var hasher = SHA256()
        private var done = false
        /// Whether the file is a sealed stream (read record by record).
        var isStream: Bool { opener != nil }

        init(sha256: String, fileName: String, directory: String, crypto: FieldCrypto) throws {
            self.sha256 = sha256
            self.fileName = fileName
            let path = Attachments.path(of: sha256, in: directory)
            guard let handle = FileHandle(forReadingAtPath: path),
                  let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { throw FixityError.missing(fileName) }
            self.handle = handle
            fileSize = size
            let prefix = Array((try? handle.read(upToCount: 200)) ?? Data())
            if FieldCrypto.isStream(prefix) {
                guard let (opener, headerLength) = try? crypto.streamOpener(prefix: prefix, context: Attachments.streamContext) else {
                    throw FixityError.damaged(fileName)
                }
                self.opener = opener
                offset = headerLength
                try handle.seek(toOffset: UInt64(headerLength))
            } else {
                try handle.seek(toOffset: 0)
                guard let data = try handle.readToEnd(),
                      let plain = try? crypto.open(sealed: Array(data), context: Attachments.context(sha256)) else { throw FixityError.damaged(fileName) }
                whole = plain
                offset = size
            }
        }

        /// The next piece of content, or nil at the end (after the hash matched).
        mutating func next() throws -> [UInt8]? {
            if let piece = whole {
                whole = nil
                hasher.update(data: piece)
                return piece
            }
            if var current = opener, offset < fileSize {
                let record = Array((try handle.read(upToCount: current.recordSize)) ?? Data())
                offset += record.count
                guard !record.isEmpty, let plain = try? current.open(record, final: offset >= fileSize) else { throw FixityError.damaged(fileName) }
                opener = current
                hasher.update(data: plain)
                return plain
            }
            guard !done else { return nil }
            done = true
            try? handle.close()
            guard Hex.encode(hasher.finalize()) == sha256 else { throw FixityError.damaged(fileName) }
            return nil
        }
    }
}
