import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Role and scope grants (the security administrator's duty).
enum GrantQueries {
    static func setGrants(for user: User, roles: Set<Role>, scopes: [(DataScopeGrant.Dimension, String)], by caller: Caller) async throws {
        let (actor, actorUserID, db, now) = (caller.actor, caller.userID, caller.db, caller.now)
        let userID = try user.requireID()
        if userID == actorUserID {
            throw ValidationError(field: "授权对象", code: "grant.self", message: "不能为自己的账号授权（须由另一名安全管理员办理）")
        }
        try Role.checkSeparation(roles)
        if user.kind == .portal && roles != [.entityUser] && !roles.isEmpty {
            throw ValidationError(field: "角色", code: "roles.portal", message: "被监督单位账号只能授予“被监督单位用户”角色")
        }
        if user.kind == .staff && roles.contains(.entityUser) {
            throw ValidationError(field: "角色", code: "roles.portalExclusive", message: "本所人员不能授予“被监督单位用户”角色")
        }
        let current = try await UserQueries.roles(of: userID, on: db)
        for role in current.subtracting(roles) where role.isSeparatedAdministrator {
            if try await UserQueries.holders(of: role, on: db).filter({ $0 != userID }).isEmpty {
                throw ValidationError(field: "角色", code: "roles.lastAdministrator", message: "不能撤销最后一名\(role.chinese)的角色")
            }
        }
        try await db.writeTransaction { tx in
            try await RoleGrant.query(on: tx).filter(\.$user.$id == userID).delete()
            try await DataScopeGrant.query(on: tx).filter(\.$user.$id == userID).delete()
            for role in roles.sorted() { try await RoleGrant(userID: userID, role: role, grantedBy: actor.name, at: now).create(on: tx) }
            for (dimension, value) in scopes {
                try await DataScopeGrant(userID: userID, dimension: dimension, value: value, grantedBy: actor.name, at: now).create(on: tx)
            }
            try await AuthorizationCache.invalidate(userID, on: tx)
            try await caller.audit(.grantsSet, target: ("user", userID.uuidString),
                                      details: ["username": user.username,
                                                "roles": roles.map(\.rawValue).sorted().joined(separator: ","),
                                                "previousRoles": current.map(\.rawValue).sorted().joined(separator: ","),
                                                "scopes": scopes.map { "\($0.0.rawValue)=\($0.1)" }.joined(separator: ",")],
                                      on: tx)
        }
    }
}
