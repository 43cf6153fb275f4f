import Vapor
import WeijianCore

/// The system administrator's settings page (系统设置).
enum SiteSettingsController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "settings", access: .permission(.settingsManage), use: show)
        web.endpoint(.POST, "app", "admin", "settings", access: .permission(.settingsManage), use: save)
    }

    struct Page: Encodable, Sendable {
        let publicURL: String
        var errors: [String] = []
    }

    struct Form: Content { var publicURL: String? }

    @Sendable static func show(req: Request) async throws -> View {
        try await req.renderPage("admin/settings", title: "系统设置", content: Page(publicURL: try await SiteSettings.load(on: req.db).publicURL ?? ""))
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.form("admin/settings", title: "系统设置") {
            try await SiteSettings.validated(publicURL: form.publicURL).save(by: try req.caller)
            return try await req.redirect(to: "/app/admin/settings", flash: "系统设置已保存")
        } invalid: { errors in
            Page(publicURL: form.publicURL ?? "", errors: errors.map(\.description))
        }
    }
}
