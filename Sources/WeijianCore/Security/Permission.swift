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
    // supervised units and licences (被监督单位与卫生许可)
    case entitiesRead = "entities.read"
    case entitiesEdit = "entities.edit"
    case entitiesAssign = "entities.assign"
    case categoriesManage = "categories.manage"
    case licencesManage = "licences.manage"
    case dataQuality = "dataquality.manage"
    case dataImport = "data.import"
    case dataExport = "data.export"
    case portalAccounts = "portal.accounts"
    case submissionsReview = "submissions.review"
    // inspections and enforcement documents (监督检查与执法文书)
    case inspectionsRecord = "inspections.record"
    case checklistsManage = "checklists.manage"
    case documentsVoid = "documents.void"
    case randomChecksManage = "randomchecks.manage"
    // penalty cases (行政处罚)
    case casesHandle = "cases.handle"
    // the units' portal (被监督单位用户)
    case portalSubmit = "portal.submit"

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
        case .entitiesRead: "查看被监督单位"
        case .entitiesEdit: "登记和修改被监督单位"
        case .entitiesAssign: "分配与移交监管单位"
        case .categoriesManage: "维护专业类别与标准限值"
        case .licencesManage: "办理卫生许可与备案"
        case .dataQuality: "数据清洗"
        case .dataImport: "批量导入"
        case .dataExport: "导出数据"
        case .portalAccounts: "管理单位门户账号"
        case .submissionsReview: "审核单位报送"
        case .inspectionsRecord: "现场检查与签发文书"
        case .checklistsManage: "维护检查表"
        case .documentsVoid: "作废执法文书"
        case .randomChecksManage: "制定双随机计划与抽取"
        case .casesHandle: "办理行政处罚案件"
        case .portalSubmit: "单位在线报送"
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
        case .leader: [.staffDirectoryRead, .personalDataReveal, .calendarRead, .entitiesRead, .dataExport, .documentsVoid, .casesHandle]
        case .departmentHead: [.staffDirectoryRead, .personalDataReveal, .calendarRead, .entitiesRead, .entitiesEdit, .entitiesAssign,
                               .licencesManage, .submissionsReview, .dataExport, .inspectionsRecord, .documentsVoid, .randomChecksManage, .casesHandle]
        case .infoOfficer: [.staffDirectoryRead, .personalDataReveal, .calendarRead, .entitiesRead, .entitiesEdit, .entitiesAssign,
                            .categoriesManage, .licencesManage, .dataQuality, .dataImport, .dataExport, .portalAccounts, .submissionsReview,
                            .checklistsManage, .randomChecksManage]
        case .inspector: [.staffDirectoryRead, .calendarRead, .entitiesRead, .entitiesEdit, .licencesManage, .submissionsReview, .inspectionsRecord, .casesHandle]
        case .archivist, .intakeClerk: [.staffDirectoryRead, .calendarRead, .entitiesRead]
        case .entityUser: [.portalSubmit]
        }
    }
}
