import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Account administration (regulation 九(二)): the system administrator creates, disables,
/// re-enables and resets accounts; the same functions serve the web UI, the API and `weijian admin`.
enum UserQueries {
    struct NewUser: Sendable {
        var username: String
        var displayName: String
        var kind: User.Kind = .staff
        var departmentID: UUID?
        var profile = StaffQueries.ProfileInput()
        /// The unit a portal account belongs to, linked in the transaction that creates the account.
        var entityID: UUID?
        /// Only the operator's command and the first start grant roles at creation; in the UI the
        /// security administrator grants them.
        var roles: Set<Role> = []
    }

    static let usernamePattern = "小写字母开头，3–32位小写字母、数字、点、下划线或连字符"

    static func validate(_ input: NewUser, on db: any Database) async throws {
        var errors = ValidationCollector()
        let name = input.username.trimmed.lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        if name.isEmpty {
            errors.add(ValidationError(field: "用户名", code: "required", message: "必填，不能为空"))
        } else if !(3...32).contains(name.count) || !name.allSatisfy(allowed.contains) || !(name.first?.isLetter ?? false) {
            errors.add(ValidationError(field: "用户名", code: "username.format", message: "格式不符：\(usernamePattern)"))
        } else if try await User.query(on: db).filter(\.$username == name).first() != nil {
            errors.add(ValidationError(field: "用户名", code: "username.taken", message: "“\(name)”已被使用"))
        }
        let display = input.displayName.trimmed
        if display.isEmpty {
            errors.add(ValidationError(field: "姓名", code: "required", message: "必填，不能为空"))
        } else if display.count > 40 {
            errors.add(ValidationError(field: "姓名", code: "length", message: "不能超过40个字符"))
        }
        if let department = input.departmentID {
            if let found = try await Department.find(department, on: db) {
                if !found.active { errors.add(ValidationError(field: "所属科室", code: "department.disabled", message: "所选科室“\(found.name)”已停用")) }
            } else {
                errors.add(ValidationError(field: "所属科室", code: "department.unknown", message: "所选科室不存在"))
            }
        }
        errors.run { try Role.checkSeparation(input.roles) }
        errors.run { _ = try StaffQueries.validate(input.profile) }
        try errors.check()
    }

    /// Creates an account with a one-time password, returned once to the caller.
    static func create(_ input: NewUser, by caller: Caller, app: Application) async throws -> (User, String) {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await validate(input, on: db)
        let password = Passwords.oneTime()
        let hash = try await Passwords.hash(password, app: app)
        let crypto = app.keyStore.fieldCrypto
        let user = User(username: input.username.trimmed.lowercased(), displayName: input.displayName.trimmed, kind: input.kind,
                        departmentID: input.departmentID, passwordHash: hash, now: now)
        user.oneTimePasswordExpiresAt = try await oneTimePasswordExpiry(on: db, now: now)
        user.entityID = input.kind == .portal ? input.entityID : nil
        try await db.writeTransaction { tx in
            try await user.create(on: tx)
            let id = try user.requireID()
            for role in input.roles { try await RoleGrant(userID: id, role: role, grantedBy: actor.name, at: now).create(on: tx) }
            if input.kind == .staff {
                try await StaffQueries.save(input.profile, userID: id, crypto: crypto, on: tx)
                try await StaffQueries.reindex(userID: id, on: tx)
            }
            try await caller.audit(.userCreate, target: ("user", id.uuidString),
                                      details: ["username": user.username, "roles": input.roles.map(\.rawValue).sorted().joined(separator: ",")],
                                      on: tx)
        }
        return (user, password)
    }

    /// What the system administrator may change on an account: the name, the department (moving a
    /// person), and the staff profile (e.g. renewing an enforcement certificate).
    struct Edit: Sendable {
        var displayName: String
        var departmentID: UUID?
        var profile = StaffQueries.ProfileInput()
    }

    /// Applies an edit; the audit event names every changed field with its old and new value
    /// (personal data masked), in the transaction that saves it.
    @discardableResult
    static func update(_ user: User, with edit: Edit, by caller: Caller) async throws -> [EntityQueries.Change] {
        var errors = ValidationCollector()
        let name = errors.text(edit.displayName, field: "姓名", max: 40, required: true)
        var department: Department?
        if let id = edit.departmentID {
            department = try await Department.find(id, on: caller.db)
            if department == nil { errors.add(ValidationError(field: "所属科室", code: "department.unknown", message: "所选科室不存在")) }
            else if department?.active == false && id != user.$department.id {
                errors.add(ValidationError(field: "所属科室", code: "department.disabled", message: "所选科室“\(department!.name)”已停用"))
            }
        }
        if user.kind == .staff { errors.run { _ = try StaffQueries.validate(edit.profile) } }
        try errors.check()
        let userID = try user.requireID()
        let departmentNames = try await DepartmentQueries.names(on: caller.db)
        @Sendable func facts(on db: any Database) async throws -> [(String, String)] {
            let base = [("姓名", user.displayName), ("所属科室", user.$department.id.flatMap { departmentNames[$0] } ?? "")]
            return user.kind == .staff ? base + (try await StaffQueries.snapshot(userID: userID, crypto: caller.crypto, on: db)) : base
        }
        let before = try await facts(on: caller.db)
        return try await caller.db.writeTransaction { tx in
            user.displayName = name ?? user.displayName
            user.$department.id = edit.departmentID
            try await user.save(on: tx)
            if user.kind == .staff {
                try await StaffQueries.save(edit.profile, userID: userID, crypto: caller.crypto, on: tx)
                try await StaffQueries.reindex(userID: userID, on: tx)
            }
            let after = try await facts(on: tx)
            let changes = zip(before, after).filter { $0.1 != $1.1 }.map { EntityQueries.Change(field: $0.0, from: $0.1, to: $1.1) }
            try await caller.audit(.userUpdate, target: ("user", userID.uuidString),
                                   details: ["username": user.username, "changes": changes.map { "\($0.field)：\($0.from.isEmpty ? "（空）" : $0.from) → \($0.to.isEmpty ? "（空）" : $0.to)" }.joined(separator: "；")],
                                   on: tx)
            return changes
        }
    }

