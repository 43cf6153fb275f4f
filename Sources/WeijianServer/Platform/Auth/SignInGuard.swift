import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The counters of signing in, each changed by one statement whose result decides.
///
/// Parallel sign-ins used to read the account, check the password and save the count they had
/// read: twenty requests at once left the count at three and the account open (issue 10). Here a
/// failure is counted with `UPDATE … SET failed_attempts = failed_attempts + 1 … RETURNING`, the
/// lock is decided on the value returned, and a passed password or second-factor code is accepted
/// only by a conditional update that fails when the account was locked (or the code used)
/// meanwhile. The same statements run on SQLite and PostgreSQL.
enum SignInGuard {
    enum Count: Equatable {
        /// The failure was counted; `remaining` more lock the account.
        case counted(remaining: Int)
        /// This failure reached the threshold: the account is locked until then.
        case lockedNow(until: Date)
        /// The account was already locked (by a parallel request); nothing was counted.
        case alreadyLocked
    }

    /// Counts one failed password or second-factor code for an account.
    static func countFailure(userID: UUID, policy: SecuritySettings, on db: any Database, now: Date) async throws -> Count {
        let until = now.addingTimeInterval(Double(policy.lockoutMinutes * 60))
        let row = try await db.sql.raw("""
            UPDATE users SET
              failed_attempts = CASE WHEN failed_attempts + 1 >= \(bind: policy.lockoutThreshold) THEN 0 ELSE failed_attempts + 1 END,
              locked_until = CASE WHEN failed_attempts + 1 >= \(bind: policy.lockoutThreshold) THEN \(bind: until) ELSE locked_until END
            WHERE id = \(bind: userID) AND (locked_until IS NULL OR locked_until <= \(bind: now))
            RETURNING failed_attempts
            """).first()
        guard let row else { return .alreadyLocked }
        let count = try row.decode(column: "failed_attempts", as: Int.self)
        return count == 0 ? .lockedNow(until: until) : .counted(remaining: policy.lockoutThreshold - count)
    }

    /// Accepts a checked password unless the account was locked meanwhile. The failure count is
    /// cleared when the password is the last factor; with a second factor it is cleared when the
    /// code is accepted, so that a known password cannot reset the count of wrong codes.
    static func passPassword(userID: UUID, lastFactor: Bool, on db: any Database, now: Date) async throws -> Bool {
        let reset: SQLQueryString = lastFactor ? "failed_attempts = 0, locked_until = NULL" : "locked_until = NULL"
        return try await db.sql.raw("""
            UPDATE users SET \(reset)
            WHERE id = \(bind: userID) AND (locked_until IS NULL OR locked_until <= \(bind: now))
            RETURNING id
            """).first() != nil
    }

    /// Accepts a second-factor code's time step once: a code used by one session (or a parallel
    /// one) is refused to every other, and a locked account accepts none.
    static func acceptTOTPStep(userID: UUID, step: Int64, on db: any Database, now: Date) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE users SET totp_last_step = \(bind: step), failed_attempts = 0
            WHERE id = \(bind: userID) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
              AND (locked_until IS NULL OR locked_until <= \(bind: now))
            RETURNING id
            """).first() != nil
    }

    /// Whether the account is locked now.
    static func isLocked(_ user: User, now: Date) -> Bool {
        user.lockedUntil.map { $0 > now } ?? false
    }

    /// Counts a failure for a name that is no account, by the same rule, so that such a name is
    /// locked after as many failures as a real one. Only a keyed hash of the name is stored.
    static func countUnknownName(_ name: String, crypto: FieldCrypto, policy: SecuritySettings, on db: any Database, now: Date) async throws {
        let key = crypto.blindIndex(name, context: "sign_in_throttle.name")
        let until = now.addingTimeInterval(Double(policy.lockoutMinutes * 60))
        try await db.sql.raw("""
            INSERT INTO sign_in_throttle (name_key, failed_attempts, locked_until, updated_at)
            VALUES (\(bind: key), 1, NULL, \(bind: now))
            ON CONFLICT (name_key) DO UPDATE SET
              failed_attempts = CASE WHEN sign_in_throttle.failed_attempts + 1 >= \(bind: policy.lockoutThreshold) THEN 0 ELSE sign_in_throttle.failed_attempts + 1 END,
              locked_until = CASE WHEN sign_in_throttle.failed_attempts + 1 >= \(bind: policy.lockoutThreshold) THEN \(bind: until) ELSE sign_in_throttle.locked_until END,
              updated_at = \(bind: now)
            WHERE sign_in_throttle.locked_until IS NULL OR sign_in_throttle.locked_until <= \(bind: now)
            """).run()
    }
}
