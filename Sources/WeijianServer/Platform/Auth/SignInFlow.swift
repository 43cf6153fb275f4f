import Fluent
import Foundation
import Vapor
import WeijianCore

/// The steps of signing in: password (with lockout), second factor, forced password change,
/// TOTP enrolment. Each step moves the session to the next stage; only `active` opens the system.
public enum SignInFlow {
    public enum Failure: Error, Equatable {
        case wrongCredentials(remaining: Int?)
        case locked(until: Date)
        case disabled

        public var message: String {
            switch self {
            case .wrongCredentials:
                // The same sentence whether or not the username exists, so usernames cannot be probed.
                return "用户名或密码错误（连续错误多次将锁定账号）"
            case .locked(let until):
                return "账号因连续登录失败已锁定，请于\(SignInFlow.timeText(until))后再试，或联系系统管理员解锁"
            case .disabled:
                return "账号已停用，请联系系统管理员"
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

    /// Checks the password. A locked account is refused with the lock message whatever the
    /// password; the 5th failure (a setting) locks it for 30 minutes (a setting).
    static func checkPassword(username: String, password: String, on req: Request) async throws -> User {
        let policy = try await req.securitySettings()
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await User.query(on: req.db).filter(\.$username == name).first() else {
            _ = try? await Passwords.verify(password, hash: try await Passwords.dummyHash(app: req.application), app: req.application)
            try await AuditLog.record("login.failed", actor: .anonymous, target: ("user", name), outcome: .failure,
                                      details: ["reason": "unknown-user"], ip: req.clientIP, on: req.db, now: req.now)
            AppMetrics.shared.increment("weijian_logins_total{outcome=\"failed\"}")
            throw Failure.wrongCredentials(remaining: nil)
        }
        let actor = Actor(user)
        if let until = user.lockedUntil, until > req.now {
            try await AuditLog.record("login.refused", actor: actor, target: ("user", user.id?.uuidString ?? ""), outcome: .denied,
                                      details: ["reason": "locked"], ip: req.clientIP, on: req.db, now: req.now)
            throw Failure.locked(until: until)
        }
        let matches = (try? await Passwords.verify(password, hash: user.passwordHash, app: req.application)) ?? false
        guard matches else {
            user.failedAttempts += 1
            var failure = Failure.wrongCredentials(remaining: policy.lockoutThreshold - user.failedAttempts)
            if user.failedAttempts >= policy.lockoutThreshold {
                let until = req.now.addingTimeInterval(Double(policy.lockoutMinutes * 60))
                user.lockedUntil = until
                user.failedAttempts = 0
                failure = .locked(until: until)
            }
            let outcome = failure
            try await req.db.writeTransaction { tx in
                try await user.save(on: tx)
                try await AuditLog.record("login.failed", actor: actor, target: ("user", user.id?.uuidString ?? ""), outcome: .failure,
                                          details: ["reason": "wrong-password"], ip: req.clientIP, on: tx, now: req.now)
                if case .locked = outcome {
                    try await AuditLog.record("account.locked", actor: .system, target: ("user", user.id?.uuidString ?? ""),
                                              details: ["minutes": String(policy.lockoutMinutes)], ip: req.clientIP, on: tx, now: req.now)
                }
            }
            AppMetrics.shared.increment("weijian_logins_total{outcome=\"failed\"}")
            throw failure
        }
        guard user.status == .active else {
            try await AuditLog.record("login.refused", actor: actor, target: ("user", user.id?.uuidString ?? ""), outcome: .denied,
                                      details: ["reason": "disabled"], ip: req.clientIP, on: req.db, now: req.now)
            throw Failure.disabled
        }
        if user.lockedUntil != nil {
            user.lockedUntil = nil
            try await user.save(on: req.db)
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
        if stage != .secondFactor { user.failedAttempts = 0 }
        try await req.db.writeTransaction { tx in
            try await session.save(on: tx)
            if stage == .active {
                user.lastLoginAt = req.now
                try await user.save(on: tx)
                try await AuditLog.record("login.success", actor: Actor(user),
                                          target: ("user", user.id?.uuidString ?? ""), ip: req.clientIP, on: tx, now: req.now)
            }
        }
        if stage == .active { AppMetrics.shared.increment("weijian_logins_total{outcome=\"success\"}") }
        return stage
    }

    /// A wrong second-factor code counts like a wrong password: the threshold locks the account
    /// and ends the half-signed-in session.
    static func recordSecondFactorFailure(_ user: User, session: UserSession, on req: Request) async throws -> Bool {
        let policy = try await req.securitySettings()
        user.failedAttempts += 1
        let locked = user.failedAttempts >= policy.lockoutThreshold
        if locked {
            user.lockedUntil = req.now.addingTimeInterval(Double(policy.lockoutMinutes * 60))
            user.failedAttempts = 0
        }
        try await req.db.writeTransaction { tx in
            try await user.save(on: tx)
            try await AuditLog.record("login.secondFactorFailed", actor: Actor(user), target: ("user", try user.requireID().uuidString),
                                      outcome: .failure, ip: req.clientIP, on: tx, now: req.now)
            if locked {
                try await session.delete(on: tx)
                try await AuditLog.record("account.locked", actor: .system, target: ("user", try user.requireID().uuidString),
                                          details: ["minutes": String(policy.lockoutMinutes), "reason": "second-factor"], ip: req.clientIP, on: tx, now: req.now)
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