    /// A one-time password opens the account for the period the security policy sets (default 72 hours).
    static func oneTimePasswordExpiry(on db: any Database, now: Date) async throws -> Date {
        now.addingTimeInterval(Double(try await SecuritySettings.load(on: db).oneTimePasswordHours) * 3600)
    }

    static func find(_ idOrName: String, on db: any Database) async throws -> User {
        let user: User?
        if let id = UUID(uuidString: idOrName) { user = try await User.find(id, on: db) } else {
            user = try await User.query(on: db).filter(\.$username == idOrName.lowercased()).first()
        }
        guard let user else { throw Abort(.notFound, reason: "账号“\(idOrName)”不存在") }
        return user
    }

    /// 三权分立: the system administrator may not reset or disable the security administrator or the
    /// auditor — that would let one administrator take over another's duty. Only the operator at
    /// the server (`weijian admin`) may, and that is audited as the operator's action.
    static func checkNotOtherAdministrator(_ user: User, actor: Actor, on db: any Database) async throws {
        guard actor.id != "operator" else { return }
        let roles = try await roles(of: try user.requireID(), on: db)
        if let role = roles.first(where: { $0 == .securityAdmin || $0 == .auditor }) {
            throw ValidationError(field: "账号", code: "user.separatedAdministrator",
                                  message: "三权分立：\(role.chinese)账号不能由系统管理员重置或停用，须在服务器上执行 weijian admin 命令")
        }
    }

    /// Disables or re-enables an account. Disabling ends its sessions at once.
    static func setActive(_ active: Bool, user: User, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await checkNotOtherAdministrator(user, actor: actor, on: db)
        if !active, try await isLastHolderOfSeparatedRole(user, on: db) {
            throw ValidationError(field: "账号", code: "user.lastAdministrator", message: "这是该管理员角色的最后一个启用账号，不能停用")
        }
        user.status = active ? .active : .disabled
        user.disabledAt = active ? nil : now
        if active { user.failedAttempts = 0; user.lockedUntil = nil }
        try await db.writeTransaction { tx in
            try await user.save(on: tx)
            if !active { try await Sessions.endAll(userID: try user.requireID(), on: tx) }
            try await caller.audit(active ? .userEnable : .userDisable, target: ("user", try user.requireID().uuidString),
                                      details: ["username": user.username], on: tx)
        }
    }

    /// Issues a new one-time password, unlocks the account and ends its sessions. The second
    /// factor is kept unless `resetSecondFactor` (a lost phone).
    static func resetPassword(user: User, resetSecondFactor: Bool, by caller: Caller, app: Application) async throws -> String {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await checkNotOtherAdministrator(user, actor: actor, on: db)
        let password = Passwords.oneTime()
        user.passwordHash = try await Passwords.hash(password, app: app)
        user.mustChangePassword = true
        user.oneTimePasswordExpiresAt = try await oneTimePasswordExpiry(on: db, now: now)
        user.passwordChangedAt = now
        user.failedAttempts = 0
        user.lockedUntil = nil
        if resetSecondFactor {
            user.totpEnabled = false
            user.totpSecretCipher = nil
            user.totpLastStep = nil
        }
        try await db.writeTransaction { tx in
            try await user.save(on: tx)
            try await Sessions.endAll(userID: try user.requireID(), on: tx)
            // Whoever had this account's credentials loses its tokens too.
            try await APIToken.query(on: tx).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            try await caller.audit(.userResetPassword, target: ("user", try user.requireID().uuidString),
                                      details: ["username": user.username, "secondFactorReset": String(resetSecondFactor)], on: tx)
        }
        return password
    }

    static func roles(of userID: UUID, on db: any Database) async throws -> Set<Role> {
        Set(try await RoleGrant.query(on: db).filter(\.$user.$id == userID).all().compactMap { Role(rawValue: $0.role) })
    }

