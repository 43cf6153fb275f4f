import WeijianCore

/// Every kind of audit event, with its Chinese name for the auditor's screens (issue 11: the log
/// showed licence.issue and entity.create). The raw value is what is stored and chained; a new
/// action cannot be recorded without a name, because `audit` takes only these.
public enum AuditAction: String, CaseIterable, Sendable {
    // Sign-in and sessions
    case loginSuccess = "login.success", loginFailed = "login.failed", loginRefused = "login.refused"
    case loginSecondFactorFailed = "login.secondFactorFailed", logout, sessionTimeout = "session.timeout", accountLocked = "account.locked"
    // Accounts, roles, departments, settings
    case userCreate = "user.create", userUpdate = "user.update", userDisable = "user.disable", userEnable = "user.enable"
    case userResetPassword = "user.resetPassword", userPasswordChanged = "user.passwordChanged", userTotpEnrolled = "user.totpEnrolled"
    case grantsSet = "grants.set"
    case departmentCreate = "department.create", departmentUpdate = "department.update"
    case departmentDisable = "department.disable", departmentEnable = "department.enable"
    case settingsSecurity = "settings.security", settingsSite = "settings.site", keysRotate = "keys.rotate"
    case tokenIssue = "token.issue", tokenRevoke = "token.revoke"
    case calendarSet = "calendar.set", calendarRemove = "calendar.remove"
    case calendarConfirmYear = "calendar.confirmYear", calendarUnconfirmYear = "calendar.unconfirmYear"
    case numberingVoid = "numbering.void", categorySave = "category.save", waterLimit = "water.limit"
    // Access and the log itself
    case personalReveal = "personal.reveal", accessDenied = "access.denied", accessOutOfScope = "access.outOfScope"
    case csrfRejected = "csrf.rejected", auditRead = "audit.read", auditVerify = "audit.verify"
    case dataExport = "data.export", attachmentDownload = "attachment.download"
    // The registry
    case entityCreate = "entity.create", entityUpdate = "entity.update", entityAssign = "entity.assign", entityHandover = "entity.handover"
    case entityMerge = "entity.merge", entityUnmerge = "entity.unmerge", entityPrint = "entity.print"
    case importUnits = "import.units", importLicences = "import.licences"
    case qualityRun = "quality.run", qualityDifferent = "quality.different"
    case licenceIssue = "licence.issue", licenceChange = "licence.change", licenceRenew = "licence.renew", licenceReissue = "licence.reissue"
    case licenceCancel = "licence.cancel", licenceWithdraw = "licence.withdraw", licenceRevoke = "licence.revoke"
    // The portal and review
    case portalCredentials = "portal.credentials", submissionSubmit = "submission.submit", submissionResubmit = "submission.resubmit"
    case submissionApprove = "submission.approve", submissionReturn = "submission.return"
    // Inspections and enforcement documents
    case settingsDocuments = "settings.documents", checklistSave = "checklist.save"
    case inspectionCreate = "inspection.create", inspectionUpdate = "inspection.update", inspectionSubmit = "inspection.submit"
    case randomPlanCreate = "random.plan", randomDraw = "random.draw", randomRecusal = "random.recusal"
    case evidenceAttach = "evidence.attach", documentIssue = "document.issue", documentVoid = "document.void", documentPrint = "document.print"
    // Penalty cases
    case caseCreate = "case.create", caseUpdate = "case.update", caseStep = "case.step", casePayment = "case.payment"

