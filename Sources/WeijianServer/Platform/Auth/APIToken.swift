import Fluent
import Foundation
import Vapor

/// A bearer token for the API, issued to a user. Only a hash is stored; the token is shown once.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "prefix") public var prefix: String

    // references
    @Parent(key: "user_id") public var user: User

    // workflow
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}
}
