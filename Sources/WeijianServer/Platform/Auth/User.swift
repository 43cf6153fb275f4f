import Fluent
import Foundation
import Vapor
import WeijianCore

/// A sign-in account: staff of the institute or a supervised unit's portal user.
public final class User: Model, @unchecked Sendable {
    public static let schema = "users"

    public enum Kind: String, Codable, Sendable { case staff, portal }
    public enum Status: String, Codable, Sendable { case active, disabled }

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    @Enum(key: "kind") public var kind: Kind

    // references
    @OptionalParent(key: "department_id") public var department: Department?
    /// The supervised unit a portal account belongs to.
    @OptionalField(key: "entity_id") public var entityID: UUID?

    // data
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "password_changed_at") public var passwordChangedAt: Date
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    /// Set while the password is a one-time password: after this it no longer opens the account.
    @OptionalField(key: "one_time_password_expires_at") public var oneTimePasswordExpiresAt: Date?
    @Field(key: "failed_attempts") public var failedAttempts: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @OptionalField(key: "totp_secret") public var totpSecretCipher: String?
    @Field(key: "totp_enabled") public var totpEnabled: Bool
    @OptionalField(key: "totp_last_step") public var totpLastStep: Int64?
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?

    // workflow
    @Enum(key: "status") public var status: Status
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "disabled_at") public var disabledAt: Date?
    /// Raised by every change of the account's roles or data scope (`AuthorizationCache`).
    @Field(key: "authz_version") public var authorizationVersion: Int64

    public init() {}

    public init(username: String, displayName: String, kind: Kind, departmentID: UUID?, passwordHash: String, now: Date) {
        self.username = username
        self.displayName = displayName
        self.kind = kind
        self.$department.id = departmentID
        self.passwordHash = passwordHash
        self.passwordChangedAt = now
        self.mustChangePassword = true
        self.failedAttempts = 0
        self.totpEnabled = false
        self.status = .active
        self.createdAt = now
        self.authorizationVersion = 0
    }

    /// The TOTP secret is a credential: stored encrypted like personal data.
    static let totpSecretContext = "users.totp_secret"
}
