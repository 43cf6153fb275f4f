import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor
import WeijianCore

/// The signed-in user as the request sees it: roles, permissions and data scope resolved once.
public struct CurrentUser: Authenticatable, Sendable {
    public let id: UUID
    public let username: String
    public let displayName: String
    public let kind: User.Kind
    public let departmentID: UUID?
    public let roles: Set<Role>
    public let scope: DataScope
    /// The session behind a browser request; nil for API tokens and commands.
    public let sessionID: UUID?
    public let csrfToken: String?

    /// The union of the roles' permissions, formed once: every navigation entry and route asks.
    public let permissions: Set<Permission>

    init(id: UUID, username: String, displayName: String, kind: User.Kind, departmentID: UUID?, roles: Set<Role>, scope: DataScope,
         sessionID: UUID?, csrfToken: String?) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.kind = kind
        self.departmentID = departmentID
        self.roles = roles
        self.scope = scope
        self.sessionID = sessionID
        self.csrfToken = csrfToken
        self.permissions = roles.reduce(into: []) { $0.formUnion($1.permissions) }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    public var rolesText: String { roles.sorted().map(\.chinese).joined(separator: "、") }

    /// Loads roles and scope for a user: from this node's cache while the account's authorization
    /// version is the one cached, else from the grants (and cached).
    static func load(_ user: User, sessionID: UUID?, csrfToken: String?, on db: any Database,
                     cache: AuthorizationCache? = nil) async throws -> CurrentUser {
        let userID = try user.requireID()
        let version = user.authorizationVersion
        let resolved: AuthorizationCache.Entry
        if let cached = cache?.entry(userID, version: version, department: user.$department.id) {
            resolved = cached
        } else {
            let roleRows = try await RoleGrant.query(on: db).filter(\.$user.$id == userID).all()
            let roles = Set(roleRows.compactMap { Role(rawValue: $0.role) })
            let grants = try await DataScopeGrant.query(on: db).filter(\.$user.$id == userID).all()
            resolved = .init(version: version, department: user.$department.id, roles: roles,
                             scope: DataScope.from(grants: grants, ownDepartment: user.$department.id, isLeader: roles.contains(.leader)))
            cache?.store(userID, resolved)
        }
        return CurrentUser(id: userID, username: user.username, displayName: user.displayName, kind: user.kind,
                           departmentID: user.$department.id, roles: resolved.roles, scope: resolved.scope, sessionID: sessionID, csrfToken: csrfToken)
    }
}

/// Each node's resolved roles and scope per account, valid while the account's `authz_version`
/// (read with the session on every request) and department are what they were. Every change of
/// grants raises the version in its transaction, so no node serves a stale scope after it commits.
final class AuthorizationCache: Sendable {
    struct Entry: Sendable {
        let version: Int64
        let department: UUID?
        let roles: Set<Role>
        let scope: DataScope
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])

    func entry(_ userID: UUID, version: Int64, department: UUID?) -> Entry? {
        entries.withLockedValue { $0[userID] }.flatMap { $0.version == version && $0.department == department ? $0 : nil }
    }

    func store(_ userID: UUID, _ entry: Entry) {
        entries.withLockedValue { all in
            if all.count > 10_000 { all.removeAll() }
            all[userID] = entry
        }
    }

    /// Raises the account's version: call inside the transaction that changes its grants.
    static func invalidate(_ userID: UUID, on db: any Database) async throws {
        try await db.sql.raw("UPDATE users SET authz_version = authz_version + 1 WHERE id = \(bind: userID)").run()
    }
}

extension Application {
    struct AuthorizationCacheKey: StorageKey { typealias Value = AuthorizationCache }
    /// Set once in `configure`.
    var authorizationCache: AuthorizationCache? { storage[AuthorizationCacheKey.self] }
}

/// The person an action is attributed to in the audit log.
public struct Actor: Sendable {
    public let id: String
    public let name: String

    public static let system = Actor(id: "system", name: "系统")
    public static let anonymous = Actor(id: "anonymous", name: "匿名访问")
    /// The operator running a `weijian` command on the server.
    public static func `operator`(_ login: String) -> Actor { Actor(id: "operator", name: "服务器操作员(\(login))") }

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public init(_ user: User) {
        self.id = user.id?.uuidString ?? ""
        self.name = "\(user.displayName)(\(user.username))"
    }

    public init(_ user: CurrentUser) {
        self.id = user.id.uuidString
        self.name = "\(user.displayName)(\(user.username))"
    }
}
