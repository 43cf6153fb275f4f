import Fluent
import Foundation
import Vapor
import WeijianCore

/// A user's own account: profile, second factor status, and API tokens (web and API).
enum AccountController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "account", access: .signedIn, use: show)
        web.endpoint(.POST, "app", "account", "tokens", access: .signedIn, use: createTokenWeb)
        web.endpoint(.POST, "app", "account", "tokens", ":tokenID", "revoke", access: .signedIn, use: revokeTokenWeb)
        api.endpoint(.GET, "me", access: .signedIn, doc: APIDoc("当前用户、角色与权限", response: MeResponse.self), use: me)
        api.endpoint(.GET, "tokens", access: .signedIn, doc: APIDoc("我的访问令牌（不含令牌本身）", response: [TokenRow].self), use: listTokensAPI)
        api.endpoint(.DELETE, "tokens", ":tokenID", access: .signedIn, doc: APIDoc("撤销我的一个访问令牌"), use: revokeTokenAPI)
    }

    struct TokenRow: Content {
        let id: String
        let name: String
        let prefix: String
        let createdAt: String
        let expiresAt: String?
        let lastUsedAt: String?
        let revoked: Bool
    }

    struct AccountPage: Encodable, Sendable {
        let username: String
        let displayName: String
        let roles: String
        let totpEnabled: Bool
        let passwordChanged: String
        let tokens: [TokenRow]
        var newToken: String?
        var errors: [String] = []
    }

    static func tokens(of userID: UUID, on db: any Database) async throws -> [TokenRow] {
        try await APIToken.query(on: db).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all().map {
            TokenRow(id: $0.id?.uuidString ?? "", name: $0.name, prefix: $0.prefix, createdAt: Format.dateTime($0.createdAt),
                     expiresAt: $0.expiresAt.map(Format.dateTime), lastUsedAt: $0.lastUsedAt.map(Format.dateTime), revoked: $0.revokedAt != nil)
        }
    }

    static func page(_ req: Request, newToken: String? = nil, errors: [String] = []) async throws -> AccountPage {
        let current = try req.currentUser
        guard let user = try await User.find(current.id, on: req.db) else { throw Abort(.notFound) }
        return AccountPage(username: user.username, displayName: user.displayName, roles: current.rolesText.isEmpty ? "（未授权）" : current.rolesText,
                           totpEnabled: user.totpEnabled, passwordChanged: Format.dateTime(user.passwordChangedAt),
                           tokens: try await tokens(of: current.id, on: req.db), newToken: newToken, errors: errors)
    }

    @Sendable static func show(req: Request) async throws -> View {
        try await req.renderPage("security/account", title: "我的账号", content: try await page(req))
    }

    struct TokenInput: Content {
        var name: String?
        var validDays: String?
        /// The account's password, entered again: a token outlives the session that asks for it.
        var password: String?

        init(name: String?, validDays: Int?, password: String? = nil) {
            self.name = name
            self.validDays = validDays.map(String.init)
            self.password = password
        }
    }

    /// Issues a token; the secret is returned once and only its hash is kept.
    static func issue(_ input: TokenInput, for user: CurrentUser, req: Request) async throws -> (APIToken, String) {
        try await issue(input, userID: user.id, by: try req.caller)
    }

    /// The token's name and validity, every bad value named (plus `extra` errors found by the caller).
    static func validate(_ input: TokenInput, extra: [ValidationError] = []) throws -> (name: String, days: Int) {
        var errors = ValidationCollector()
        let name = input.name?.trimmed ?? ""
        errors.require(name, field: "令牌名称")
        if name.count > 40 { errors.add(ValidationError(field: "令牌名称", code: "length", message: "不能超过40个字符")) }
        let daysText = input.validDays?.trimmed ?? ""
        let days = daysText.isEmpty ? 90 : Int(daysText) ?? -1
        if !(1...365).contains(days) { errors.add(ValidationError(field: "有效天数", code: "range", message: "应为1到365之间的整数")) }
        extra.forEach { errors.add($0) }
        try errors.check()
        return (name, days)
    }

    static func issue(_ input: TokenInput, userID: UUID, by caller: Caller) async throws -> (APIToken, String) {
        let (db, now) = (caller.db, caller.now)
        let (name, days) = try validate(input)
        let secret = "wjt_" + Sessions.randomToken()
        let token = APIToken()
        token.name = name
        token.tokenHash = Sessions.hash(secret)
        token.prefix = String(secret.prefix(10))
        token.$user.id = userID
        token.createdAt = now
        token.expiresAt = now.addingTimeInterval(Double(days) * 86_400)
        try await db.writeTransaction { tx in
            try await token.create(on: tx)
            try await caller.audit(.tokenIssue, target: ("apiToken", try token.requireID().uuidString),
                                   details: ["name": name, "days": String(days), "user": userID.uuidString], on: tx)
        }
        return (token, secret)
    }

    static func revoke(_ idText: String?, for user: CurrentUser, req: Request) async throws {
        guard let id = idText.flatMap(UUID.init(uuidString:)),
              let token = try await APIToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.id).first() else {
            throw Abort(.notFound, reason: "访问令牌不存在")
        }
        guard token.revokedAt == nil else { return }
        token.revokedAt = req.now
        try await req.db.writeTransaction { tx in
            try await token.save(on: tx)
            try await req.audit(.tokenRevoke, target: ("apiToken", id.uuidString), details: ["name": token.name], on: tx)
        }
    }

    /// Tokens are issued only here, in a signed-in browser session with the password entered again
    /// (and by `weijian admin token` at the server): a token cannot mint tokens (issue 10).
    @Sendable static func createTokenWeb(req: Request) async throws -> Response {
        let input = try req.content.decode(TokenInput.self)
        do {
            let current = try req.currentUser
            guard let user = try await User.find(current.id, on: req.db),
                  try await Passwords.verify(input.password ?? "", hash: user.passwordHash, app: req.application) else {
                try await req.audit(.tokenIssue, outcome: .denied, details: ["reason": "password"])
                _ = try validate(input, extra: [ValidationError(field: "当前密码", code: "password.current", message: "签发令牌须再次输入当前密码，输入不正确")])
                throw Abort(.internalServerError)
            }
            let (_, secret) = try await issue(input, for: current, req: req)
            return try await req.renderPage("security/account", title: "我的账号", content: try await page(req, newToken: secret)).encodeResponse(for: req)
        } catch let error as ValidationErrors {
            return try await req.renderPage("security/account", title: "我的账号", content: try await page(req, errors: error.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        } catch let error as ValidationError {
            return try await req.renderPage("security/account", title: "我的账号", content: try await page(req, errors: [error.description]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func revokeTokenWeb(req: Request) async throws -> Response {
        try await revoke(req.parameters.get("tokenID"), for: try req.currentUser, req: req)
        return try await req.redirect(to: "/app/account", flash: "访问令牌已撤销")
    }

    struct MeResponse: Content {
        let id: String
        let username: String
        let displayName: String
        let roles: [String]
        let permissions: [String]
    }

    @Sendable static func me(req: Request) async throws -> MeResponse {
        let user = try req.currentUser
        return MeResponse(id: user.id.uuidString, username: user.username, displayName: user.displayName,
                          roles: user.roles.sorted().map(\.rawValue), permissions: user.permissions.map(\.rawValue).sorted())
    }

    @Sendable static func listTokensAPI(req: Request) async throws -> [TokenRow] {
        try await tokens(of: try req.currentUser.id, on: req.db)
    }

    @Sendable static func revokeTokenAPI(req: Request) async throws -> HTTPStatus {
        try await revoke(req.parameters.get("tokenID"), for: try req.currentUser, req: req)
        return .noContent
    }
}

extension AccountController.MeResponse: APIExample {
    static let example = AccountController.MeResponse(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", username: "ggjd1", displayName: "李强",
                                                      roles: ["inspector"], permissions: ["entities.read"])
}

extension AccountController.TokenRow: APIExample {
    static let example = AccountController.TokenRow(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", name: "报表脚本", prefix: "wjt_Ab3dE6", createdAt: "2026-12-01 10:00",
                                                    expiresAt: "2027-03-01 10:00", lastUsedAt: nil, revoked: false)
}
