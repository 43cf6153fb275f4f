import Fluent
import Foundation
import Vapor
import WeijianCore

/// Departments (科室), kept by the system administrator.
enum DepartmentsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "departments", access: .permission(.departmentsManage), use: list)
        web.endpoint(.POST, "app", "admin", "departments", access: .permission(.departmentsManage), use: create)
        web.endpoint(.GET, "app", "admin", "departments", ":departmentID", "edit", access: .permission(.departmentsManage), use: editForm)
        web.endpoint(.POST, "app", "admin", "departments", ":departmentID", access: .permission(.departmentsManage), use: update)
        web.endpoint(.POST, "app", "admin", "departments", ":departmentID", "toggle", access: .permission(.departmentsManage), use: toggle)
        api.endpoint(.GET, "departments", access: .signedIn, doc: APIDoc("科室列表", response: [Row].self), use: listAPI)
        api.endpoint(.POST, "departments", access: .permission(.departmentsManage),
                     doc: APIDoc("新增科室", body: APIInput.self, required: ["code", "name"], response: Row.self, status: .created), use: createAPI)
        api.endpoint(.PUT, "departments", ":departmentID", access: .permission(.departmentsManage),
                     doc: APIDoc("修改科室代码、名称或类型（省略的字段不变）", body: APIInput.self, response: Row.self), use: updateAPI)
    }

    struct Row: Content {
        let id: String
        let code: String
        let name: String
        let isBusiness: Bool
        let active: Bool
    }

    struct Page: Encodable, Sendable {
        let rows: [Row]
        var errors: [String] = []
        var code = ""
        var name = ""
    }

    struct Form: Content {
        var code: String?
        var name: String?
        var isBusiness: String?
    }

    static func rows(_ db: any Database) async throws -> [Row] {
        try await DepartmentQueries.all(on: db).map { Row(id: $0.id?.uuidString ?? "", code: $0.code, name: $0.name, isBusiness: $0.isBusiness, active: $0.active) }
    }

    @Sendable static func list(req: Request) async throws -> View {
        try await req.renderPage("admin/departments", title: "科室", content: Page(rows: try await rows(req.db)))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.form("admin/departments", title: "科室") {
            let department = try await DepartmentQueries.create(code: form.code ?? "", name: form.name ?? "", isBusiness: form.isBusiness == "on",
                                                                by: try req.caller)
            return try await req.redirect(to: "/app/admin/departments", flash: "已新增科室“\(department.name)”")
        } invalid: { errors in
            Page(rows: try await rows(req.db), errors: errors.map(\.description), code: form.code ?? "", name: form.name ?? "")
        }
    }

    struct EditPage: Encodable, Sendable {
        let id: String
        let code: String
        let name: String
        let isBusiness: Bool
        var errors: [String] = []
    }

    @Sendable static func editForm(req: Request) async throws -> View {
        let department = try await req.find(Department.self, "departmentID", called: "科室")
        return try await req.renderPage("admin/department-edit", title: "修改科室",
                                        content: EditPage(id: try department.requireID().uuidString, code: department.code, name: department.name, isBusiness: department.isBusiness))
    }

    /// Renames a department (its units and staff follow: they refer to it by id).
    @Sendable static func update(req: Request) async throws -> Response {
        let department = try await req.find(Department.self, "departmentID", called: "科室")
        let form = try req.content.decode(Form.self)
        return try await req.form("admin/department-edit", title: "修改科室") {
            try await DepartmentQueries.update(department, code: form.code ?? "", name: form.name ?? "", isBusiness: form.isBusiness == "on", by: try req.caller)
            return try await req.redirect(to: "/app/admin/departments", flash: "已保存科室“\(department.name)”")
        } invalid: { errors in
            EditPage(id: try department.requireID().uuidString, code: form.code ?? "", name: form.name ?? "", isBusiness: form.isBusiness == "on",
                     errors: errors.map(\.description))
        }
    }

    @Sendable static func updateAPI(req: Request) async throws -> Row {
        let department = try await req.find(Department.self, "departmentID", called: "科室")
        let input = try req.content.decode(APIInput.self)
        try await DepartmentQueries.update(department, code: input.code ?? department.code, name: input.name ?? department.name,
                                           isBusiness: input.isBusiness ?? department.isBusiness, by: try req.caller)
        return Row(id: try department.requireID().uuidString, code: department.code, name: department.name, isBusiness: department.isBusiness, active: department.active)
    }

    @Sendable static func toggle(req: Request) async throws -> Response {
        let department = try await req.find(Department.self, "departmentID", called: "科室")
        try await DepartmentQueries.setActive(!department.active, department: department, by: try req.caller)
        return try await req.redirect(to: "/app/admin/departments", flash: department.active ? "科室已启用" : "科室已停用")
    }

    @Sendable static func listAPI(req: Request) async throws -> [Row] { try await rows(req.db) }

    struct APIInput: Content {
        var code: String?
        var name: String?
        var isBusiness: Bool?
    }

    @Sendable static func createAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(APIInput.self)
        let department = try await DepartmentQueries.create(code: input.code ?? "", name: input.name ?? "", isBusiness: input.isBusiness ?? true,
                                                            by: try req.caller)
        return try await Row(id: department.id?.uuidString ?? "", code: department.code, name: department.name, isBusiness: department.isBusiness,
                             active: department.active).encodeResponse(status: .created, for: req)
    }
}

extension DepartmentsController.Row: APIExample {
    static let example = DepartmentsController.Row(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", code: "GGK", name: "公共场所卫生监督科", isBusiness: true, active: true)
}

extension DepartmentsController.APIInput: APIExample {
    static let example = DepartmentsController.APIInput(code: "GGK", name: "公共场所卫生监督科", isBusiness: true)
}
