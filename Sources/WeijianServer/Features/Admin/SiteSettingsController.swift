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
        let jurisdiction: String
        /// The jurisdiction's name (福建省福州市), or empty.
        let jurisdictionName: String
        let codes: CodeLists
        var errors: [String] = []

        init(publicURL: String, jurisdiction: String, tables: CodeTables, errors: [String] = []) {
            self.publicURL = publicURL
            self.jurisdiction = jurisdiction
            jurisdictionName = tables.divisions.path(jurisdiction)
            // Every division is offered here: the jurisdiction is what narrows the other forms.
            codes = CodeLists.make(tables, jurisdiction: nil, economicType: nil)
            self.errors = errors
        }
    }

    struct Form: Content { var publicURL: String?; var jurisdiction: String? }

    @Sendable static func show(req: Request) async throws -> View {
        let settings = try await SiteSettings.load(on: req.db)
        return try await req.renderPage("admin/settings", title: "系统设置",
                                        content: Page(publicURL: settings.publicURL ?? "", jurisdiction: settings.jurisdiction ?? "", tables: req.codeTables))
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.form("admin/settings", title: "系统设置") {
            try await SiteSettings.validated(publicURL: form.publicURL, jurisdiction: form.jurisdiction, tables: req.codeTables).save(by: try req.caller)
            return try await req.redirect(to: "/app/admin/settings", flash: "系统设置已保存")
        } invalid: { errors in
            Page(publicURL: form.publicURL ?? "", jurisdiction: form.jurisdiction ?? "", tables: req.codeTables, errors: errors.map(\.description))
        }
    }
}
