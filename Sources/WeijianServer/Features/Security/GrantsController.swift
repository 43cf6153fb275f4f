import Fluent
import Foundation
import Vapor
import WeijianCore

/// The security administrator grants roles and data scopes (三权分立: not the system administrator).
enum GrantsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "security", "users", access: .permission(.rolesGrant), use: list)
        web.endpoint(.GET, "app", "security", "users", ":userID", access: .permission(.rolesGrant), use: edit)
        web.endpoint(.POST, "app", "security", "users", ":userID", access: .permission(.rolesGrant), use: save)
        api.endpoint(.PUT, "users", ":userID", "grants", access: .permission(.rolesGrant), use: saveAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [UserQueries.ListRow]
        let q: String
    }

    @Sendable static func list(req: Request) async throws -> View {
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        return try await req.renderPage("security/grants", title: "角色与数据范围", content: ListPage(rows: try await UserQueries.list(search: q, now: req.now, on: req.db), q: q))
    }

    struct Choice: Encodable, Sendable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct EditPage: Encodable, Sendable {
        let id: String
        let username: String
        let displayName: String
        let department: String
        let roles: [Choice]
        let departments: [Choice]
        let allDepartments: Bool
        let categories: String
        let areas: String
        var errors: [String] = []
    }

    static func target(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)), let user = try await User.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "账号不存在")
        }
        return user
    }

    static func editPage(_ req: Request, user: User, roles: Set<Role>? = nil, scopes: [(DataScopeGrant.Dimension, String)]? = nil,
                         errors: [String] = []) async throws -> EditPage {
        let id = try user.requireID()
        try await user.$department.load(on: req.db)
        let currentRoles: Set<Role>
        if let roles { currentRoles = roles } else { currentRoles = try await UserQueries.roles(of: id, on: req.db) }
        let currentScopes: [(DataScopeGrant.Dimension, String)]
        if let scopes { currentScopes = scopes } else {
            currentScopes = try await DataScopeGrant.query(on: req.db).filter(\.$user.$id == id).all().map { ($0.dimension, $0.value) }
        }
        let grantable: [Role] = user.kind == .portal ? [.entityUser] : [.sysadmin, .securityAdmin, .auditor] + Role.staff
        let departmentValues = Set(currentScopes.filter { $0.0 == .department }.map(\.1))
        return EditPage(id: id.uuidString, username: user.username, displayName: user.displayName, department: user.department?.name ?? "—",
                        roles: grantable.map { Choice(value: $0.rawValue, label: $0.chinese, checked: currentRoles.contains($0)) },
                        departments: try await DepartmentQueries.all(activeOnly: true, on: req.db).map {
                            Choice(value: $0.id?.uuidString ?? "", label: $0.name, checked: departmentValues.contains($0.id?.uuidString ?? ""))
                        },
                        allDepartments: departmentValues.contains("*"),
                        categories: currentScopes.filter { $0.0 == .category }.map(\.1).joined(separator: "，"),
                        areas: currentScopes.filter { $0.0 == .area }.map(\.1).joined(separator: "，"), errors: errors)
    }

    @Sendable static func edit(req: Request) async throws -> View {
        try await req.renderPage("security/grant-edit", title: "授权", content: try await editPage(req, user: try await target(req)))
    }

    struct GrantInput: Content {
        var roles: [String]?
        var departments: [String]?
        var allDepartments: String?
        var categories: String?
        var areas: String?
    }

    /// Parses roles and scopes, naming each bad value.
    static func parse(_ input: GrantInput) throws -> (Set<Role>, [(DataScopeGrant.Dimension, String)]) {
        var errors = ValidationCollector()
        var roles = Set<Role>()
        for raw in input.roles ?? [] {
            if let role = Role(rawValue: raw) { roles.insert(role) } else {
                errors.add(ValidationError(field: "角色", code: "role.unknown", message: "未知角色“\(raw)”"))
            }
        }
        var scopes: [(DataScopeGrant.Dimension, String)] = []
        if input.allDepartments == "on" || (input.departments ?? []).contains("*") {
            scopes.append((.department, "*"))
        } else {
            for raw in input.departments ?? [] where !raw.isEmpty {
                if UUID(uuidString: raw) != nil { scopes.append((.department, raw)) } else {
                    errors.add(ValidationError(field: "数据范围（科室）", code: "scope.department", message: "科室“\(raw)”不存在"))
                }
            }
        }
        let separators = CharacterSet(charactersIn: ",，、 ;；\n")
        for value in (input.categories ?? "").components(separatedBy: separators).map(\.trimmed).filter({ !$0.isEmpty }) {
            scopes.append((.category, value))
        }
        for value in (input.areas ?? "").components(separatedBy: separators).map(\.trimmed).filter({ !$0.isEmpty }) {
            if value == "*" || ((try? DivisionCode(value)) != nil) || value.hasPrefix("片区") { scopes.append((.area, value)) } else {
                errors.add(ValidationError(field: "数据范围（区域）", code: "scope.area", message: "“\(value)”应为6位行政区划代码或以“片区”开头的片区名"))
            }
        }
        try errors.check()
        return (roles, scopes)
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let user = try await target(req)
        let input = try req.content.decode(GrantInput.self)
        do {
            let (roles, scopes) = try parse(input)
            let current = try req.currentUser
            try await GrantQueries.setGrants(for: user, roles: roles, scopes: scopes, by: try req.caller)
            return try await req.redirect(to: "/app/security/users", flash: "已保存“\(user.displayName)”的角色与数据范围")
        } catch let error as ValidationErrors {
            return try await req.renderPage("security/grant-edit", title: "授权", content: try await editPage(req, user: user, errors: error.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        } catch let error as ValidationError {
            return try await req.renderPage("security/grant-edit", title: "授权", content: try await editPage(req, user: user, errors: [error.description]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func saveAPI(req: Request) async throws -> HTTPStatus {
        let user = try await target(req)
        let input = try req.content.decode(GrantInput.self)
        // The API replaces all grants: an omitted list must not silently mean "take every role away".
        guard input.roles != nil else {
            throw ValidationError(field: "roles", code: "required", message: "必填：须给出完整的角色列表（撤销全部角色请传空数组 []）")
        }
        let (roles, scopes) = try parse(input)
        let current = try req.currentUser
        try await GrantQueries.setGrants(for: user, roles: roles, scopes: scopes, by: try req.caller)
        return .noContent
    }
}
