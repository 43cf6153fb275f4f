import Fluent
import Foundation
import Vapor
import WeijianCore

/// The steps of signing in: password (with lockout), second factor, forced password change,
/// TOTP enrolment. Each step moves the session to the next stage; only `active` opens the system.
public enum SignInFlow {
    public enum Failure: Error, Equatable {
        /// A wrong password, an unknown name or a locked account: one answer for all three, given
        /// after the same password-hash work, so that neither the message nor the time tells
        /// whether a name is an account or whether it is locked (issue 10).
        case rejected(threshold: Int, minutes: Int)
        case disabled
        case oneTimePasswordExpired(hours: Int)

        public var message: String {
            switch self {
            case .rejected(let threshold, let minutes):
                return "用户名或密码错误。连续错误\(threshold)次账号将锁定\(minutes)分钟；如账号已锁定或忘记密码，请联系系统管理员"
            case .disabled:
                return "账号已停用，请联系系统管理员"
            case .oneTimePasswordExpired(let hours):
                return "一次性密码已过期（发出后\(hours)小时内有效），请联系系统管理员重新设置密码"
            }
        }
    }

    static func timeText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// The page that serves a stage.
    static func page(for stage: UserSession.Stage) -> String? {
        switch stage {
        case .anonymous, .active: nil
        case .secondFactor: "/app/login/second-factor"
        case .passwordChange: "/app/account/password"
        case .totpEnrolment: "/app/account/totp"
        }
    }

