import Fluent
import Foundation
import Vapor
import WeijianCore

/// The information officer's checklists (检查表): the current ones, and editing one as a new version.
enum ChecklistsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "checklists", access: .permission(.checklistsManage), use: list)
        web.endpoint(.GET, "app", "checklists", ":code", access: .permission(.checklistsManage), use: edit)
        web.endpoint(.POST, "app", "checklists", ":code", access: .permission(.checklistsManage), use: save)
        api.endpoint(.GET, "checklists", access: .permission(.entitiesRead),
                     doc: APIDoc("现行检查表（各检查表的最新版本）", query: [.page], response: Paged<ChecklistQueries.Version>.self), use: listAPI)
        api.endpoint(.POST, "checklists", access: .permission(.checklistsManage),
                     doc: APIDoc("保存检查表的新版本（code 为新代码时新建检查表）", body: SaveInput.self, required: ["code", "name", "categories", "sections"],
                                 response: ChecklistQueries.Version.self, status: .created), use: saveAPI)
    }

    struct SaveInput: Content, Sendable, APIExample {
        var code: String?
        var name: String?
        var categories: String?
        var sections: [Checklist.Section]?
        static let example = SaveInput(code: "YY", name: ChecklistQueries.Input.example.name, categories: "GG0402", sections: ChecklistQueries.Input.example.sections)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [ChecklistQueries.Version]
    }

    @Sendable static func list(req: Request) async throws -> Response {
        if let code = try? req.query.get(String.self, at: "new"), !code.trimmed.isEmpty {
            guard (1...20).contains(code.trimmed.count), code.trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                return try await req.redirect(to: "/app/checklists", flash: "检查表代码：应为1到20位字母或数字")
            }
            return req.redirect(to: "/app/checklists/\(code.trimmed.uppercased())")
        }
        return try await req.renderPage("inspections/checklists", title: "检查表", content: ListPage(rows: try await ChecklistQueries.current(on: req.db)))
            .encodeResponse(for: req)
    }

    struct EditPage: Encodable, Sendable {
        let code: String
        let name: String
        let categories: String
        let text: String
        let versions: [ChecklistQueries.Version]
        let isNew: Bool
        let errors: [String]
    }

    static func code(_ req: Request) throws -> String {
        guard let code = req.parameters.get("code"), (1...20).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw Abort(.notFound, reason: "检查表代码应为1到20位字母或数字")
        }
        return code.uppercased()
    }

    @Sendable static func edit(req: Request) async throws -> View {
        let code = try code(req)
        let versions = try await ChecklistQueries.versions(code: code, on: req.db)
        let current = versions.first
        return try await req.renderPage("inspections/checklist", title: current?.name ?? "新建检查表",
                                        content: EditPage(code: code, name: current?.name ?? "", categories: current?.categories.joined(separator: ",") ?? "",
                                                          text: current?.checklist.text ?? "## 证照与制度\n1.1 | 持有效卫生许可证 | 10 | 依据 | ※",
                                                          versions: versions, isNew: current == nil, errors: []))
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let code = try code(req)
        let input = try req.content.decode(ChecklistQueries.Input.self)
        do {
            let saved = try await ChecklistQueries.save(code: code, ChecklistQueries.Input(name: input.name, categories: input.categories, text: input.text),
                                                        by: try req.caller)
            return try await req.redirect(to: "/app/checklists/\(code)", flash: "已保存为第\(saved.version)版；此前的检查仍按其使用的版本显示")
        } catch let error as ValidationErrors {
            let versions = try await ChecklistQueries.versions(code: code, on: req.db)
            return try await req.renderPage("inspections/checklist", title: input.name ?? "检查表",
                                            content: EditPage(code: code, name: input.name ?? "", categories: input.categories ?? "", text: input.text ?? "",
                                                              versions: versions, isNew: versions.isEmpty, errors: error.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<ChecklistQueries.Version> {
        let all = try await ChecklistQueries.current(on: req.db)
        let size = 50
        let paged = Paged<ChecklistQueries.Version>(rows: [], total: all.count, page: req.pageNumber, pageSize: size)
        return Paged(rows: Array(all.dropFirst((paged.page - 1) * size).prefix(size)), total: all.count, page: paged.page, pageSize: size)
    }

    @Sendable static func saveAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(SaveInput.self)
        let code = (input.code ?? "").trimmed.uppercased()
        guard (1...20).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ValidationError(field: "code", code: "checklist.code", message: "检查表代码应为1到20位字母或数字")
        }
        guard let sections = input.sections else { throw ValidationError(field: "sections", code: "required", message: "必填") }
        return try await ChecklistQueries.save(code: code, ChecklistQueries.Input(name: input.name, categories: input.categories, sections: sections),
                                               by: try req.caller).encodeResponse(status: .created, for: req)
    }
}
