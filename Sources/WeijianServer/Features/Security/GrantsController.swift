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
        api.endpoint(.PUT, "users", ":userID", "grants", access: .permission(.rolesGrant),
                     doc: APIDoc("授予角色与数据范围（整体替换；撤销全部角色请传 roles: []）", body: GrantInput.self, required: ["roles"]), use: saveAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [UserQueries.ListRow]
        let pager: Pager
        let q: String
    }

    @Sendable static func list(req: Request) async throws -> View {
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        let paged = try await UserQueries.list(search: q, page: req.pageNumber, now: req.now, on: req.db)
        return try await req.renderPage("security/grants", title: "角色与数据范围",
                                        content: ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/security/users", query: ["q": q]), q: q))
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
        /// Top-level supervision categories (the scope filters on them), none checked = all.
        let categories: [Choice]
        /// The institute's 片区 in use in the registry.
        let zones: [Choice]
        /// Division codes, typed (with suggestions from the code table).
        let divisions: String
        /// The division codes to choose from (datalist `division-codes`).
        let codes: CodeLists
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
        let categoryValues = Set(currentScopes.filter { $0.0 == .category }.map(\.1))
        let areaValues = currentScopes.filter { $0.0 == .area }.map(\.1)
        let options = try await ScopeOptions.load(tables: req.codeTables, on: req.db)
        return EditPage(id: id.uuidString, username: user.username, displayName: user.displayName, department: user.department?.name ?? "—",
                        roles: grantable.map { Choice(value: $0.rawValue, label: $0.chinese, checked: currentRoles.contains($0)) },
                        departments: options.departments.map { Choice(value: $0.id, label: $0.name, checked: departmentValues.contains($0.id)) },
                        allDepartments: departmentValues.contains("*"),
                        categories: options.categories.map { Choice(value: $0.code, label: $0.name, checked: categoryValues.contains($0.code)) },
                        zones: options.zones.map { Choice(value: $0, label: $0, checked: areaValues.contains($0)) },
                        divisions: areaValues.filter(DataScope.isDivision).joined(separator: "，"),
                        codes: try await CodeLists.load(req), errors: errors)
    }

    /// What a scope may be made of: existing departments, top-level categories, division codes from
    /// the GB/T 2260 table and the 片区 used in the registry (issue 10: free text left users with
    /// an empty list).
    struct ScopeOptions {
        let departments: [(id: String, name: String)]
        let categories: [(code: String, name: String)]
        let divisions: CodeTable
        let zones: [String]

        static func load(tables: CodeTables, on db: any Database) async throws -> ScopeOptions {
            let departments = try await DepartmentQueries.all(activeOnly: true, on: db).compactMap { d in d.id.map { ($0.uuidString, d.name) } }
            let categories = try await SupervisionCategory.query(on: db).filter(\.$parentCode == nil).filter(\.$active == true).sort(\.$sortOrder).all()
                .compactMap { c in c.id.map { ($0, c.name) } }
            let zones = try await db.sql.raw("SELECT DISTINCT area FROM entities WHERE area IS NOT NULL AND area <> '' ORDER BY area").all()
                .map { try $0.decode(column: "area", as: String.self) }
            return ScopeOptions(departments: departments, categories: categories, divisions: tables.divisions, zones: zones)
        }
    }

    @Sendable static func edit(req: Request) async throws -> View {
        try await req.renderPage("security/grant-edit", title: "授权", content: try await editPage(req, user: try await target(req)))
    }

    struct GrantInput: Content {
        var roles: [String]?
        var departments: [String]?
        var allDepartments: String?
        /// Category codes (the form's checkboxes; the API may send a comma-separated string).
        var categories: [String]?
        /// 片区 names (checkboxes).
        var zones: [String]?
        /// Division codes, comma-separated.
        var areas: String?

        init(roles: [String]? = nil, departments: [String]? = nil, allDepartments: String? = nil, categories: [String]? = nil,
             zones: [String]? = nil, areas: String? = nil) {
            (self.roles, self.departments, self.allDepartments, self.categories, self.zones, self.areas) = (roles, departments, allDepartments, categories, zones, areas)
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            roles = try c.decodeIfPresent([String].self, forKey: .roles)
            departments = try c.decodeIfPresent([String].self, forKey: .departments)
            allDepartments = try c.decodeIfPresent(String.self, forKey: .allDepartments)
            if let list = try? c.decodeIfPresent([String].self, forKey: .categories) { categories = list }
            else { categories = try c.decodeIfPresent(String.self, forKey: .categories).map(GrantInput.split) }
            zones = try c.decodeIfPresent([String].self, forKey: .zones)
            areas = try c.decodeIfPresent(String.self, forKey: .areas)
        }

        static func split(_ text: String) -> [String] {
            text.components(separatedBy: CharacterSet(charactersIn: ",，、 ;；\n")).map(\.trimmed).filter { !$0.isEmpty }
        }
    }

    /// Parses roles and scopes, naming each bad value: every scope value must be an existing
    /// department, a top-level category, a division code in the code table or a 片区 in use.
    static func parse(_ input: GrantInput, options: ScopeOptions) throws -> (Set<Role>, [(DataScopeGrant.Dimension, String)]) {
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
            let known = Set(options.departments.map(\.id))
            for raw in input.departments ?? [] where !raw.isEmpty {
                if let id = UUID(uuidString: raw), known.contains(id.uuidString) { scopes.append((.department, id.uuidString)) } else {
                    errors.add(ValidationError(field: "数据范围（科室）", code: "scope.department", message: "科室“\(raw)”不存在或已停用"))
                }
            }
        }
        let categories = Dictionary(options.categories.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        for value in Set(input.categories ?? []).sorted() {
            // A subcategory's code is taken as its top-level category: the scope filters on those.
            let top = CategoryNode.topLevel(of: value.uppercased())
            if categories[top] != nil { if !scopes.contains(where: { $0 == (.category, top) }) { scopes.append((.category, top)) } } else {
                errors.add(ValidationError(field: "数据范围（专业类别）", code: "scope.category", message: "“\(value)”不是专业类别（请从类别列表中勾选）"))
            }
        }
        for value in GrantInput.split(input.areas ?? "") {
            if DataScope.isDivision(value) && options.divisions.contains(value) { scopes.append((.area, value)) } else {
                errors.add(ValidationError(field: "数据范围（行政区划）", code: "scope.area", message: "“\(value)”不是行政区划代码表（GB/T 2260）中的6位代码"))
            }
        }
        let zones = Set(options.zones)
        for value in Set(input.zones ?? []).sorted() {
            if zones.contains(value) { scopes.append((.area, value)) } else {
                errors.add(ValidationError(field: "数据范围（片区）", code: "scope.zone", message: "“\(value)”不是单位档案中使用的片区"))
            }
        }
        try errors.check()
        return (roles, scopes)
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let user = try await target(req)
        let input = try req.content.decode(GrantInput.self)
        do {
            let (roles, scopes) = try parse(input, options: try await ScopeOptions.load(tables: req.codeTables, on: req.db))
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
        let (roles, scopes) = try parse(input, options: try await ScopeOptions.load(tables: req.codeTables, on: req.db))
        let current = try req.currentUser
        try await GrantQueries.setGrants(for: user, roles: roles, scopes: scopes, by: try req.caller)
        return .noContent
    }
}

extension GrantsController.GrantInput: APIExample {
    static let example = GrantsController.GrantInput(roles: ["inspector"], departments: ["3F2504E0-4F89-11D3-9A0C-0305E82C3301"], allDepartments: nil,
                                                     categories: ["GG"], zones: ["一片区"], areas: "350102")
}
