import Fluent
import Leaf
import Vapor
import WeijianCore

/// What the layout template needs on every page.
struct Layout: Encodable, Sendable {
    struct UserInfo: Encodable, Sendable {
        let name: String
        let username: String
        let roles: String
    }
    let title: String
    let organisation: String
    /// The browser's title: the page's, then the institute's, each once.
    let documentTitle: String
    let user: UserInfo?
    /// The navigation as HTML, drawn in Swift (`Navigation.html`): a template loop over thirty
    /// entries cost more than the rest of the layout.
    let nav: String
    let csrf: String
    /// A one-time token for forms that create a record: a replay of the form answers with the
    /// first result (`ReplayGuard`).
    let once: String
    let flash: String?
    let path: String
    let year: Int
}

struct PageContext<Content: Encodable & Sendable>: Encodable, Sendable {
    let layout: Layout
    let content: Content
}

extension Request {
    /// Renders a page of the staff application or the public site with the common layout.
    func renderPage<Content: Encodable & Sendable>(_ template: String, title: String, content: Content) async throws -> View {
        var flash: String?
        if let session = sessionState?.session, let message = session.flash {
            flash = message
            session.flash = nil
            try await session.save(on: db)
        }
        let user = auth.get(CurrentUser.self)
        let layout = Layout(title: title, organisation: settings.organisationName,
                            documentTitle: title == settings.organisationName || title.isEmpty ? settings.organisationName : "\(title) - \(settings.organisationName)",
                            user: user.map { .init(name: $0.displayName, username: $0.username, roles: $0.rolesText == $0.displayName ? "" : $0.rolesText) },
                            nav: Navigation.html(for: user, path: url.path), csrf: csrfToken, once: ReplayGuard.newToken(), flash: flash, path: url.path,
                            year: application.clock.today.year)
        return try await view.render(template, PageContext(layout: layout, content: content))
    }

    /// Keeps a one-time message for the next page, then redirects.
    func redirect(to path: String, flash: String) async throws -> Response {
        if let session = sessionState?.session {
            session.flash = flash
            try await session.save(on: db)
        }
        return redirect(to: path)
    }

    /// The signed-in user; routes behind `Access.signedIn` or a permission always have one.
    var currentUser: CurrentUser {
        get throws {
            guard let user = auth.get(CurrentUser.self) else { throw Abort(.unauthorized, reason: "需要登录") }
            return user
        }
    }
}

/// The staff application's navigation, grouped by the regulation's chapters; a user sees only the
/// entries their permissions open.
enum Navigation {
    struct Item: Encodable, Sendable {
        let title: String
        let href: String
    }

    struct Section: Encodable, Sendable {
        let title: String
        let items: [Item]
    }

    static func sections(for user: CurrentUser?) -> [Section] {
        guard let user else { return [] }
        let all: [(String, [(String, String, Permission?)])] = [
            ("工作台", [("待办与提醒", "/app", nil)]),
            ("单位门户", [("本单位", "/portal", .portalSubmit)]),
            ("三、信息收集", [
                ("被监督单位", "/app/entities", .entitiesRead),
                ("我的单位", "/app/entities/mine", .entitiesRead),
                ("登记单位", "/app/entities/new", .entitiesEdit),
                ("卫生许可到期", "/app/licences", .entitiesRead),
                ("单位报送审核", "/app/submissions", .submissionsReview),
                ("监督检查", "/app/inspections", .entitiesRead),
                ("待复查", "/app/inspections/follow-ups", .entitiesRead),
                ("双随机抽查", "/app/random-checks", .entitiesRead),
                ("风险排序", "/app/inspections/risk", .entitiesRead),
                ("逾期未检", "/app/inspections/overdue", .entitiesRead),
                ("执法文书", "/app/documents", .entitiesRead),
                ("行政处罚案件", "/app/cases", .casesHandle),
                ("人员信息", "/app/staff", .staffDirectoryRead),
            ]),
            ("四、信息处理", [
                ("数据清洗", "/app/quality", .dataQuality),
                ("批量导入", "/app/import", .dataImport),
                ("专业类别", "/app/categories", .categoriesManage),
                ("饮用水指标限值", "/app/water-limits", .categoriesManage),
                ("检查表", "/app/checklists", .checklistsManage),
                ("单位门户账号", "/app/portal-accounts", .portalAccounts),
                ("移交监管单位", "/app/entities/handover", .entitiesAssign),
            ]),
            ("七、信息安全与保密", [
                ("角色与数据范围", "/app/security/users", .rolesGrant),
                ("安全策略", "/app/security/policy", .securityPolicy),
                ("密钥管理", "/app/security/keys", .keysManage),
                ("审计日志", "/app/audit", .auditRead),
            ]),
            ("九、信息系统管理", [
                ("用户账号", "/app/admin/users", .usersManage),
                ("科室", "/app/admin/departments", .departmentsManage),
                ("账号清理审核", "/app/admin/account-review", .usersManage),
                ("节假日与工作日", "/app/admin/calendar", .calendarManage),
                ("运行与故障日志", "/app/admin/system-log", .systemLogRead),
                ("系统设置", "/app/admin/settings", .settingsManage),
                ("文书与检查设置", "/app/admin/documents", .settingsManage),
            ]),
            ("工具", [("期限计算", "/app/calendar", .calendarRead)]),
            ("个人", [("我的账号", "/app/account", nil)]),
        ]
        return all.compactMap { title, entries in
            let items = entries.filter { $0.2.map(user.can) ?? true }.map { Item(title: $0.0, href: $0.1) }
            return items.isEmpty ? nil : Section(title: title, items: items)
        }
    }

    /// The side navigation's HTML for a user, the current page marked; empty when signed out.
    static func html(for user: CurrentUser?, path: String) -> String {
        let sections = sections(for: user)
        guard !sections.isEmpty else { return "" }
        var html = "<nav class=\"side\" aria-label=\"主导航\">\n"
        for section in sections {
            html += "<div class=\"section\"><div class=\"section-title\">\(HTMLText.escape(section.title))</div>\n<ul>"
            for item in section.items {
                let current = item.href == path ? " aria-current=\"page\"" : ""
                html += "<li><a href=\"\(HTMLText.escape(item.href))\"\(current)>\(HTMLText.escape(item.title))</a></li>"
            }
            html += "</ul>\n</div>\n"
        }
        return html + "</nav>"
    }
}

/// HTML escaping for the few fragments drawn in Swift rather than in a template.
enum HTMLText {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&")
            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
