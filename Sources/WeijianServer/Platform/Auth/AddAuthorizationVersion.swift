import Fluent
import SQLKit

/// A counter on each account that every change of its roles or data scope raises, in the same
/// transaction: a node may keep a user's resolved roles and scope as long as the counter it read
/// with the session is unchanged (issue 11: three queries per request resolved them again).
struct AddAuthorizationVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("authz_version", .int64, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("authz_version").update()
    }
}
