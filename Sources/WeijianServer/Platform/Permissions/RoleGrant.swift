import Fluent
import Foundation
import WeijianCore

/// A role held by a user, granted by the security administrator.
public final class RoleGrant: Model, @unchecked Sendable {
    public static let schema = "role_grants"

    // identity
    @ID(key: .id) public var id: UUID?
    // references
    @Parent(key: "user_id") public var user: User
    // data
    @Field(key: "role") public var role: String
    @Field(key: "granted_by") public var grantedBy: String
    @Field(key: "granted_at") public var grantedAt: Date

    public init() {}
    public init(userID: UUID, role: Role, grantedBy: String, at: Date) {
        self.$user.id = userID
        self.role = role.rawValue
        self.grantedBy = grantedBy
        self.grantedAt = at
    }
}
