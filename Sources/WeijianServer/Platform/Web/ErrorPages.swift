import Fluent
import PostgresNIO
import Vapor
import WeijianCore

/// Turns every error into a Chinese page (web) or JSON (API). Bad input names the field and the
/// rule; an unexpected failure gets a reference number, goes to the failure log, and never shows
/// internals to the user.
struct ErrorPagesMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await render(error, for: request)
        }
    }

    /// 22021 character_not_in_repertoire (a NUL byte), 22P05 untranslatable_character.
    static let badCharacterStates: Set<String> = ["22021", "22P05"]

    func render(_ error: any Error, for request: Request) async -> Response {
        let isAPI = request.url.path.hasPrefix("/api/")
        var status = HTTPResponseStatus.internalServerError
        var code = "internal"
        var message = "服务器内部错误"
        var fields: [ErrorBody.FieldError] = []
        var reference: String?
        switch error {
        case let error as APIError:
            status = error.status
            code = error.code
            message = error.message
        case let error as ValidationErrors:
            status = .unprocessableEntity
            code = "validation"
            message = error.errors.map(\.description).joined(separator: "；")
            fields = error.errors.map { .init(field: $0.field, code: $0.code, message: $0.message) }
        case let error as ValidationError:
            status = .unprocessableEntity
            code = "validation"
            message = error.description
            fields = [.init(field: error.field, code: error.code, message: error.message)]
        case let error as PSQLError where Self.badCharacterStates.contains(error.serverInfo?[.sqlState] ?? ""):
            // PostgreSQL refuses a NUL character in text (SQLite stores it): bad input, not a failure.
            status = .badRequest
            code = "request.characters"
            message = "输入中含有不允许的字符（空字符），请删除后重试"
        case let error as any DatabaseError where error.isConstraintFailure:
            // Two submissions of the same form raced: the second one meets the first one's record.
            status = .conflict
            code = "conflict"
            message = "该记录已存在（可能是重复提交），请刷新页面查看"
        case let error as DecodingError:
            status = .badRequest
            code = "request.format"
            message = Self.describe(error)
        case let error as any AbortError:
            status = error.status
            code = Self.code(for: status)
            message = Self.chinese(error.reason, status: status)
        default:
            reference = String(UUID().uuidString.prefix(8))
            message = "服务器内部错误，已记录（编号 \(reference!)），请联系系统管理员"
            request.logger.error("unhandled error", metadata: ["reference": .string(reference!), "type": .string(String(describing: type(of: error)))])
            await SystemLog.write(.error, category: "request", "编号 \(reference!)：\(request.method.rawValue) \(request.url.path) 失败：\(String(describing: error).prefix(500))",
                                  on: request.db, now: request.now)
        }
        if status.code >= 500 && reference == nil {
            reference = String(UUID().uuidString.prefix(8))
            // The operator needs the cause (e.g. a template error), not the user's generic sentence.
            let cause = (error as? any AbortError)?.reason ?? message
            await SystemLog.write(.error, category: "request", "编号 \(reference!)：\(request.method.rawValue) \(request.url.path) 返回 \(status.code)：\(String(cause.prefix(500)))",
                                  on: request.db, now: request.now)
        }
        let response = await respond(status: status, code: code, message: message, fields: fields, reference: reference, isAPI: isAPI, for: request)
        // Headers the error carries (Allow on a 405) reach the client.
        if let abort = error as? any AbortError {
            for (name, value) in abort.headers where name.lowercased() != "content-type" { response.headers.replaceOrAdd(name: name, value: value) }
        }
        return response
    }

    func respond(status: HTTPResponseStatus, code: String, message: String, fields: [ErrorBody.FieldError], reference: String?,
                 isAPI: Bool, for request: Request) async -> Response {
        if isAPI || !(request.headers.accept.contains { $0.mediaType == .html } || request.method == .POST || request.method == .GET) {
            let body = ErrorBody(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields, reference: reference))
            let response = Response(status: status)
            try? response.content.encode(body, as: .json)
            return response
        }
        let page = ErrorPageContent(status: Int(status.code), title: Self.title(status), message: message,
                                    fields: fields.map { "\($0.field)：\($0.message)" })
        do {
            let response = try await request.renderPage("error", title: page.title, content: page).encodeResponse(for: request)
            response.status = status
            return response
        } catch {
            let response = Response(status: status, body: .init(string: "\(page.title)：\(message)"))
            response.headers.contentType = .plainText
            return response
        }
    }

    struct ErrorPageContent: Encodable, Sendable {
        let status: Int
        let title: String
        let message: String
        let fields: [String]
    }

    static func title(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400, 422: "输入有误"
        case 401: "需要登录"
        case 403: "无权访问"
        case 404: "页面不存在"
        case 405: "不支持的请求方式"
        case 409: "记录已存在"
        case 413: "内容过大"
        case 429: "请求过于频繁"
        default: status.code >= 500 ? "系统故障" : "请求未完成"
        }
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 422: "validation"
        default: status.code >= 500 ? "internal" : "error"
        }
    }

    /// Vapor's own English reasons are replaced by Chinese ones.
    static func chinese(_ reason: String, status: HTTPResponseStatus) -> String {
        if reason.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF }) { return reason }
        switch status.code {
        case 400: return "请求格式错误"
        case 401: return "需要登录"
        case 403: return "无权访问"
        case 404: return "您访问的页面或记录不存在"
        case 405: return "不支持该请求方式"
        case 413: return "上传内容超过大小限制"
        case 415: return "不支持的内容类型"
        default: return status.code >= 500 ? "服务器内部错误" : "请求未能完成"
        }
    }

    /// Names the field a request body got wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, extra: CodingKey? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let name = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return name.isEmpty ? "请求内容" : "字段“\(name)”"
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, extra: key))：必填，缺失"
        case .valueNotFound(_, let context): return "\(path(context))：必填，不能为空"
        case .typeMismatch(let type, let context): return "\(path(context))：类型错误，应为\(typeName(type))"
        case .dataCorrupted(let context):
            let detail = context.debugDescription.unicodeScalars.contains { $0.value >= 0x4E00 } ? context.debugDescription : "格式错误"
            return "\(path(context))：\(detail)"
        @unknown default: return "请求内容格式错误"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "文本"
        case is Int.Type, is Int64.Type: "整数"
        case is Double.Type: "数字"
        case is Bool.Type: "布尔值"
        default: "正确的结构"
        }
    }
}
