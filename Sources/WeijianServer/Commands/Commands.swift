import Fluent
import Foundation
import Vapor
import WeijianCore

/// `weijian migrate`: applies pending migrations without asking.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "创建或升级数据库结构" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        await SystemLog.write(.info, category: "migration", "数据库结构已升级（weijian migrate）", on: app.db, now: app.clock.now())
        context.console.output(text: "数据库结构已是最新。")
    }
}

/// The operator at the server console, as named in the audit log.
func operatorActor() -> Actor {
    let env = ProcessInfo.processInfo.environment
    return .operator(env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown")
}

struct CommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// `weijian admin …`: account maintenance at the server, audited as the operator's action.
struct AdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create | disable | enable | reset | token | list")
        var action: String
        @Option(name: "username", short: "u", help: "用户名")
        var username: String?
        @Option(name: "name", short: "n", help: "姓名（create）")
        var name: String?
        @Option(name: "role", short: "r", help: "角色代码，可用逗号分隔（create）：\(Role.allCases.map(\.rawValue).joined(separator: ","))")
        var role: String?
        @Option(name: "department", short: "d", help: "科室代码（create）")
        var department: String?
        @Flag(name: "second-factor", help: "reset 时同时清除动态验证码绑定（手机丢失）")
        var secondFactor: Bool
        @Option(name: "days", help: "令牌有效天数（token，默认30）")
        var days: Int?
    }

    var help: String {
        """
        账号维护（操作计入审计日志）：
          weijian admin list
          weijian admin create --username zhangsan --name 张三 [--role inspector] [--department JD]
          weijian admin disable --username zhangsan
          weijian admin enable --username zhangsan
          weijian admin reset --username zhangsan [--second-factor]
          weijian admin token --username zhangsan --name 报表脚本 [--days 30]   （签发接口访问令牌，只显示一次）
        """
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        let actor = operatorActor()
        let now = app.clock.now()
        func requireUsername() throws -> String {
            guard let name = signature.username, !name.isEmpty else { throw CommandError(message: "缺少 --username。\n\n\(help)") }
            return name
        }
        switch signature.action {
        case "list":
            for row in try await UserQueries.list(search: nil, pageSize: 1_000_000, now: now, on: app.db).rows {
                context.console.output(text: "\(row.username)\t\(row.displayName)\t\(row.department)\t\(row.roles)\t\(row.status)\(row.locked ? "（锁定）" : "")\t\(row.lastLogin)")
            }
        case "create":
            var input = UserQueries.NewUser(username: try requireUsername(), displayName: signature.name ?? "")
            if let roles = signature.role {
                for raw in roles.split(separator: ",").map(String.init) {
                    guard let role = Role(rawValue: raw) else { throw CommandError(message: "未知角色“\(raw)”。可用：\(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
                    input.roles.insert(role)
                }
            }
            if let code = signature.department {
                guard let department = try await Department.query(on: app.db).filter(\.$code == code.uppercased()).first() else {
                    throw CommandError(message: "科室代码“\(code)”不存在")
                }
                input.departmentID = department.id
            }
            if input.roles.contains(.entityUser) { input.kind = .portal }
            let (user, password) = try await UserQueries.create(input, by: .system(app, actor: actor), app: app)
            context.console.output(text: "已创建账号 \(user.username)（\(user.displayName)），一次性密码：\(password)")
        case "disable", "enable":
            let user = try await UserQueries.find(try requireUsername(), on: app.db)
            try await UserQueries.setActive(signature.action == "enable", user: user, by: .system(app, actor: actor))
            context.console.output(text: "账号 \(user.username) 已\(signature.action == "enable" ? "启用" : "停用")")
        case "reset":
            let user = try await UserQueries.find(try requireUsername(), on: app.db)
            let password = try await UserQueries.resetPassword(user: user, resetSecondFactor: signature.secondFactor, by: .system(app, actor: actor), app: app)
            context.console.output(text: "账号 \(user.username) 已重置并解锁，一次性密码：\(password)")
        case "token":
            let user = try await UserQueries.find(try requireUsername(), on: app.db)
            guard user.status == .active else { throw CommandError(message: "账号 \(user.username) 已停用，不能签发令牌") }
            let (_, secret) = try await AccountController.issue(.init(name: signature.name ?? "服务器签发", validDays: signature.days ?? 30),
                                                               userID: try user.requireID(), by: .system(app, actor: actor))
            context.console.output(text: secret)
        default:
            throw CommandError(message: "未知操作“\(signature.action)”。\n\n\(help)")
        }
    }
}

/// `weijian audit-verify`: exit 0 on an intact log, non-zero naming the first bad event.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "校验审计日志的哈希链与签名检查点" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
        try? await Caller.system(app).audit(.auditVerify, outcome: result.isIntact ? .success : .failure,
                                            details: ["events": String(result.eventsChecked), "problems": String(result.problems.count)])
        for warning in result.warnings { context.console.output(text: "注意：" + warning) }
        if result.isIntact {
            context.console.output(text: "审计日志完整：共校验\(result.eventsChecked)条事件，已签名封存至第\(result.lastSealedSequence)号，其后未封存\(result.unsealedCount)条。")
            return
        }
        for problem in result.problems { context.console.error(problem.chinese) }
        let first = result.problems.map(\.sequence).min() ?? 0
        throw CommandError(message: "审计日志校验失败：首个异常事件为第\(first)号（共\(result.problems.count)处问题）")
    }
}

/// `weijian keys rotate|list`: new keys, everything re-encrypted and re-indexed.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate | list")
        var action: String
    }
    var help: String { "密钥管理：weijian keys list | weijian keys rotate（生成新密钥，重新加密全部加密字段并重算盲索引）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "list":
            for key in app.keyStore.summary { context.console.output(text: "\(key.kind)\t\(key.id)\t\(Format.dateTime(key.createdAt))\(key.active ? "\t（当前）" : "")") }
        case "rotate":
            try await Migrations.run(on: app)
            // Seal what was signed with the old audit key first.
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
            let (dataKey, indexKey) = try app.keyStore.rotate(now: app.clock.now())
            let count = try await KeyRotation.reencryptAll(on: app.db, crypto: app.keyStore.fieldCrypto)
            try await Caller.system(app).audit(.keysRotate, details: ["dataKey": dataKey, "indexKey": indexKey, "fields": String(count)])
            await SystemLog.write(.info, category: "keys", "密钥已轮换：新数据密钥 \(dataKey)，重新加密 \(count) 个字段", on: app.db, now: app.clock.now())
            context.console.output(text: "密钥已轮换：数据密钥 \(dataKey)，盲索引密钥 \(indexKey)；已重新加密\(count)个字段。请立即备份密钥目录 \(app.keyStore.directory)。")
        default:
            throw CommandError(message: "未知操作“\(signature.action)”。\(help)")
        }
    }
}
