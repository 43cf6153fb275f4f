import Fluent
import Foundation
import Vapor
import WeijianCore

/// The supervision category tree, extended and edited by the information officer: each node says
/// whether its units need a licence or a filing, the licence's term, review interval, renewal lead
/// time and an optional licence-number pattern.
enum CategoriesController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "categories", access: .permission(.categoriesManage), use: list)
        web.endpoint(.POST, "app", "categories", access: .permission(.categoriesManage), use: save)
        api.endpoint(.GET, "categories", access: .permission(.entitiesRead), doc: APIDoc("专业类别树（含许可管理方式）", response: [Row].self), use: listAPI)
    }

    struct Row: Content {
        let code: String
        let name: String
        let parent: String
        let depth: Int
        let licensing: String
        let licensingName: String
        let validYears: String
        let reviewYears: String
        let renewalLeadDays: Int
        let pattern: String
        let active: Bool
        let extensionFields: String
    }

    struct Page: Encodable, Sendable {
        let rows: [Row]
        let licensings: [EntityPages.Choice]
        var errors: [String] = []
    }

    static func rows(_ db: any Database) async throws -> [Row] {
        try await SupervisionCategory.query(on: db).sort(\.$sortOrder).all().map { node in
            let code = node.id ?? ""
            return Row(code: code, name: node.name, parent: node.parentCode ?? "", depth: node.parentCode == nil ? 0 : code.count <= 4 ? 1 : 2,
                       licensing: node.licensing.rawValue, licensingName: node.licensing.chinese, validYears: node.validYears.map(String.init) ?? "",
                       reviewYears: node.reviewYears.map(String.init) ?? "", renewalLeadDays: node.renewalLeadDays, pattern: node.licenceNumberPattern ?? "",
                       active: node.active, extensionFields: CategoryExtensions.fields(forCategory: code).map(\.label).joined(separator: "、"))
        }
    }

    @Sendable static func list(req: Request) async throws -> View {
        try await req.renderPage("entities/categories", title: "专业类别", content: Page(rows: try await rows(req.db), licensings: choices()))
    }

    static func choices() -> [EntityPages.Choice] { Licensing.allCases.map { .init(value: $0.rawValue, label: $0.chinese) } }

    @Sendable static func listAPI(req: Request) async throws -> [Row] { try await rows(req.db) }

    struct Input: Content {
        var code: String?
        var name: String?
        var parent: String?
        var licensing: String?
        var validYears: String?
        var reviewYears: String?
        var renewalLeadDays: String?
        var pattern: String?
        var active: String?
    }

    /// Adds a node (a new code) or changes an existing one.
    @Sendable static func save(req: Request) async throws -> Response {
        let input = try req.content.decode(Input.self)
        var errors = ValidationCollector()
        let code = input.code?.trimmed.uppercased() ?? ""
        if code.count < 2 || code.count > 12 || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            errors.add(ValidationError(field: "类别代码", code: "category.code", message: "应为2–12位字母或数字"))
        }
        let name = input.name?.trimmed ?? ""
        if name.isEmpty || name.count > 50 { errors.add(ValidationError(field: "类别名称", code: "required", message: "必填，不超过50个字符")) }
        let licensing = Licensing(rawValue: input.licensing ?? "")
        if licensing == nil { errors.add(ValidationError(field: "许可管理", code: "choice", message: "应为需卫生许可、备案管理或无需许可")) }
        func years(_ raw: String?, _ field: String) -> Int? {
            guard let text = raw?.trimmed, !text.isEmpty else { return nil }
            guard let value = Int(text), (1...20).contains(value) else {
                errors.add(ValidationError(field: field, code: "integer", message: "应为1到20之间的整数"))
                return nil
            }
            return value
        }
        let valid = years(input.validYears, "有效期（年）")
        let review = years(input.reviewYears, "复核周期（年）")
        let lead = Int(input.renewalLeadDays?.trimmed ?? "30") ?? -1
        if !(0...365).contains(lead) { errors.add(ValidationError(field: "延续提前天数", code: "integer", message: "应为0到365之间的整数")) }
        let pattern = input.pattern?.trimmed ?? ""
        if !pattern.isEmpty && (try? NSRegularExpression(pattern: pattern)) == nil {
            errors.add(ValidationError(field: "许可证号格式", code: "pattern", message: "不是有效的正则表达式"))
        }
        let existing = code.isEmpty ? nil : try await SupervisionCategory.find(code, on: req.db)
        let parent = input.parent?.trimmed.uppercased() ?? ""
        if existing == nil {
            if parent.isEmpty || !code.hasPrefix(parent) || code == parent {
                errors.add(ValidationError(field: "上级类别", code: "category.parent", message: "新类别须有上级类别，且代码以上级代码开头（如GG01下的GG0129）"))
            } else if try await SupervisionCategory.find(parent, on: req.db) == nil {
                errors.add(ValidationError(field: "上级类别", code: "category.parent", message: "“\(parent)”不存在"))
            }
        }
        if !errors.errors.isEmpty {
            var page = Page(rows: try await rows(req.db), licensings: choices())
            page.errors = errors.errors.map(\.description)
            return try await req.renderPage("entities/categories", title: "专业类别", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let node = existing ?? SupervisionCategory()
        if existing == nil {
            node.id = code
            node.parentCode = parent
            node.sortOrder = (try await SupervisionCategory.query(on: req.db).max(\.$sortOrder) ?? 0) + 1
        }
        node.name = name
        node.licensing = licensing!
        node.validYears = valid
        node.reviewYears = review
        node.renewalLeadDays = lead
        node.licenceNumberPattern = pattern.nilIfEmpty
        node.active = existing == nil || input.active == "on"
        try await req.db.writeTransaction { tx in
            try await node.save(on: tx)
            try await req.audit(.categorySave, target: ("category", code), details: ["name": name, "licensing": licensing!.rawValue], on: tx)
        }
        return try await req.redirect(to: "/app/categories", flash: existing == nil ? "已新增类别“\(name)”" : "已保存类别“\(name)”")
    }
}

extension CategoriesController.Row: APIExample {
    static let example = CategoriesController.Row(code: "GG0101", name: "宾馆", parent: "GG01", depth: 2, licensing: "licence", licensingName: "卫生许可",
                                                  validYears: "4", reviewYears: "2", renewalLeadDays: 30, pattern: "", active: true, extensionFields: "床位数")
}
