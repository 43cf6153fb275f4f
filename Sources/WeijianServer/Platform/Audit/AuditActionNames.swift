/// Chinese names of audit actions, for the auditor's screens. The stored action stays the stable
/// code; an action without a name here is shown as its code.
enum AuditActionNames {
    static let names: [String: String] = [
        "login.success": "登录成功", "login.failed": "登录失败", "login.refused": "拒绝登录",
        "login.secondFactorFailed": "动态验证码错误", "logout": "退出登录", "session.timeout": "会话超时",
        "account.locked": "账号锁定", "user.create": "新建账号", "user.disable": "停用账号", "user.enable": "启用账号",
        "user.resetPassword": "重置密码", "user.passwordChanged": "修改密码", "user.totpEnrolled": "绑定动态验证码",
        "grants.set": "授予角色与数据范围", "department.create": "新增科室", "department.disable": "停用科室",
        "department.enable": "启用科室", "settings.security": "修改安全策略", "keys.rotate": "轮换密钥",
        "token.issue": "签发接口令牌", "token.revoke": "撤销接口令牌", "personal.reveal": "查看个人信息明文",
        "access.denied": "越权访问被拒绝", "csrf.rejected": "表单校验失败（CSRF）", "audit.read": "检索审计日志",
        "audit.verify": "校验审计日志", "calendar.set": "录入节假日", "calendar.remove": "删除节假日",
        "calendar.confirmYear": "确认年度节假日", "calendar.unconfirmYear": "撤销年度节假日确认",
        "numbering.void": "作废编号",
    ]

    static func chinese(_ action: String) -> String { names[action] ?? action }
}
