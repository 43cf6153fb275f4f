import Fluent
import Foundation
import Vapor
import WeijianCore

/// Who is acting, on which database, at what time, with which keys and within which data scope:
/// what every query that writes, or that reads a record behind a scope check, needs.
///
/// Controllers take it from the request (`req.caller`); commands make one for the operator. Queries
/// take a `Caller` instead of a database, clock, actor and keys, so a write cannot forget its audit
/// event or its scope check.
public struct Caller: Sendable {
    public let actor: Actor
    /// The signed-in user; nil for the operator's commands and scheduled jobs.
    public let user: CurrentUser?
    public let scope: DataScope
    public let ip: String
    public let db: any Database
    public let now: Date
    public let keys: KeyStore
    public let tables: CodeTables

    public init(actor: Actor, user: CurrentUser?, scope: DataScope, ip: String, db: any Database, now: Date, keys: KeyStore, tables: CodeTables) {
        self.actor = actor
        self.user = user
        self.scope = scope
        self.ip = ip
        self.db = db
        self.now = now
        self.keys = keys
        self.crypto = keys.fieldCrypto
        self.tables = tables
    }

    /// Field encryption with the key ring's keys.
    public let crypto: FieldCrypto

    /// The operator at the server console or a scheduled job: unrestricted scope.
    static func system(_ app: Application, actor: Actor = operatorActor()) -> Caller {
        Caller(actor: actor, user: nil, scope: .unrestricted, ip: "", db: app.db, now: app.clock.now(),
               keys: app.keyStore, tables: app.codeTables)
    }

    /// A user acting outside a request (the demo data, tests): their roles' scope, no address.
    public static func acting(as user: CurrentUser, _ app: Application) -> Caller {
        Caller(actor: Actor(user), user: user, scope: user.scope, ip: "", db: app.db, now: app.clock.now(),
               keys: app.keyStore, tables: app.codeTables)
    }

    /// The same caller working inside a transaction.
    public func on(_ db: any Database) -> Caller {
        Caller(actor: actor, user: user, scope: scope, ip: ip, db: db, now: now, keys: keys, tables: tables)
    }

    /// Records an audit event for this caller. Inside `db.writeTransaction` it joins the
    /// transaction, so the change and its record commit together or not at all.
    public func audit(_ action: AuditAction, target: (type: String, id: String) = ("", ""), outcome: AuditLog.Outcome = .success,
                      details: [String: String] = [:], on database: (any Database)? = nil) async throws {
        try await AuditLog.record(action, actor: actor, target: target, outcome: outcome, details: details, ip: ip, keys: keys, on: database ?? db, now: now)
    }

    /// Refuses a record outside the caller's data scope: the refusal is an audit event naming the
    /// record and the caller (regulation 七: access beyond one's scope is logged), then a 403.
    public func refuseOutOfScope(_ type: String, id: String, name: String? = nil) async throws -> Never {
        try await audit(.accessOutOfScope, target: (type, id), outcome: .denied, details: name.map { ["name": $0] } ?? [:])
        AppMetrics.shared.increment("weijian_access_denied_total")
        throw Abort(.forbidden, reason: "该记录不在您的数据范围内。如需查看，请联系安全管理员调整数据范围。")
    }

    public var userID: UUID? { user?.id }
}

extension Request {
    /// The signed-in caller of this request, with its scope.
    var caller: Caller {
        get throws {
            let user = try currentUser
            return Caller(actor: Actor(user), user: user, scope: user.scope, ip: clientIP, db: db, now: now,
                          keys: application.keyStore, tables: codeTables)
        }
    }

    /// A caller for requests without a signed-in user (the public site, the sign-in steps).
    var anonymousCaller: Caller {
        let user = auth.get(CurrentUser.self)
        return Caller(actor: user.map(Actor.init) ?? .anonymous, user: user, scope: user?.scope ?? .nothing, ip: clientIP, db: db,
                      now: now, keys: application.keyStore, tables: codeTables)
    }
}
