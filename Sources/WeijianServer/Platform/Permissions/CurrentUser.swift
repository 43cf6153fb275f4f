import Fluent
import Foundation
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

    public var permissions: Set<Permission> { roles.reduce(into: []) { $0.formUnion($1.permissions) } }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    public var rolesText: String { roles.sorted().map(\.chinese).joined(separator: "、") }

    /// Loads roles and scope for a user.
    static func load(_ user: User, sessionID: UUID?, csrfToken: String?, on db: any Database) async throws -> CurrentUser {
        let userID = try user.requireID()
        let roleRows = try await RoleGrant.query(on: db).filter(\.$user.$id == userID).all()
        let roles = Set(roleRows.compactMap { Role(rawValue: $0.role) })
        let grants = try await DataScopeGrant.query(on: db).filter(\.$user.$id == userID).all()
        let scope = DataScope.from(grants: grants, ownDepartment: user.$department.id, isLeader: roles.contains(.leader))
        return CurrentUser(id: userID, username: user.username, displayName: user.displayName, kind: user.kind,
                           departmentID: user.$department.id, roles: roles, scope: scope, sessionID: sessionID, csrfToken: csrfToken)
    }
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
