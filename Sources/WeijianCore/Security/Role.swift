/// The roles of DESIGN.md. A user may hold several, but never two of the three separated
/// administrator roles (三权分立).
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case sysadmin, securityAdmin, auditor
    case leader, departmentHead, inspector, infoOfficer, archivist, intakeClerk
    case entityUser

    public var chinese: String {
        switch self {
        case .sysadmin: "系统管理员"
        case .securityAdmin: "安全管理员"
        case .auditor: "安全审计员"
        case .leader: "所领导"
        case .departmentHead: "科室负责人"
        case .inspector: "监督员"
        case .infoOfficer: "信息管理员"
        case .archivist: "档案管理员"
        case .intakeClerk: "受理员"
        case .entityUser: "被监督单位用户"
        }
    }

    /// The three administrator roles that must stay in separate hands.
    public static let separated: Set<Role> = [.sysadmin, .securityAdmin, .auditor]

    /// Business roles of the institute's staff (what a security administrator grants to staff).
    public static let staff: [Role] = [.leader, .departmentHead, .inspector, .infoOfficer, .archivist, .intakeClerk]

    public var isSeparatedAdministrator: Bool { Self.separated.contains(self) }

    /// Checks a set of roles against the separation rule; throws naming the clash.
    public static func checkSeparation(_ roles: Set<Role>, field: String = "角色") throws {
        let admins = roles.filter(\.isSeparatedAdministrator).sorted()
        if admins.count > 1 {
            throw ValidationError(field: field, code: "roles.separation",
                                  message: "三权分立：\(admins.map(\.chinese).joined(separator: "与"))不能由同一账号兼任")
        }
        if !admins.isEmpty && roles.count > 1 {
            let others = roles.subtracting(admins).sorted().map(\.chinese).joined(separator: "、")
            throw ValidationError(field: field, code: "roles.adminExclusive",
                                  message: "\(admins[0].chinese)账号不能同时担任业务角色（\(others)）")
        }
        if roles.contains(.entityUser) && roles.count > 1 {
            throw ValidationError(field: field, code: "roles.portalExclusive", message: "被监督单位用户不能兼任本所角色")
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
