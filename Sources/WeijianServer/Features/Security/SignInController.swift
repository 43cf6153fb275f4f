import Fluent
import Foundation
import Vapor
import WeijianCore

/// Signing in and out of the staff application (regulation 九(二), 等保 identity controls).
enum SignInController {
    static func register(_ app: RoutesBuilder) {
        app.endpoint(.GET, "app", "login", access: .anonymous, use: loginForm)
        app.endpoint(.POST, "app", "login", access: .anonymous, use: login)
        app.endpoint(.GET, "app", "login", "second-factor", access: .signingIn, use: secondFactorForm)
        app.endpoint(.POST, "app", "login", "second-factor", access: .signingIn, use: secondFactor)
        app.endpoint(.POST, "app", "logout", access: .signingIn, use: logout)
        app.endpoint(.GET, "app", "account", "password", access: .signingIn, use: passwordForm)
        app.endpoint(.POST, "app", "account", "password", access: .signingIn, use: changePassword)
        app.endpoint(.GET, "app", "account", "totp", access: .signingIn, use: totpForm)
        app.endpoint(.POST, "app", "account", "totp", access: .signingIn, use: enrolTOTP)
    }

    struct LoginPage: Encodable, Sendable {
        var username = ""
        var error: String?
        var notice: String?
        var next = ""
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    @Sendable static func loginForm(req: Request) async throws -> Response {
        if req.auth.get(CurrentUser.self) != nil { return req.redirect(to: "/app") }
        var page = LoginPage(next: safeNext(try? req.query.get(String.self, at: "next")))
        if req.storage[SessionAuthenticator.ExpiredSessionKey.self] == true || (try? req.query.get(String.self, at: "expired")) == "1" {
            page.notice = "您已超过空闲时限未操作，会话已结束，请重新登录"
        }
        if (try? req.query.get(String.self, at: "signedOut")) == "1" { page.notice = "您已安全退出" }
        if (try? req.query.get(String.self, at: "locked")) == "1" { page.error = "动态验证码连续错误，账号已锁定，请稍后再试或联系系统管理员" }
        if req.sessionState == nil || req.sessionState?.user != nil {
            // A sign-in form needs an anonymous session for its CSRF token.
            let (session, token) = try await Sessions.create(for: nil, stage: .anonymous, on: req)
            req.sessionState = SessionState(session: session, user: nil)
            let response = try await req.renderPage("security/login", title: "登录", content: page).encodeResponse(for: req)
            response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: req.settings.usesTLS)
            return response
        }
        return try await req.renderPage("security/login", title: "登录", content: page).encodeResponse(for: req)
    }

    @Sendable static func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = form.username?.trimmed ?? ""
        var page = LoginPage(username: username, next: safeNext(form.next))
        guard !username.isEmpty, let password = form.password, !password.isEmpty else {
            page.error = "请填写用户名和密码"
            return try await req.renderPage("security/login", title: "登录", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let user: User
        do {
            user = try await SignInFlow.checkPassword(username: username, password: password, on: req)
        } catch let failure as SignInFlow.Failure {
            page.error = failure.message
            return try await req.renderPage("security/login", title: "登录", content: page).encodeResponse(status: .unauthorized, for: req)
        }
        // A new session id at sign-in: the anonymous session is dropped.
        if let old = req.sessionState?.session { try await old.delete(on: req.db) }
        let (session, token) = try await Sessions.create(for: user, stage: .anonymous, on: req)
        req.sessionState = SessionState(session: session, user: user)
        let stage = try await SignInFlow.advance(session, user: user, on: req)
        let target = SignInFlow.page(for: stage) ?? (page.next.isEmpty ? "/app" : page.next)
        let response = req.redirect(to: target)
        response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: req.settings.usesTLS)
        return response
    }

