import Fluent
import Foundation
import Vapor
import WeijianCore

/// The system administrator's account pages and API (regulation 九(二)).
enum UsersController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "users", access: .permission(.usersManage), use: list)
        web.endpoint(.GET, "app", "admin", "users", "new", access: .permission(.usersManage), use: newForm)
        web.endpoint(.POST, "app", "admin", "users", access: .permission(.usersManage), use: create)
        web.endpoint(.GET, "app", "admin", "users", ":userID", access: .permission(.usersManage), use: show)
        web.endpoint(.GET, "app", "admin", "users", ":userID", "edit", access: .permission(.usersManage), use: editForm)
        web.endpoint(.POST, "app", "admin", "users", ":userID", access: .permission(.usersManage), use: update)
        web.endpoint(.POST, "app", "admin", "users", ":userID", "disable", access: .permission(.usersManage), use: disable)
        web.endpoint(.POST, "app", "admin", "users", ":userID", "enable", access: .permission(.usersManage), use: enable)
        web.endpoint(.POST, "app", "admin", "users", ":userID", "reset", access: .permission(.usersManage), use: reset)
        web.endpoint(.GET, "app", "admin", "account-review", access: .permission(.usersManage), use: review)
        web.endpoint(.POST, "app", "admin", "account-review", "disable", access: .permission(.usersManage), use: reviewDisable)
        api.endpoint(.GET, "users", access: .permission(.usersManage),
                     doc: APIDoc("账号列表（每页50个，附总数）", query: [.text("q", "用户名或姓名的一部分", maxLength: 40), .page], response: Paged<UserQueries.ListRow>.self), use: listAPI)
        api.endpoint(.POST, "users", access: .permission(.usersManage),
                     doc: APIDoc("新建账号（返回一次性密码；角色由安全管理员另行授予）", body: UserForm.self, required: ["username", "displayName"],
                                 response: CreatedAPI.self, status: .created), use: createAPI)
        api.endpoint(.PUT, "users", ":userID", access: .permission(.usersManage),
                     doc: APIDoc("修改账号：姓名、所属科室、职务、执法证号与有效期、联系电话与身份证号（留空不变）", body: UserForm.self,
                                 required: ["displayName"], response: UserQueries.ListRow.self), use: updateAPI)
        api.endpoint(.POST, "users", ":userID", "disable", access: .permission(.usersManage), doc: APIDoc("停用账号（立即结束其会话）"), use: disableAPI)
        api.endpoint(.POST, "users", ":userID", "enable", access: .permission(.usersManage), doc: APIDoc("启用账号"), use: enableAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [UserQueries.ListRow]
        let pager: Pager
        let q: String
    }

    @Sendable static func list(req: Request) async throws -> View {
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        let paged = try await UserQueries.list(search: q, page: req.pageNumber, now: req.now, on: req.db)
        return try await req.renderPage("admin/users", title: "用户账号", content: ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/admin/users", query: ["q": q]), q: q))
    }

    struct Option: Encodable, Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct UserForm: Content {
        var username: String?
        var displayName: String?
        var departmentID: String?
        var title: String?
        var certificateNumber: String?
        var certificateExpiry: String?
        var phone: String?
        var idNumber: String?
        var clearPhone: String?
        var clearIDNumber: String?

        var profile: StaffQueries.ProfileInput {
            .init(title: title, certificateNumber: certificateNumber, certificateExpiry: certificateExpiry, phone: phone, idNumber: idNumber,
                  clearPhone: clearPhone == "on" || clearPhone == "true", clearIDNumber: clearIDNumber == "on" || clearIDNumber == "true")
        }
    }

    /// The account form, for a new account or an edit.
    struct FormPage: Encodable, Sendable {
        var isNew: Bool
        var isStaff: Bool
        var action: String
        var form: UserFormValues
        var departments: [Option]
        var phoneMasked = ""
        var idNumberMasked = ""
        var errors: [String] = []
    }

    /// The form's values echoed back; ID numbers are never echoed.
    struct UserFormValues: Encodable, Sendable {
        var username = "", displayName = "", title = "", certificateNumber = "", certificateExpiry = "", phone = ""
    }

    static func departmentOptions(_ req: Request, selected: String?) async throws -> [Option] {
        try await DepartmentQueries.all(activeOnly: true, on: req.db).map {
            Option(value: $0.id?.uuidString ?? "", label: "\($0.name)（\($0.code)）", selected: $0.id?.uuidString == selected)
        }
    }

    @Sendable static func newForm(req: Request) async throws -> View {
        try await req.renderPage("admin/user-form", title: "新建账号",
                                 content: FormPage(isNew: true, isStaff: true, action: "/app/admin/users", form: .init(), departments: try await departmentOptions(req, selected: nil)))
    }

    static func departmentID(_ form: UserForm) throws -> UUID? {
        guard let text = form.departmentID?.trimmed, !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else { throw ValidationError(field: "所属科室", code: "department.unknown", message: "所选科室不存在") }
        return id
    }

    static func input(from form: UserForm) throws -> UserQueries.NewUser {
        UserQueries.NewUser(username: form.username ?? "", displayName: form.displayName ?? "", departmentID: try departmentID(form), profile: form.profile)
    }

    struct CreatedPage: Encodable, Sendable {
        let id: String
        let username: String
        let displayName: String
        let password: String
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let form = try req.content.decode(UserForm.self)
        return try await req.form("admin/user-form", title: "新建账号") {
            let (user, password) = try await UserQueries.create(try input(from: form), by: try req.caller, app: req.application)
            let page = CreatedPage(id: user.id?.uuidString ?? "", username: user.username, displayName: user.displayName, password: password)
            return try await req.renderPage("admin/user-created", title: "账号已创建", content: page).encodeResponse(for: req)
        } invalid: { errors in
            FormPage(isNew: true, isStaff: true, action: "/app/admin/users", form: values(form),
                     departments: try await departmentOptions(req, selected: form.departmentID), errors: errors.map(\.description))
        }
    }

    /// What was typed, echoed back (ID numbers never are).
    static func values(_ form: UserForm) -> UserFormValues {
        UserFormValues(username: form.username ?? "", displayName: form.displayName ?? "", title: form.title ?? "",
                       certificateNumber: form.certificateNumber ?? "", certificateExpiry: form.certificateExpiry ?? "", phone: form.phone ?? "")
    }

    /// The edit form: the stored values, personal data shown masked only.
    static func editPage(_ req: Request, user: User, typed: UserForm? = nil, errors: [ValidationError] = []) async throws -> FormPage {
        let id = try user.requireID()
        let profile = try await StaffQueries.snapshot(userID: id, crypto: req.fieldCrypto, on: req.db)
        let stored = Dictionary(profile, uniquingKeysWith: { a, _ in a })
        let form = typed.map(values) ?? UserFormValues(username: user.username, displayName: user.displayName, title: stored["职务"] ?? "",
                                                       certificateNumber: stored["执法证号"] ?? "", certificateExpiry: stored["执法证有效期至"] ?? "")
        var page = FormPage(isNew: false, isStaff: user.kind == .staff, action: "/app/admin/users/\(id)", form: form,
                            departments: try await departmentOptions(req, selected: typed?.departmentID ?? user.$department.id?.uuidString),
                            errors: errors.map(\.description))
        page.form.username = user.username
        page.phoneMasked = (stored["联系电话"] ?? "").nilIfEmpty ?? "（未登记）"
        page.idNumberMasked = (stored["身份证号"] ?? "").nilIfEmpty ?? "（未登记）"
        return page
    }

    @Sendable static func editForm(req: Request) async throws -> View {
        let user = try await req.find(User.self, "userID", called: "账号")
        return try await req.renderPage("admin/user-form", title: "修改账号", content: try await editPage(req, user: user))
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let user = try await req.find(User.self, "userID", called: "账号")
        let form = try req.content.decode(UserForm.self)
        return try await req.form("admin/user-form", title: "修改账号") {
            let changes = try await UserQueries.update(user, with: .init(displayName: form.displayName ?? "", departmentID: try departmentID(form), profile: form.profile),
                                                       by: try req.caller)
            return try await req.redirect(to: "/app/admin/users/\(try user.requireID())", flash: changes.isEmpty ? "没有修改" : "已保存：" + changes.map(\.field).joined(separator: "、"))
        } invalid: { errors in
            try await editPage(req, user: user, typed: form, errors: errors)
        }
    }

    @Sendable static func updateAPI(req: Request) async throws -> UserQueries.ListRow {
        let user = try await req.find(User.self, "userID", called: "账号")
        let form = try req.content.decode(UserForm.self)
        try await UserQueries.update(user, with: .init(displayName: form.displayName ?? "", departmentID: try departmentID(form), profile: form.profile), by: try req.caller)
        return try await UserQueries.row(user, on: req.db, now: req.now)
    }

    struct ShowPage: Encodable, Sendable {
        let id: String
        let username: String
        let displayName: String
        let department: String
        let roles: String
        let active: Bool
        let locked: Bool
        let lockedUntil: String
        let totp: Bool
        let lastLogin: String
        let created: String
        /// 职务, 执法证 and contact, personal data masked.
        let profile: [EntityPages.Fact]
        var newPassword: String?
    }

    static func showPage(_ req: Request, user: User, newPassword: String? = nil) async throws -> ShowPage {
        try await user.$department.load(on: req.db)
        let roles = try await UserQueries.roles(of: try user.requireID(), on: req.db)
        return ShowPage(id: try user.requireID().uuidString, username: user.username, displayName: user.displayName,
                        department: user.department?.name ?? "—", roles: roles.isEmpty ? "（未授权）" : roles.sorted().map(\.chinese).joined(separator: "、"),
                        active: user.status == .active, locked: (user.lockedUntil ?? .distantPast) > req.now,
                        lockedUntil: user.lockedUntil.map(Format.dateTime) ?? "", totp: user.totpEnabled,
                        lastLogin: user.lastLoginAt.map(Format.dateTime) ?? "从未登录", created: Format.dateTime(user.createdAt),
                        profile: try await StaffQueries.snapshot(userID: try user.requireID(), crypto: req.application.keyStore.fieldCrypto, on: req.db)
                            .map { EntityPages.Fact(label: $0.0, value: $0.1.isEmpty ? "—" : $0.1) },
                        newPassword: newPassword)
    }

    static func target(_ req: Request) async throws -> User {
        try await req.find(User.self, "userID", called: "账号")
    }

    @Sendable static func show(req: Request) async throws -> View {
        try await req.renderPage("admin/user", title: "账号详情", content: try await showPage(req, user: try await target(req)))
    }

    @Sendable static func disable(req: Request) async throws -> Response {
        let user = try await target(req)
        do {
            try await UserQueries.setActive(false, user: user, by: try req.caller)
        } catch let error as ValidationError {
            return try await req.redirect(to: "/app/admin/users/\(try user.requireID())", flash: error.message)
        }
        return try await req.redirect(to: "/app/admin/users/\(try user.requireID())", flash: "账号已停用，其登录会话已全部结束")
    }

    @Sendable static func enable(req: Request) async throws -> Response {
        let user = try await target(req)
        try await UserQueries.setActive(true, user: user, by: try req.caller)
        return try await req.redirect(to: "/app/admin/users/\(try user.requireID())", flash: "账号已启用")
    }

    struct ResetForm: Content { var resetSecondFactor: String? }

    @Sendable static func reset(req: Request) async throws -> Response {
        let user = try await target(req)
        let form = try req.content.decode(ResetForm.self)
        let password: String
        do {
            password = try await UserQueries.resetPassword(user: user, resetSecondFactor: form.resetSecondFactor == "on", by: try req.caller, app: req.application)
        } catch let error as ValidationError {
            return try await req.redirect(to: "/app/admin/users/\(try user.requireID())", flash: error.message)
        }
        return try await req.renderPage("admin/user", title: "账号详情", content: try await showPage(req, user: user, newPassword: password)).encodeResponse(for: req)
    }

    struct ReviewPage: Encodable, Sendable {
        let days: Int
        let rows: [AccountReview.Row]
    }

    @Sendable static func review(req: Request) async throws -> View {
        let policy = try await req.securitySettings()
        let rows = try await AccountReview.staleAccounts(olderThanDays: policy.accountReviewUnusedDays, on: req.db, now: req.now)
        return try await req.renderPage("admin/account-review", title: "账号清理审核", content: ReviewPage(days: policy.accountReviewUnusedDays, rows: rows))
    }

    struct ReviewForm: Content { var userIDs: [String]? }

    @Sendable static func reviewDisable(req: Request) async throws -> Response {
        let ids = (try req.content.decode(ReviewForm.self).userIDs ?? []).compactMap(UUID.init(uuidString:))
        guard !ids.isEmpty else { return try await req.redirect(to: "/app/admin/account-review", flash: "未选择账号") }
        let caller = try req.caller
        var disabled = 0
        var skipped: [String] = []
        for id in ids {
            guard let user = try await User.find(id, on: req.db), user.status == .active else { continue }
            do {
                try await UserQueries.setActive(false, user: user, by: caller)
                disabled += 1
            } catch let error as ValidationError {
                skipped.append("\(user.username)：\(error.message)")
            }
        }
        let note = skipped.isEmpty ? "" : "；未停用：" + skipped.joined(separator: "；")
        return try await req.redirect(to: "/app/admin/account-review", flash: "已停用\(disabled)个账号\(note)")
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<UserQueries.ListRow> {
        try await UserQueries.list(search: try? req.query.get(String.self, at: "q"), page: req.pageNumber, now: req.now, on: req.db)
    }

    struct CreatedAPI: Content {
        let id: String
        let username: String
        let oneTimePassword: String
    }

    @Sendable static func createAPI(req: Request) async throws -> Response {
        let form = try req.content.decode(UserForm.self)
        let (user, password) = try await UserQueries.create(try input(from: form), by: try req.caller, app: req.application)
        return try await CreatedAPI(id: user.id?.uuidString ?? "", username: user.username, oneTimePassword: password).encodeResponse(status: .created, for: req)
    }

    @Sendable static func disableAPI(req: Request) async throws -> HTTPStatus {
        try await UserQueries.setActive(false, user: try await target(req), by: try req.caller)
        return .noContent
    }

    @Sendable static func enableAPI(req: Request) async throws -> HTTPStatus {
        try await UserQueries.setActive(true, user: try await target(req), by: try req.caller)
        return .noContent
    }
}

extension UsersController.UserForm: APIExample {
    static let example = UsersController.UserForm(username: "zhangsan", displayName: "张三", departmentID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
                                                  title: "监督员", certificateNumber: "闽卫执证01234", certificateExpiry: "2028-12-31",
                                                  phone: "13800138000", idNumber: "11010519491231002X")
}

extension UsersController.CreatedAPI: APIExample {
    static let example = UsersController.CreatedAPI(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", username: "zhangsan", oneTimePassword: "Wj7k-M3qa-Zt9p-X4ne")
}

extension UserQueries.ListRow: APIExample {
    static let example = UserQueries.ListRow(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", username: "zhangsan", displayName: "张三", kind: "本所人员",
                                             department: "公共场所卫生监督科", roles: "监督员", status: "启用", active: true, locked: false,
                                             lastLogin: "2026-12-01 09:00", totp: true)
}
