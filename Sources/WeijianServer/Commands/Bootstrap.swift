import Fluent
import Foundation
import Vapor
import WeijianCore

/// First start: the three separated administrator accounts, each with its own one-time password
/// printed once to the console (never to the log).
enum Bootstrap {
    struct Created {
        let role: Role
        let username: String
        let password: String
    }

    static let accounts: [(Role, String, String)] = [
        (.sysadmin, "sysadmin", "系统管理员"),
        (.securityAdmin, "secadmin", "安全管理员"),
        (.auditor, "auditor", "安全审计员"),
    ]

    @discardableResult
    static func createAdministratorsIfNeeded(_ app: Application, console: (any Console)? = nil) async throws -> [Created] {
        guard try await User.query(on: app.db).count() == 0 else { return [] }
        var created: [Created] = []
        for (role, username, name) in accounts {
            var input = UserQueries.NewUser(username: username, displayName: name)
            input.roles = [role]
            let (_, password) = try await UserQueries.create(input, by: .system(app, actor: .system), app: app)
            created.append(Created(role: role, username: username, password: password))
        }
        await SystemLog.write(.info, category: "startup", "首次启动：已创建系统管理员、安全管理员、安全审计员账号", on: app.db, now: app.clock.now())
        if let console {
            console.output(text: "")
            console.output("==== 首次启动：已创建三个分立的管理员账号（三权分立） ====".consoleText(.info))
            console.output(text: "一次性密码只显示这一次，不会写入日志。首次登录须修改密码并绑定动态验证码。")
            for account in created {
                console.output(text: "  \(account.role.chinese)  用户名：\(account.username)  一次性密码：\(account.password)")
            }
            console.output(text: "==========================================================")
            console.output(text: "")
        }
        return created
    }
}
