import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Regulation 九(二)3: accounts not used for a long time are reviewed and disabled.
enum AccountReview {
    struct Row: Encodable, Sendable {
        let id: String
        let username: String
        let displayName: String
        let lastUsed: String
        let idleDays: Int
    }

    static func staleAccounts(olderThanDays days: Int, on db: any Database, now: Date) async throws -> [Row] {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let users = try await User.query(on: db).filter(\.$status == .active).sort(\.$username).all()
        return users.compactMap { user in
            let lastUsed = user.lastLoginAt ?? user.createdAt
            guard lastUsed < cutoff else { return nil }
            return Row(id: user.id?.uuidString ?? "", username: user.username, displayName: user.displayName,
                       lastUsed: user.lastLoginAt.map(Format.dateTime) ?? "从未登录（创建于\(Format.dateTime(user.createdAt))）",
                       idleDays: Int(now.timeIntervalSince(lastUsed) / 86_400))
        }
    }
}
