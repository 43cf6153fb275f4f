import Foundation
import NIOCore
import Vapor
import WeijianCore

/// Limits on what a request may carry, applied before anything reads the body (issue 11: a 50 MB
/// upload got a bare 内容过大 page and lost the typed form; a 9 MB attachment took 24 s to be
/// refused, because three layers each parsed the multipart body byte by byte).
///
/// - A body announced larger than its limit is refused at once, the limit stated.
/// - A multipart form up to `multipartCap` is read once and split with `Data.range(of:)`; a file
///   over its limit is dropped from the body (its name and size kept for the handler to name),
///   so the typed fields come back on the form with the message and nothing parses the large file.
/// - The form's small fields (`_csrf`, `_once`) are read from that split, not by decoding the form.
/// - Every query value is bounded: a longer one is refused naming the parameter and the limit.
struct UploadLimits: AsyncMiddleware {
    /// A form or JSON body without files.
    static let bodyLimit = 10 * 1024 * 1024
    /// Multipart forms are read up to this so that an oversize file can be named and the form kept.
    static let multipartCap = 64 * 1024 * 1024
    /// A query parameter's value, in characters (search boxes allow 100).
    static let queryValueLimit = 200

    /// The largest file one form field may carry: an import file or an attachment.
    static func fileLimit(for path: String) -> Int {
        path.hasPrefix("/app/import") ? ImportController.maxUpload : Attachments.maxBytes
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try Self.checkQuery(request)
        guard request.method == .POST || request.method == .PUT else { return try await next.respond(to: request) }
        // Audio and video evidence streams to disk; StreamedUpload enforces its own limits.
        if StreamedUpload.handles(request) { return try await next.respond(to: request) }
        let boundary = request.headers.contentType.flatMap { $0.type == "multipart" ? $0.parameters["boundary"] : nil }
        let announced = request.headers.first(name: .contentLength).flatMap(Int.init) ?? request.body.data?.readableBytes
        let cap = boundary == nil ? Self.bodyLimit : Self.multipartCap
        if let announced, announced > cap { throw Self.tooLarge(announced, request: request, multipart: boundary != nil) }
        guard let boundary else { return try await next.respond(to: request) }
        let buffer: ByteBuffer
        if let collected = request.body.data {
            guard collected.readableBytes <= cap else { throw Self.tooLarge(collected.readableBytes, request: request, multipart: true) }
            buffer = collected
        } else {
            do { buffer = try await request.body.collect(max: cap).get() ?? ByteBuffer() } catch {
                throw Self.tooLarge(nil, request: request, multipart: true)
            }
        }
        guard let form = MultipartBody(Data(buffer: buffer), boundary: boundary) else { return try await next.respond(to: request) }
        request.storage[MultipartBody.Key.self] = form
        let limit = Self.fileLimit(for: request.url.path)
        var refused: [String: Int] = [:]
        for part in form.parts where part.filename != nil && part.content.count > limit { refused[part.filename ?? ""] = part.content.count }
        // What stays must fit the form's limit too (several files together).
        let keptFiles = form.parts.filter { $0.filename != nil && $0.content.count <= limit }.reduce(0) { $0 + $1.content.count }
        if keptFiles > Self.bodyLimit {
            for part in form.parts where part.filename != nil { refused[part.filename ?? ""] = part.content.count }
        }
        if !refused.isEmpty {
            request.storage[RefusedUploads.Key.self] = RefusedUploads(sizes: refused, limit: limit, together: keptFiles > Self.bodyLimit)
            let slim = form.rebuilt(dropping: Set(refused.keys))
            try request.content.encode([String](), using: PassThrough(bytes: ByteBuffer(data: slim)))
        }
        return try await next.respond(to: request)
    }

    static func tooLarge(_ size: Int?, request: Request, multipart: Bool) -> Abort {
        let limit = multipart ? fileLimit(for: request.url.path) : bodyLimit
        let what = size.map { "提交的内容为\(Format.bytes($0))，" } ?? "提交的内容"
        let hint = request.url.path.hasPrefix("/app/import")
            ? "网页导入的文件不能超过\(Format.bytes(limit))；更大的文件请拆分，或由系统管理员用 weijian import 命令导入。"
            : multipart ? "单个附件不能超过\(Format.bytes(limit))，一次提交的附件合计不能超过\(Format.bytes(bodyLimit))；请压缩或分次提交。"
            : "一次提交不能超过\(Format.bytes(bodyLimit))。"
        return Abort(.payloadTooLarge, reason: "\(what)超过上限。\(hint)请返回上一页，已填写的内容仍在浏览器中。")
    }

