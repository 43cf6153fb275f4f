import Fluent
import Foundation
import Vapor

/// A browser session, kept in the database so that several application nodes share it and a
/// sign-out or a disabled account ends it everywhere. The cookie holds a random token; only its
/// SHA-256 is stored.
public final class UserSession: Model, @unchecked Sendable {
    public static let schema = "user_sessions"

    /// Where a signed-in session stands in the sign-in steps.
    public enum Stage: String, Codable, Sendable {
        case anonymous
        case secondFactor
        case passwordChange
        case totpEnrolment
        case active
    }

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String

    // references
    @OptionalParent(key: "user_id") public var user: User?

    // data
    @Enum(key: "stage") public var stage: Stage
    @Field(key: "csrf_token") public var csrfToken: String
    @Field(key: "second_factor_done") public var secondFactorDone: Bool
    @OptionalField(key: "pending_totp_secret") public var pendingTOTPSecretCipher: String?
    /// A one-time message for the next page ("账号已创建").
    @OptionalField(key: "flash") public var flash: String?
    @Field(key: "ip") public var ip: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date

    public init() {}
}
