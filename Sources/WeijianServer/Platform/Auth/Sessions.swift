import Crypto
import Fluent
import FluentKit
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Browser sessions: creation, sign-in upgrade with a new id, expiry and sign-out.
public enum Sessions {
    static let cookieName = "wj_session"

    /// A random token in base64url without padding, from the system's generator.
    static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var raw = [UInt8]()
        raw.reserveCapacity(bytes + 7)
        while raw.count < bytes { withUnsafeBytes(of: generator.next()) { raw.append(contentsOf: $0) } }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes * 4 + 2) / 3)
        var index = 0
        while index < bytes {
            let chunk = raw[index..<min(index + 3, bytes)]
            let b0 = UInt32(chunk[chunk.startIndex])
            let b1 = chunk.count > 1 ? UInt32(chunk[chunk.startIndex + 1]) : 0
            let b2 = chunk.count > 2 ? UInt32(chunk[chunk.startIndex + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            for position in 0..<(chunk.count + 1) { out.append(alphabet[Int(triple >> (18 - 6 * position) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// Starts a session: anonymous (for the sign-in form's CSRF token) or for a user.
    static func create(for user: User?, stage: UserSession.Stage, on req: Request) async throws -> (UserSession, String) {
        let token = randomToken()
        let session = UserSession()
        session.tokenHash = hash(token)
        session.$user.id = try user?.requireID()
        session.stage = stage
        session.csrfToken = randomToken(bytes: 24)
        session.secondFactorDone = false
        session.ip = req.clientIP
        session.createdAt = req.now
        session.lastSeenAt = req.now
        try await session.create(on: req.db)
        return (session, token)
    }

    static func cookie(_ token: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: nil, maxAge: nil, domain: nil, path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .strict)
    }

    static func clearCookie(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }

    /// Ends every session of a user (sign-out everywhere, disabled account, password reset).
    static func endAll(userID: UUID, on db: any Database) async throws {
        try await UserSession.query(on: db).filter(\.$user.$id == userID).delete()
    }
}

/// Request-scoped state of the browser session.
struct SessionState: Sendable {
    let session: UserSession
    let user: User?
    /// True when the previous session ended by idle timeout (the sign-in page says so).
    var expired = false
}

extension Request {
    struct SessionStateKey: StorageKey { typealias Value = SessionState }
    var sessionState: SessionState? {
        get { storage[SessionStateKey.self] }
        set { storage[SessionStateKey.self] = newValue }
    }

    /// The CSRF token of this request's session, for forms.
    var csrfToken: String { sessionState?.session.csrfToken ?? "" }
}

/// Loads the browser session from its cookie: idle timeout, disabled accounts and the sign-in
/// stage are enforced here, for every non-API request.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[Sessions.cookieName]?.string, !token.isEmpty,
           let session = try await Self.session(Sessions.hash(token), on: request.db) {
            let policy = try await request.securitySettings()
            let idle = request.now.timeIntervalSince(session.lastSeenAt)
            if idle > Double(policy.idleTimeoutMinutes * 60) || session.user?.status == .disabled {
                try await session.delete(on: request.db)
                if session.user != nil, idle > Double(policy.idleTimeoutMinutes * 60) {
                    try? await AuditLog.record(.sessionTimeout, actor: session.user.map(Actor.init) ?? .anonymous,
                                               ip: request.clientIP, keys: request.application.keyStore, on: request.db, now: request.now)
                }
                request.storage[ExpiredSessionKey.self] = session.user != nil
            } else {
                // Touch at most once a minute: idle time needs minute precision, not a write per request.
                if idle > 60 {
                    session.lastSeenAt = request.now
                    try await session.save(on: request.db)
                }
                request.sessionState = SessionState(session: session, user: session.user)
                if let user = session.user, session.stage == .active {
                    request.auth.login(try await CurrentUser.load(user, sessionID: session.id, csrfToken: session.csrfToken, on: request.db,
                                                                  cache: request.application.authorizationCache))
                }
            }
        }
        return try await next.respond(to: request)
    }

    struct ExpiredSessionKey: StorageKey { typealias Value = Bool }

    /// The SQL of `session(_:on:)`, built once (SQLKit's serializer took a tenth of the page).
    private static let sessionQuery: String = {
        let sessionColumns = ["id", "token_hash", "user_id", "stage", "csrf_token", "second_factor_done", "pending_totp_secret", "flash", "ip",
                              "created_at", "last_seen_at"].map { "s.\($0)" }
        let userColumns = ["id", "username", "display_name", "kind", "department_id", "entity_id", "password_hash", "password_changed_at",
                           "must_change_password", "one_time_password_expires_at", "failed_attempts", "locked_until", "totp_secret",
                           "totp_enabled", "totp_last_step", "last_login_at", "status", "created_at", "disabled_at", "authz_version"]
            .map { "u.\($0) AS u_\($0)" }
        return "SELECT " + (sessionColumns + userColumns).joined(separator: ", ")
            + " FROM \(UserSession.schema) s LEFT JOIN \(User.schema) u ON u.id = s.user_id WHERE s.token_hash = "
    }()

    /// The session of a token with its user, read in one query. Every request runs it, so it is
    /// plain SQL filled into the models by their properties: Fluent's reflective row decoding took
    /// a fifth of a signed-in page's time.
    static func session(_ tokenHash: String, on db: any Database) async throws -> UserSession? {
        guard let row = try await db.sql.raw("\(unsafeRaw: sessionQuery)\(bind: tokenHash)").first() else { return nil }
        // Each property reads its column as Fluent's own loading does (so the models count as
        // unchanged and a later save writes only what the request changed), called one by one
        // instead of through Fluent's reflective walk over the properties.
        let own = PrefixedRowOutput(row: row, prefix: "")
        let session = UserSession()
        let sessionProperties: [any AnyDatabaseProperty] = [
            session.$id, session.$tokenHash, session.$user, session.$stage, session.$csrfToken, session.$secondFactorDone,
            session.$pendingTOTPSecretCipher, session.$flash, session.$ip, session.$createdAt, session.$lastSeenAt,
        ]
        for property in sessionProperties { try property.output(from: own) }
        var user: User?
        if try row.decode(column: "u_id", as: UUID?.self) != nil {
            let loaded = User()
            let joined = PrefixedRowOutput(row: row, prefix: "u_")
            let userProperties: [any AnyDatabaseProperty] = [
                loaded.$id, loaded.$username, loaded.$displayName, loaded.$kind, loaded.$department, loaded.$entityID, loaded.$passwordHash,
                loaded.$passwordChangedAt, loaded.$mustChangePassword, loaded.$oneTimePasswordExpiresAt, loaded.$failedAttempts,
                loaded.$lockedUntil, loaded.$totpSecretCipher, loaded.$totpEnabled, loaded.$totpLastStep, loaded.$lastLoginAt,
                loaded.$status, loaded.$createdAt, loaded.$disabledAt, loaded.$authorizationVersion,
            ]
            for property in userProperties { try property.output(from: joined) }
            user = loaded
        }
        session.$user.value = .some(user)
        return session
    }
}

/// A row of a raw query as Fluent's model loading reads it, the columns optionally prefixed
/// (`u_username` for a joined user's `username`).
struct PrefixedRowOutput: DatabaseOutput {
    let row: any SQLRow
    let prefix: String

    var description: String { "row(\(prefix))" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FluentKit.FieldKey) -> Bool { row.contains(column: prefix + key.description) }
    func decodeNil(_ key: FluentKit.FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }
    func decode<T: Decodable>(_ key: FluentKit.FieldKey, as type: T.Type) throws -> T { try row.decode(column: prefix + key.description, as: T.self) }
}

/// Authenticates API requests by bearer token.
struct BearerTokenAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            let token = try await APIToken.query(on: request.db).filter(\.$tokenHash == Sessions.hash(bearer.token)).with(\.$user).first()
            guard let token, token.revokedAt == nil, token.expiresAt.map({ $0 > request.now }) ?? true, token.user.status == .active else {
                AppMetrics.shared.increment("weijian_api_token_rejected_total")
                throw APIError(.unauthorized, code: "token.invalid", message: "访问令牌无效、已撤销或已过期")
            }
            if token.lastUsedAt.map({ request.now.timeIntervalSince($0) > 60 }) ?? true {
                token.lastUsedAt = request.now
                try await token.save(on: request.db)
            }
            request.auth.login(try await CurrentUser.load(token.user, sessionID: nil, csrfToken: nil, on: request.db,
                                                          cache: request.application.authorizationCache))
        }
        return try await next.respond(to: request)
    }
}

/// Every form post of a browser session must carry the session's CSRF token.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        // A streamed upload checks the token itself, from the form's first field, before any file byte is kept.
        if StreamedUpload.handles(request) { return try await next.respond(to: request) }
        // Route handlers collect the body later; the token lives in the body, so collect it here
        // (up to the route limit: a larger body is refused as too large, not as a CSRF failure).
        if request.body.data == nil {
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        }
        try await Self.check(request.formField("_csrf") ?? request.headers.first(name: "X-CSRF-Token"), request: request)
        return try await next.respond(to: request)
    }

    /// Refuses (403, audited) a token that is not the session's.
    static func check(_ sent: String?, request: Request) async throws {
        guard let expected = request.sessionState?.session.csrfToken, let sent,
              Array(Sessions.hash(sent).utf8) == Array(Sessions.hash(expected).utf8) else {
            try? await request.audit(.csrfRejected, target: ("path", request.url.path), outcome: .denied)
            throw Abort(.forbidden, reason: "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        }
    }
}
