/// An action a route may require. Each route declares one; roles grant sets of them.
public enum Permission: String, Sendable, Codable, CaseIterable {
    // system administration (系统管理员)
    case usersManage = "users.manage"
    case departmentsManage = "departments.manage"
    case calendarManage = "calendar.manage"
    case systemLogRead = "systemlog.read"
    case settingsManage = "settings.manage"
    // security administration (安全管理员)
    case rolesGrant = "roles.grant"
    case securityPolicy = "security.policy"
    case keysManage = "keys.manage"
    // audit (安全审计员)
    case auditRead = "audit.read"
    case auditVerify = "audit.verify"
    // business
    case staffDirectoryRead = "staff.read"
    case personalDataReveal = "personal.reveal"
    case calendarRead = "calendar.read"

    public var chinese: String {
        switch self {
        case .usersManage: "管理用户账号"
        case .departmentsManage: "管理科室"
        case .calendarManage: "维护节假日表"
        case .systemLogRead: "查看系统运行日志"
        case .settingsManage: "系统设置"
        case .rolesGrant: "授予角色与数据范围"
        case .securityPolicy: "安全策略"
        case .keysManage: "密钥管理"
        case .auditRead: "查看审计日志"
        case .auditVerify: "校验审计日志"
        case .staffDirectoryRead: "查看人员信息"
        case .personalDataReveal: "查看个人敏感信息明文"
        case .calendarRead: "查看工作日历"
        }
    }
}

extension Role {
    /// What each role may do. The separated administrators see no business data.
    public var permissions: Set<Permission> {
        switch self {
        case .sysadmin: [.usersManage, .departmentsManage, .calendarManage, .calendarRead, .systemLogRead, .settingsManage]
        case .securityAdmin: [.rolesGrant, .securityPolicy, .keysManage]
        case .auditor: [.auditRead, .auditVerify]
        case .leader: [.staffDirectoryRead, .personalDataReveal, .calendarRead]
        case .departmentHead: [.staffDirectoryRead, .personalDataReveal, .calendarRead]
        case .infoOfficer: [.staffDirectoryRead, .personalDataReveal, .calendarRead]
        case .inspector, .archivist, .intakeClerk: [.staffDirectoryRead, .calendarRead]
        case .entityUser: []
        }
    }
}
