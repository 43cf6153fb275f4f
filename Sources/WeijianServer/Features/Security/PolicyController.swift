import Foundation
import Vapor
import WeijianCore

/// The security policy (security administrator) and the key ring status.
enum PolicyController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "app", "security", "policy", access: .permission(.securityPolicy), use: show)
        web.endpoint(.POST, "app", "security", "policy", access: .permission(.securityPolicy), use: save)
        web.endpoint(.GET, "app", "security", "keys", access: .permission(.keysManage), use: keys)
    }

    struct Page: Encodable, Sendable {
        let settings: SecuritySettings
        var errors: [String] = []
    }

    @Sendable static func show(req: Request) async throws -> View {
        try await req.renderPage("security/policy", title: "安全策略", content: Page(settings: try await req.securitySettings()))
    }

    struct Form: Content {
        var totpRequiredForStaff: String?
        var lockoutThreshold: String?
        var lockoutMinutes: String?
        var idleTimeoutMinutes: String?
        var passwordMinimumLength: String?
        var passwordMaximumAgeDays: String?
        var accountReviewUnusedDays: String?
        var oneTimePasswordHours: String?
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let before = try await req.securitySettings()
        var settings = before
        var errors = ValidationCollector()
        func number(_ text: String?, _ field: String, _ keyPath: WritableKeyPath<SecuritySettings, Int>) {
            guard let value = text.flatMap({ Int($0.trimmed) }) else {
                errors.add(ValidationError(field: field, code: "integer", message: "应为整数"))
                return
            }
            settings[keyPath: keyPath] = value
        }
        settings.totpRequiredForStaff = form.totpRequiredForStaff == "on"
        number(form.lockoutThreshold, "连续失败锁定次数", \.lockoutThreshold)
        number(form.lockoutMinutes, "锁定时长（分钟）", \.lockoutMinutes)
        number(form.idleTimeoutMinutes, "空闲超时（分钟）", \.idleTimeoutMinutes)
        number(form.passwordMinimumLength, "密码最小长度", \.passwordMinimumLength)
        number(form.passwordMaximumAgeDays, "密码有效期（天）", \.passwordMaximumAgeDays)
        number(form.accountReviewUnusedDays, "长期未用账号天数", \.accountReviewUnusedDays)
        number(form.oneTimePasswordHours, "一次性密码有效期（小时）", \.oneTimePasswordHours)
        errors.run { try settings.validate() }
        if !errors.errors.isEmpty {
            return try await req.renderPage("security/policy", title: "安全策略", content: Page(settings: settings, errors: errors.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let actor = Actor(try req.currentUser)
        let final = settings
        try await req.db.writeTransaction { tx in
            try await final.save(on: tx, by: actor, now: req.now)
            let beforeJSON = String(decoding: try JSONEncoder().encode(before), as: UTF8.self)
            let afterJSON = String(decoding: try JSONEncoder().encode(final), as: UTF8.self)
            try await req.audit(.settingsSecurity, target: ("settings", SecuritySettings.key), details: ["before": beforeJSON, "after": afterJSON], on: tx)
        }
        req.application.settingsCache.clear()
        return try await req.redirect(to: "/app/security/policy", flash: "安全策略已保存")
    }

    struct KeyRow: Encodable, Sendable {
        let kind: String
        let id: String
        let created: String
        let active: Bool
    }

    struct KeysPage: Encodable, Sendable {
        let rows: [KeyRow]
        let directory: String
    }

    @Sendable static func keys(req: Request) async throws -> View {
        let rows = req.application.keyStore.summary.map { KeyRow(kind: $0.kind, id: $0.id, created: Format.dateTime($0.createdAt), active: $0.active) }
        return try await req.renderPage("security/keys", title: "密钥管理", content: KeysPage(rows: rows, directory: req.application.keyStore.directory))
    }
}