    /// Active accounts holding a role.
    static func holders(of role: Role, on db: any Database) async throws -> [UUID] {
        try await RoleGrant.query(on: db).filter(\.$role == role.rawValue).join(User.self, on: \RoleGrant.$user.$id == \User.$id)
            .filter(User.self, \.$status == .active).all().map { $0.$user.id }
    }

    struct Supervisor: Sendable {
        let id: UUID
        let username: String
        let displayName: String
        let department: String
        let active: Bool
    }

    /// Staff who supervise units (inspectors and department heads) in departments of the scope, and
    /// hold none of the three administrators' roles: the people units may be assigned to.
    static func supervisors(in scope: DataScope, activeOnly: Bool, on db: any Database) async throws -> [Supervisor] {
        let supervising = [Role.inspector, .departmentHead].map(\.rawValue)
        let excluded = Role.allCases.filter(\.isSeparatedAdministrator).map(\.rawValue)
        var query = db.sql.select().column(SQLColumn("id", table: "u")).column(SQLColumn("username", table: "u"))
            .column(SQLColumn("display_name", table: "u")).column(SQLColumn("status", table: "u"))
            .column(SQLColumn("name", table: "d"), as: "department")
            .from(SQLAlias(SQLIdentifier(User.schema), as: SQLIdentifier("u")))
            .join(SQLAlias(SQLIdentifier(Department.schema), as: SQLIdentifier("d")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "d"), .equal, SQLColumn("department_id", table: "u"))
            .where(SQLColumn("kind", table: "u"), .equal, SQLBind(User.Kind.staff.rawValue))
            .where(SQLColumn("id", table: "u"), .in, SQLSubquery.select { $0.column("user_id").from(RoleGrant.schema).where("role", .in, SQLBind.group(supervising)) })
            .where(SQLColumn("id", table: "u"), .notIn, SQLSubquery.select { $0.column("user_id").from(RoleGrant.schema).where("role", .in, SQLBind.group(excluded)) })
        if activeOnly { query = query.where(SQLColumn("status", table: "u"), .equal, SQLBind(User.Status.active.rawValue)) }
        query = scope.apply(to: query, department: "u.department_id")
        return try await query.orderBy(SQLColumn("username", table: "u")).all().map { row in
            Supervisor(id: try row.decode(column: "id", as: UUID.self), username: try row.decode(column: "username", as: String.self),
                       displayName: try row.decode(column: "display_name", as: String.self),
                       department: try row.decode(column: "department", as: String?.self) ?? "",
                       active: try row.decode(column: "status", as: String.self) == User.Status.active.rawValue)
        }
    }

    static func isLastHolderOfSeparatedRole(_ user: User, on db: any Database) async throws -> Bool {
        let id = try user.requireID()
        for role in try await roles(of: id, on: db) where role.isSeparatedAdministrator {
            if try await holders(of: role, on: db).filter({ $0 != id }).isEmpty { return true }
        }
        return false
    }

    struct ListRow: Content {
        let id: String
        let username: String
        let displayName: String
        let kind: String
        let department: String
        let roles: String
        let status: String
        let active: Bool
        let locked: Bool
        let lastLogin: String
        let totp: Bool
    }

    static let pageSize = 50

    /// Accounts by username, one page at a time with the total.
    static func list(search: String?, page: Int = 1, pageSize: Int = pageSize, now: Date, on db: any Database) async throws -> Paged<ListRow> {
        var query = User.query(on: db).with(\.$department).sort(\.$username)
        // LIKE wildcards typed by the user are taken literally (dropped), not as "match anything".
        if let search = search?.trimmed.filter({ $0 != "%" && $0 != "_" && $0 != "\\" }), !search.isEmpty {
            query = query.group(.or) { $0.filter(\.$username ~~ search.lowercased()).filter(\.$displayName ~~ search) }
        }
        return try await Paged.read(query, page: page, pageSize: pageSize) { users in
            let grants = try await RoleGrant.query(on: db).filter(\.$user.$id ~~ users.compactMap(\.id)).all()
            return users.map { user in row(user, roles: grants.filter { $0.$user.id == user.id }.compactMap { Role(rawValue: $0.role) }, now: now) }
        }
    }

    static func row(_ user: User, roles: [Role], now: Date) -> ListRow {
        ListRow(id: user.id?.uuidString ?? "", username: user.username, displayName: user.displayName,
                kind: user.kind == .staff ? "本所人员" : "单位用户", department: user.$department.value??.name ?? "—",
                roles: roles.isEmpty ? "（未授权）" : roles.sorted().map(\.chinese).joined(separator: "、"),
                status: user.status == .active ? "启用" : "停用", active: user.status == .active,
                locked: (user.lockedUntil ?? .distantPast) > now,
                lastLogin: user.lastLoginAt.map(Format.dateTime) ?? "从未登录", totp: user.totpEnabled)
    }

    /// One account's row (after an edit).
    static func row(_ user: User, on db: any Database, now: Date) async throws -> ListRow {
        try await user.$department.load(on: db)
        return row(user, roles: Array(try await roles(of: try user.requireID(), on: db)), now: now)
    }
}