    static func checkQuery(_ request: Request) throws {
        guard let query = request.url.query, query.count > queryValueLimit else { return }
        for item in URLComponents(string: "?" + query)?.queryItems ?? [] where (item.value?.count ?? 0) > queryValueLimit {
            let field = queryNames[item.name] ?? item.name
            if request.url.path.hasPrefix("/api/") {
                throw APIError(.unprocessableEntity, code: "query.length", message: "\(field)：不能超过\(queryValueLimit)个字符")
            }
            throw ValidationErrors([ValidationError(field: field, code: "query.length", message: "不能超过\(queryValueLimit)个字符，请缩短后再查找")])
        }
    }

    static let queryNames = ["q": "查找内容", "text": "内容", "actor": "操作人", "action": "操作", "area": "片区", "division": "行政区划"]

    /// Writes given bytes as the request's new body (the multipart form without its oversize files).
    struct PassThrough: ContentEncoder {
        let bytes: ByteBuffer
        func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders) throws {
            var copy = bytes
            body.writeBuffer(&copy)
        }
    }
}

/// Files dropped from a form for their size: the handler names each with its size and the limit.
struct RefusedUploads: Sendable {
    struct Key: StorageKey { typealias Value = RefusedUploads }
    /// Size by file name.
    let sizes: [String: Int]
    let limit: Int
    /// Refused because the files together exceeded the form's limit.
    let together: Bool

    func message(for fileName: String) -> String? {
        guard let size = sizes[fileName] else { return nil }
        return together
            ? "“\(fileName)”未接收：附件合计超过每次提交\(Format.bytes(UploadLimits.bodyLimit))的上限，请分次提交"
            : "“\(fileName)”大小为\(Format.bytes(size))，超过单个文件\(Format.bytes(limit))的上限"
    }
}

extension Request {
    var refusedUploads: RefusedUploads? { storage[RefusedUploads.Key.self] }

    /// A small text field of the posted form (`_csrf`, `_once`) without decoding the whole form:
    /// a multipart form's parts as UploadLimits split them, otherwise the decoded content.
    func formField(_ name: String) -> String? {
        if let form = storage[MultipartBody.Key.self] { return form.text(name) }
        return try? content.get(String.self, at: name)
    }
}

/// A multipart/form-data body split into its parts with Foundation's byte search.
struct MultipartBody: Sendable {
    struct Key: StorageKey { typealias Value = MultipartBody }
    struct Part: Sendable {
        let headers: Data
        let name: String?
        let filename: String?
        let content: Data
    }

    let boundary: String
    let parts: [Part]

    init?(_ data: Data, boundary: String) {
        let delimiter = Data("--\(boundary)".utf8)
        let separator = Data("\r\n--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        guard var cursor = data.range(of: delimiter)?.upperBound else { return nil }
        var parts: [Part] = []
        while cursor + 2 <= data.endIndex, data[cursor] != UInt8(ascii: "-") {
            cursor += 2   // CRLF after the delimiter
            guard let end = data.range(of: headerEnd, in: cursor..<data.endIndex),
                  let next = data.range(of: separator, in: end.upperBound..<data.endIndex) else { return nil }
            let headers = data[cursor..<end.lowerBound]
            let text = String(decoding: headers, as: UTF8.self)
            parts.append(Part(headers: Data(headers), name: Self.parameter("name", in: text), filename: Self.parameter("filename", in: text),
                              content: data[end.upperBound..<next.lowerBound]))
            cursor = next.upperBound
        }
        self.boundary = boundary
        self.parts = parts
    }

    func text(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.content, as: UTF8.self) }
    }

    /// The same form with the named files' contents left out (the parts stay, empty).
    func rebuilt(dropping files: Set<String>) -> Data {
        var out = Data()
        for part in parts {
            out.append(Data("--\(boundary)\r\n".utf8))
            out.append(part.headers)
            out.append(Data("\r\n\r\n".utf8))
            if !(part.filename.map(files.contains) ?? false) { out.append(part.content) }
            out.append(Data("\r\n".utf8))
        }
        out.append(Data("--\(boundary)--\r\n".utf8))
        return out
    }

    /// `name="value"` of a Content-Disposition header (`filename` and `name` told apart).
    static func parameter(_ key: String, in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for piece in line.split(separator: ";").dropFirst() {
                let pair = piece.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(key + "=") else { continue }
                var value = pair.dropFirst(key.count + 1)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                return String(value)
            }
        }
        return nil
    }
}
