import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Makes a replayed request answer with the first one's result instead of doing the work again
/// (issue 10: a replayed portal form made three identical changes).
///
/// Browser forms carry a one-time token (`_once`, a fresh value in every rendered page); API
/// clients send an `Idempotency-Key` header. The first request with a key claims it with one
/// `INSERT … ON CONFLICT DO NOTHING`, does its work and keeps its result: the redirect target for
/// a form, the status and JSON body for the API. A repeat gets that result; a repeat that arrives
/// while the first is still working waits for it. A request that fails (4xx, 5xx) gives its key
/// back, so the corrected form can be sent again with the same token.
struct ReplayGuard: AsyncMiddleware {
    static let formField = "_once"
    static let header = "Idempotency-Key"
    /// Bodies larger than this are not kept; their replay is answered with 409.
    static let maxStoredBody = 1 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        if request.headers.first(name: Self.header) != nil, request.body.data == nil {
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        }
        guard let (key, isAPI) = try key(for: request) else { return try await next.respond(to: request) }
        let fingerprint = Self.fingerprint(request)
        let db = request.db
        for _ in 0..<400 {
            let claimed = try await db.sql.raw("""
                INSERT INTO request_replays (key_hash, fingerprint, status, created_at) VALUES (\(bind: key), \(bind: fingerprint), 0, \(bind: request.now.millis))
                ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash
                """).first() != nil
            if claimed { return try await work(request, next: next, key: key, isAPI: isAPI) }
            guard let row = try await db.sql.select().columns("fingerprint", "status", "location", "body", "content_type")
                .from("request_replays").where("key_hash", .equal, key).first() else { continue }
            if isAPI, try row.decode(column: "fingerprint", as: String.self) != fingerprint {
                throw APIError(.unprocessableEntity, code: "idempotencyKey.reused",
                               message: "Idempotency-Key：该键已用于内容不同的请求，请为新的请求使用新的键")
            }
            let status = try row.decode(column: "status", as: Int.self)
            if status == 0 {
                // The first request is still working: wait for its result.
                try await Task.sleep(nanoseconds: 25_000_000)
                continue
            }
            AppMetrics.shared.increment("weijian_replays_answered_total")
            return try replay(status: status, location: try row.decode(column: "location", as: String?.self),
                              body: try row.decode(column: "body", as: String?.self), contentType: try row.decode(column: "content_type", as: String?.self),
                              isAPI: isAPI, request: request)
        }
        throw Abort(.conflict, reason: "同一请求正在处理中，请稍后刷新页面查看结果")
    }

    /// The key of this request: per session for forms, per user for the API.
    func key(for request: Request) throws -> (String, Bool)? {
        if request.url.path.hasPrefix("/api/") {
            guard let raw = request.headers.first(name: Self.header)?.trimmed, !raw.isEmpty else { return nil }
            guard raw.count <= 200 else {
                throw APIError(.unprocessableEntity, code: "idempotencyKey.length", message: "Idempotency-Key：不能超过200个字符")
            }
            guard let user = request.auth.get(CurrentUser.self) else { return nil }
            return (Self.hash("api:\(user.id.uuidString):\(raw)"), true)
        }
        guard let raw = request.formField(Self.formField)?.trimmed, !raw.isEmpty, raw.count <= 100,
              let session = request.sessionState?.session.id else { return nil }
        return (Self.hash("web:\(session.uuidString):\(raw)"), false)
    }

    func work(_ request: Request, next: any AsyncResponder, key: String, isAPI: Bool) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await release(key, on: request.db)
            throw error
        }
        guard response.status.code < 400 else {
            try? await release(key, on: request.db)
            return response
        }
        let location = response.headers.first(name: .location)
        var body: String?
        if isAPI, let buffer = response.body.buffer, buffer.readableBytes <= Self.maxStoredBody {
            body = String(buffer: buffer)
        }
        try await request.db.sql.update("request_replays").set("status", to: SQLBind(Int(response.status.code)))
            .set("location", to: SQLBind(location)).set("body", to: SQLBind(body))
            .set("content_type", to: SQLBind(response.headers.first(name: .contentType)))
            .where("key_hash", .equal, key).run()
        return response
    }

    func replay(status: Int, location: String?, body: String?, contentType: String?, isAPI: Bool, request: Request) throws -> Response {
        if isAPI {
            guard let body else {
                throw APIError(.conflict, code: "idempotencyKey.done", message: "该请求已经完成，结果无法重放，请查询资源的当前状态")
            }
            var headers = HTTPHeaders()
            headers.add(name: .contentType, value: contentType ?? "application/json; charset=utf-8")
            headers.add(name: "Idempotent-Replayed", value: "true")
            return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .init(string: body))
        }
        if let location { return request.redirect(to: location) }
        throw Abort(.conflict, reason: "此表单已经提交过，请勿重复提交。请返回查看结果。")
    }

    func release(_ key: String, on db: any Database) async throws {
        try await db.sql.delete(from: "request_replays").where("key_hash", .equal, key).where("status", .equal, 0).run()
    }

    /// What the request asks for, so that an API key reused for another request is caught.
    static func fingerprint(_ request: Request) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.url.path)\n".utf8))
        if let body = request.body.data { hasher.update(data: Array(buffer: body)) }
        return Hex.encode(hasher.finalize())
    }

    static func hash(_ text: String) -> String { Hex.encode(SHA256.hash(data: Array(text.utf8))) }

    /// A fresh token for a rendered form.
    static func newToken() -> String { Sessions.randomToken(bytes: 16) }

    /// Kept for a day: long enough for any replay, short enough to stay small.
    static func purge(on db: any Database, now: Date) async throws {
        try await db.sql.delete(from: "request_replays").where("created_at", .lessThan, now.addingTimeInterval(-86_400).millis).run()
    }
}