    public var chinese: String {
        switch self {
        case .loginSuccess: "登录成功"
        case .loginFailed: "登录失败"
        case .loginRefused: "拒绝登录"
        case .loginSecondFactorFailed: "动态验证码错误"
        case .logout: "退出登录"
        case .sessionTimeout: "会话超时"
        case .accountLocked: "账号锁定"
        case .userCreate: "新建账号"
        case .userUpdate: "修改账号"
        case .userDisable: "停用账号"
        case .userEnable: "启用账号"
        case .userResetPassword: "重置密码"
        case .userPasswordChanged: "修改密码"
        case .userTotpEnrolled: "绑定动态验证码"
        case .grantsSet: "授予角色与数据范围"
        case .departmentCreate: "新增科室"
        case .departmentUpdate: "修改科室"
        case .departmentDisable: "停用科室"
        case .departmentEnable: "启用科室"
        case .settingsSecurity: "修改安全策略"
        case .settingsSite: "修改系统设置"
        case .keysRotate: "轮换密钥"
        case .tokenIssue: "签发接口令牌"
        case .tokenRevoke: "撤销接口令牌"
        case .calendarSet: "录入节假日"
        case .calendarRemove: "删除节假日"
        case .calendarConfirmYear: "确认年度节假日"
        case .calendarUnconfirmYear: "撤销年度节假日确认"
        case .numberingVoid: "作废编号"
        case .categorySave: "修改专业类别"
        case .waterLimit: "修改水质限值"
        case .personalReveal: "查看个人信息明文"
        case .accessDenied: "越权访问被拒绝"
        case .accessOutOfScope: "超出数据范围被拒绝"
        case .csrfRejected: "表单校验失败（CSRF）"
        case .auditRead: "检索审计日志"
        case .auditVerify: "校验审计日志"
        case .dataExport: "导出数据"
        case .attachmentDownload: "下载附件"
        case .entityCreate: "登记被监督单位"
        case .entityUpdate: "修改被监督单位"
        case .entityAssign: "指派被监督单位"
        case .entityHandover: "移交被监督单位"
        case .entityMerge: "合并重复单位"
        case .entityUnmerge: "撤销合并"
        case .entityPrint: "打印单位档案"
        case .importUnits: "批量导入单位"
        case .importLicences: "批量导入许可证"
        case .qualityRun: "数据质量检查"
        case .qualityDifferent: "确认不是同一单位"
        case .licenceIssue: "发放卫生许可证"
        case .licenceChange: "许可证变更"
        case .licenceRenew: "许可证延续"
        case .licenceReissue: "许可证补办"
        case .licenceCancel: "许可证注销"
        case .licenceWithdraw: "许可证撤回"
        case .licenceRevoke: "许可证撤销"
        case .portalCredentials: "开通或重置单位门户账号"
        case .submissionSubmit: "单位报送"
        case .submissionResubmit: "单位重新报送"
        case .submissionApprove: "审核通过报送"
        case .submissionReturn: "退回报送"
        case .settingsDocuments: "修改文书设置"
        case .checklistSave: "修改检查表"
        case .inspectionCreate: "新建现场检查"
        case .inspectionUpdate: "填写现场检查"
        case .inspectionSubmit: "提交现场检查"
        case .caseCreate: "受理案件"
        case .caseUpdate: "修改案件事实或陈述申辩情况"
        case .caseStep: "办理案件环节"
        case .casePayment: "登记罚款缴纳"
        case .randomPlanCreate: "制定双随机抽查计划"
        case .randomDraw: "双随机抽取"
        case .randomRecusal: "登记回避"
        case .evidenceAttach: "上传执法证据"
        case .documentIssue: "签发执法文书"
        case .documentVoid: "作废执法文书"
        case .documentPrint: "打印执法文书"
        }
    }

    /// A licence event's action.
    public init(licence event: LicenseEvent) {
        switch event {
        case .issue: self = .licenceIssue
        case .change: self = .licenceChange
        case .renew: self = .licenceRenew
        case .reissue: self = .licenceReissue
        case .cancel: self = .licenceCancel
        case .withdraw: self = .licenceWithdraw
        case .revoke: self = .licenceRevoke
        }
    }

    /// The Chinese name of a stored action; an action of an older release is shown as its code.
    public static func chinese(_ stored: String) -> String { AuditAction(rawValue: stored)?.chinese ?? stored }
}