    /// Only local paths inside the application may be a sign-in target.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/app") || next.hasPrefix("/portal"), !next.hasPrefix("//"), !next.contains("\\") else { return "" }
        return next
    }

    struct CodeForm: Content { var code: String? }

    struct CodePage: Encodable, Sendable {
        var error: String?
    }

    @Sendable static func secondFactorForm(req: Request) async throws -> Response {
        guard let state = req.sessionState, state.session.stage == .secondFactor else { return req.redirect(to: "/app") }
        return try await req.renderPage("security/second-factor", title: "二次验证", content: CodePage()).encodeResponse(for: req)
    }

    @Sendable static func secondFactor(req: Request) async throws -> Response {
        guard let state = req.sessionState, let user = state.user, state.session.stage == .secondFactor else { return req.redirect(to: "/app") }
        let code = try req.content.decode(CodeForm.self).code ?? ""
        // The code is accepted once, by a conditional update: parallel sessions sending the same
        // code get one acceptance between them (issue 10).
        let step = try SignInFlow.verifyTOTP(code, user: user, on: req)
        let accepted = try await step.asyncMap { try await SignInGuard.acceptTOTPStep(userID: try user.requireID(), step: $0, on: req.db, now: req.now) } ?? false
        guard accepted, let step else {
            if try await SignInFlow.recordSecondFactorFailure(user, session: state.session, on: req) {
                let response = req.redirect(to: "/app/login?locked=1")
                response.cookies[Sessions.cookieName] = Sessions.clearCookie(secure: req.settings.usesTLS)
                return response
            }
            return try await req.renderPage("security/second-factor", title: "二次验证", content: CodePage(error: "动态验证码：不正确或已使用过，请输入验证器上当前显示的6位数字"))
                .encodeResponse(status: .unauthorized, for: req)
        }
        user.totpLastStep = step
        state.session.secondFactorDone = true
        let stage = try await SignInFlow.advance(state.session, user: user, on: req)
        return req.redirect(to: SignInFlow.page(for: stage) ?? "/app")
    }

    @Sendable static func logout(req: Request) async throws -> Response {
        if let state = req.sessionState {
            if let user = state.user {
                try await AuditLog.record(.logout, actor: Actor(user),
                                          target: ("user", user.id?.uuidString ?? ""), ip: req.clientIP, keys: req.application.keyStore, on: req.db, now: req.now)
            }
            try await state.session.delete(on: req.db)
        }
        let response = req.redirect(to: "/app/login?signedOut=1")
        response.cookies[Sessions.cookieName] = Sessions.clearCookie(secure: req.settings.usesTLS)
        return response
    }

    struct PasswordForm: Content {
        var currentPassword: String?
        var newPassword: String?
        var confirmPassword: String?
        /// "on": revoke every API token of the account with the old password.
        var revokeTokens: String?
    }

    struct PasswordPage: Encodable, Sendable {
        var forced: Bool
        var expired: Bool
        var minimumLength: Int
        /// Tokens that still work: the form offers to revoke them with the old password.
        var activeTokens: Int
        var errors: [String] = []
    }

    static func activeTokenCount(_ userID: UUID, on req: Request) async throws -> Int {
        try await APIToken.query(on: req.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).count()
    }

    @Sendable static func passwordForm(req: Request) async throws -> View {
        guard let state = req.sessionState, let user = state.user else { throw Abort(.unauthorized) }
        let policy = try await req.securitySettings()
        let page = PasswordPage(forced: state.session.stage == .passwordChange, expired: !user.mustChangePassword && state.session.stage == .passwordChange,
                                minimumLength: policy.passwordMinimumLength, activeTokens: try await activeTokenCount(try user.requireID(), on: req))
        return try await req.renderPage("security/password", title: "修改密码", content: page)
    }

    @Sendable static func changePassword(req: Request) async throws -> Response {
        guard let state = req.sessionState, let user = state.user,
              [.passwordChange, .active].contains(state.session.stage) else { return req.redirect(to: "/app") }
        let form = try req.content.decode(PasswordForm.self)
        let policy = try await req.securitySettings()
        var page = PasswordPage(forced: state.session.stage == .passwordChange, expired: false, minimumLength: policy.passwordMinimumLength,
                                activeTokens: try await activeTokenCount(try user.requireID(), on: req))
        var errors = ValidationCollector()
        let newPassword = form.newPassword ?? ""
        if !(try await Passwords.verify(form.currentPassword ?? "", hash: user.passwordHash, app: req.application)) {
            errors.add(ValidationError(field: "当前密码", code: "password.current", message: "不正确"))
        }
        errors.run { try policy.passwordPolicy.check(newPassword, username: user.username) }
        if newPassword != (form.confirmPassword ?? "") {
            errors.add(ValidationError(field: "确认新密码", code: "password.confirm", message: "与新密码不一致"))
        }
        if newPassword == form.currentPassword && !newPassword.isEmpty {
            errors.add(ValidationError(field: "新密码", code: "password.reuse", message: "不能与当前密码相同"))
        }
        if !errors.errors.isEmpty {
            page.errors = errors.errors.map(\.description)
            return try await req.renderPage("security/password", title: "修改密码", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        user.passwordHash = try await Passwords.hash(newPassword, app: req.application)
        user.passwordChangedAt = req.now
        user.mustChangePassword = false
        user.oneTimePasswordExpiresAt = nil
        let sessionID = try state.session.requireID()
        let revokeTokens = form.revokeTokens == "on"
        try await req.db.writeTransaction { tx in
            try await user.save(on: tx)
            // Other sessions of this account end: whoever knew the old password is out.
            try await UserSession.query(on: tx).filter(\.$user.$id == user.requireID()).filter(\.$id != sessionID).delete()
            var revoked = 0
            if revokeTokens {
                let open = APIToken.query(on: tx).filter(\.$user.$id == (try user.requireID())).filter(\.$revokedAt == nil)
                revoked = try await open.count()
                try await open.set(\.$revokedAt, to: req.now).update()
            }
            try await AuditLog.record(.userPasswordChanged, actor: Actor(user), target: ("user", try user.requireID().uuidString),
                                      details: revokeTokens ? ["tokensRevoked": String(revoked)] : [:], ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
        }
        let stage = try await SignInFlow.advance(state.session, user: user, on: req)
        return try await req.redirect(to: SignInFlow.page(for: stage) ?? "/app", flash: "密码已修改")
    }

    struct TOTPPage: Encodable, Sendable {
        var required: Bool
        var enabled: Bool
        var secretGroups: String
        var uri: String
        /// The URI as a QR code (SVG drawn on the server: no script, no third party).
        var qrSVG: String
        var error: String?

        init(required: Bool, enabled: Bool, secret: String, account: String, issuer: String, error: String? = nil) {
            self.required = required
            self.enabled = enabled
            secretGroups = SignInController.grouped(secret)
            uri = TOTP(secret: Base32.decode(secret) ?? []).provisioningURI(account: account, issuer: issuer)
            qrSVG = (try? QRCode(text: uri).svg(pixels: 200, title: "动态验证码二维码")) ?? ""
            self.error = error
        }
    }

    @Sendable static func totpForm(req: Request) async throws -> Response {
        guard let state = req.sessionState, let user = state.user,
              [.totpEnrolment, .active].contains(state.session.stage) else { return req.redirect(to: "/app") }
        // A fresh secret for this enrolment, kept encrypted in the session until confirmed by a code.
        let secret = Base32.encode(TOTP.generateSecret())
        state.session.pendingTOTPSecretCipher = try req.fieldCrypto.encrypt(secret, context: User.totpSecretContext)
        try await state.session.save(on: req.db)
        let page = TOTPPage(required: state.session.stage == .totpEnrolment, enabled: user.totpEnabled, secret: secret,
                            account: user.username, issuer: req.settings.organisationName)
        return try await req.renderPage("security/totp", title: "设置动态验证码", content: page).encodeResponse(for: req)
    }

    static func grouped(_ secret: String) -> String {
        stride(from: 0, to: secret.count, by: 4).map { start in
            let begin = secret.index(secret.startIndex, offsetBy: start)
            return String(secret[begin..<(secret.index(begin, offsetBy: 4, limitedBy: secret.endIndex) ?? secret.endIndex)])
        }.joined(separator: " ")
    }

    @Sendable static func enrolTOTP(req: Request) async throws -> Response {
        guard let state = req.sessionState, let user = state.user,
              [.totpEnrolment, .active].contains(state.session.stage) else { return req.redirect(to: "/app") }
        guard let pending = state.session.pendingTOTPSecretCipher else { return req.redirect(to: "/app/account/totp") }
        let secret = try req.fieldCrypto.decrypt(pending, context: User.totpSecretContext)
        let code = try req.content.decode(CodeForm.self).code ?? ""
        guard let step = TOTP(secret: Base32.decode(secret) ?? []).verify(code, at: req.now) else {
            let page = TOTPPage(required: state.session.stage == .totpEnrolment, enabled: user.totpEnabled, secret: secret,
                                account: user.username, issuer: req.settings.organisationName,
                                error: "动态验证码：不正确。请确认手机时间准确，并输入验证器当前显示的6位数字")
            return try await req.renderPage("security/totp", title: "设置动态验证码", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        user.totpSecretCipher = pending
        user.totpEnabled = true
        user.totpLastStep = step
        state.session.pendingTOTPSecretCipher = nil
        state.session.secondFactorDone = true
        try await req.db.writeTransaction { tx in
            try await user.save(on: tx)
            try await AuditLog.record(.userTotpEnrolled, actor: Actor(user),
                                      target: ("user", try user.requireID().uuidString), ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
        }
        let stage = try await SignInFlow.advance(state.session, user: user, on: req)
        return try await req.redirect(to: SignInFlow.page(for: stage) ?? "/app", flash: "动态验证码已启用")
    }
}