    /// Checks the password. The 5th failure (a setting) locks the account for 30 minutes (a
    /// setting); a locked account is refused before its password is checked, after checking a
    /// dummy hash so that it answers in the same time as any other refusal.
    static func checkPassword(username: String, password: String, on req: Request) async throws -> User {
        let policy = try await req.securitySettings()
        let rejected = Failure.rejected(threshold: policy.lockoutThreshold, minutes: policy.lockoutMinutes)
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await User.query(on: req.db).filter(\.$username == name).first() else {
            _ = try? await Passwords.verify(password, hash: try await Passwords.dummyHash(app: req.application), app: req.application)
            try await req.db.writeTransaction { tx in
                try await SignInGuard.countUnknownName(name, crypto: req.fieldCrypto, policy: policy, on: tx, now: req.now)
                try await AuditLog.record(.loginFailed, actor: .anonymous, target: ("user", ""), outcome: .failure,
                                          details: ["reason": "unknown-user"], ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
            }
            AppMetrics.shared.increment("weijian_logins_total{outcome=\"failed\"}")
            throw rejected
        }
        let actor = Actor(user)
        let userID = try user.requireID()
        if SignInGuard.isLocked(user, now: req.now) {
            _ = try? await Passwords.verify(password, hash: try await Passwords.dummyHash(app: req.application), app: req.application)
            try await AuditLog.record(.loginRefused, actor: actor, target: ("user", userID.uuidString), outcome: .denied,
                                      details: ["reason": "locked"], ip: req.clientIP, keys: req.application.keyStore, on: req.db, now: req.now)
            throw rejected
        }
        let matches = (try? await Passwords.verify(password, hash: user.passwordHash, app: req.application)) ?? false
        guard matches else {
            try await req.db.writeTransaction { tx in
                let count = try await SignInGuard.countFailure(userID: userID, policy: policy, on: tx, now: req.now)
                try await AuditLog.record(.loginFailed, actor: actor, target: ("user", userID.uuidString), outcome: .failure,
                                          details: ["reason": count == .alreadyLocked ? "locked" : "wrong-password"], ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
                if case .lockedNow = count {
                    try await AuditLog.record(.accountLocked, actor: .system, target: ("user", userID.uuidString),
                                              details: ["minutes": String(policy.lockoutMinutes)], ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
                }
            }
            AppMetrics.shared.increment("weijian_logins_total{outcome=\"failed\"}")
            throw rejected
        }
        guard user.status == .active else {
            try await AuditLog.record(.loginRefused, actor: actor, target: ("user", userID.uuidString), outcome: .denied,
                                      details: ["reason": "disabled"], ip: req.clientIP, keys: req.application.keyStore, on: req.db, now: req.now)
            throw Failure.disabled
        }
        if user.mustChangePassword, let expires = user.oneTimePasswordExpiresAt, expires <= req.now {
            try await AuditLog.record(.loginRefused, actor: actor, target: ("user", userID.uuidString), outcome: .denied,
                                      details: ["reason": "one-time-password-expired"], ip: req.clientIP, keys: req.application.keyStore, on: req.db, now: req.now)
            throw Failure.oneTimePasswordExpired(hours: policy.oneTimePasswordHours)
        }
        // A parallel request may have locked the account while this password was being checked.
        guard try await SignInGuard.passPassword(userID: userID, lastFactor: !user.totpEnabled, on: req.db, now: req.now) else {
            try await AuditLog.record(.loginRefused, actor: actor, target: ("user", userID.uuidString), outcome: .denied,
                                      details: ["reason": "locked"], ip: req.clientIP, keys: req.application.keyStore, on: req.db, now: req.now)
            throw rejected
        }
        return user
    }

    /// The stage a signed-in session should be at now.
    static func nextStage(user: User, session: UserSession, policy: SecuritySettings, now: Date) -> UserSession.Stage {
        if user.totpEnabled && !session.secondFactorDone { return .secondFactor }
        let age = now.timeIntervalSince(user.passwordChangedAt)
        if user.mustChangePassword || age > Double(policy.passwordMaximumAgeDays) * 86_400 { return .passwordChange }
        if user.kind == .staff && policy.totpRequiredForStaff && !user.totpEnabled { return .totpEnrolment }
        return .active
    }

    /// Moves a session on after a step; records the sign-in when it becomes active.
    static func advance(_ session: UserSession, user: User, on req: Request) async throws -> UserSession.Stage {
        let policy = try await req.securitySettings()
        let stage = nextStage(user: user, session: session, policy: policy, now: req.now)
        session.stage = stage
        try await req.db.writeTransaction { tx in
            try await session.save(on: tx)
            if stage == .active {
                user.lastLoginAt = req.now
                try await user.save(on: tx)
                try await AuditLog.record(.loginSuccess, actor: Actor(user),
                                          target: ("user", user.id?.uuidString ?? ""), ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
            }
        }
        if stage == .active { AppMetrics.shared.increment("weijian_logins_total{outcome=\"success\"}") }
        return stage
    }

    /// A wrong second-factor code counts like a wrong password: the threshold locks the account
    /// and ends the half-signed-in session. Returns true when the account is (now) locked.
    static func recordSecondFactorFailure(_ user: User, session: UserSession, on req: Request) async throws -> Bool {
        let policy = try await req.securitySettings()
        let userID = try user.requireID()
        let locked = try await req.db.writeTransaction { tx in
            let count = try await SignInGuard.countFailure(userID: userID, policy: policy, on: tx, now: req.now)
            try await AuditLog.record(.loginSecondFactorFailed, actor: Actor(user), target: ("user", userID.uuidString),
                                      outcome: .failure, ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
            switch count {
            case .counted: return false
            case .alreadyLocked:
                try await session.delete(on: tx)
                return true
            case .lockedNow:
                try await session.delete(on: tx)
                try await AuditLog.record(.accountLocked, actor: .system, target: ("user", userID.uuidString),
                                          details: ["minutes": String(policy.lockoutMinutes), "reason": "second-factor"], ip: req.clientIP, keys: req.application.keyStore, on: tx, now: req.now)
                return true
            }
        }
        AppMetrics.shared.increment("weijian_logins_total{outcome=\"failed\"}")
        return locked
    }

    /// Verifies a TOTP code for a user with an enrolled secret, refusing a replayed code.
    static func verifyTOTP(_ code: String, user: User, on req: Request) throws -> Int64? {
        guard let cipher = user.totpSecretCipher else { return nil }
        let secret = try req.fieldCrypto.decrypt(cipher, context: User.totpSecretContext)
        guard let bytes = Base32.decode(secret) else { return nil }
        return TOTP(secret: bytes).verify(code, at: req.now, after: user.totpLastStep)
    }
}
