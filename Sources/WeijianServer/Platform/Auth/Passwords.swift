import Vapor
import WeijianCore

/// Password hashing off the event loop, and one-time passwords for new and reset accounts.
enum Passwords {
    static func hash(_ password: String, app: Application) async throws -> String {
        let cost = app.weijianSettings.passwordHashCost
        return try await app.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String, app: Application) async throws -> Bool {
        try await app.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
    }

    /// A hash of the configured cost to verify against for an unknown username, so that a wrong
    /// username takes as long as a wrong password and usernames cannot be probed by timing.
    /// Computed once in `configure`, before requests arrive.
    static func dummyHash(app: Application) async throws -> String {
        if let hash = app.storage[DummyHashKey.self] { return hash }
        return try await self.hash(oneTime(), app: app)
    }

    struct DummyHashKey: StorageKey { typealias Value = String }

    /// `Wj7k-M3qa-Zt9p-X4ne`: 16 random characters without look-alikes (0/O, 1/l/I), in groups, with
    /// upper case, lower case and digits. It must be changed at first sign-in.
    static func oneTime() -> String {
        let upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), lower = Array("abcdefghijkmnpqrstuvwxyz"), digits = Array("23456789")
        let all = upper + lower + digits
        var generator = SystemRandomNumberGenerator()
        while true {
            let chars = (0..<16).map { _ in all.randomElement(using: &generator)! }
            guard chars.contains(where: upper.contains), chars.contains(where: lower.contains), chars.contains(where: digits.contains) else { continue }
            return stride(from: 0, to: 16, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: "-")
        }
    }
}
