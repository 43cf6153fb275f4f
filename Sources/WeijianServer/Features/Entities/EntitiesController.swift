import Fluent
import Foundation
import Vapor
import WeijianCore

/// The unit registry (被监督单位, regulation 三(一)2): list and search, one-unit-one-file page,
/// registration and changes with history, reveal of personal data, "my units" and hand-over.
enum EntitiesController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "entities", access: .permission(.entitiesRead), use: list)
        web.endpoint(.GET, "app", "entities", "mine", access: .permission(.entitiesRead), use: mine)
        web.endpoint(.GET, "app", "entities", "export", access: .permission(.dataExport), use: export)
        web.endpoint(.GET, "app", "entities", "new", access: .permission(.entitiesEdit), use: newForm)
        web.endpoint(.POST, "app", "entities", access: .permission(.entitiesEdit), use: create)
        web.endpoint(.POST, "app", "entities", "assign", access: .permission(.entitiesAssign), use: assign)
        web.endpoint(.GET, "app", "entities", "handover", access: .permission(.entitiesAssign), use: handoverForm)
        web.endpoint(.POST, "app", "entities", "handover", access: .permission(.entitiesAssign), use: handover)
        web.endpoint(.GET, "app", "entities", ":entityID", access: .permission(.entitiesRead), use: show)
        web.endpoint(.GET, "app", "entities", ":entityID", "print", access: .permission(.entitiesRead), use: printable)
        web.endpoint(.GET, "app", "entities", ":entityID", "edit", access: .permission(.entitiesEdit), use: editForm)
        web.endpoint(.POST, "app", "entities", ":entityID", access: .permission(.entitiesEdit), use: update)
        web.endpoint(.POST, "app", "entities", ":entityID", "reveal", access: .permission(.personalDataReveal), use: reveal)
        api.endpoint(.GET, "entities", access: .permission(.entitiesRead),
                     doc: APIDoc("被监督单位检索（按数据范围过滤，按名称拼音排序，每页50户）", query: EntitySearch.Filters.parameters,
                                 response: EntitySearch.Result.self), use: listAPI)
        api.endpoint(.POST, "entities", access: .permission(.entitiesEdit),
                     doc: APIDoc("登记被监督单位（须在本人数据范围内）", body: EntityInput.self, required: EntityInput.requiredForRegistration,
                                 response: Detail.self, status: .created), use: createAPI)
        api.endpoint(.POST, "entities", "assign", access: .permission(.entitiesAssign),
                     doc: APIDoc("批量指派责任科室、片区和监督员：选中的单位（target=selected, ids）或符合筛选条件的全部单位（target=filter, filters）",
                                 body: EntityAssignment.Input.self, required: ["target"], response: EntityAssignment.Outcome.self), use: assignAPI)
        api.endpoint(.GET, "entities", ":entityID", access: .permission(.entitiesRead),
                     doc: APIDoc("单位档案（个人信息不返回）", response: Detail.self), use: showAPI)
        api.endpoint(.PUT, "entities", ":entityID", access: .permission(.entitiesEdit),
                     doc: APIDoc("修改单位（个人信息留空则不变；变更记入历史）", body: EntityInput.self, required: EntityInput.requiredForRegistration,
                                 response: Detail.self), use: updateAPI)
        api.endpoint(.GET, "entities", ":entityID", "history", access: .permission(.entitiesRead),
                     doc: APIDoc("单位变更历史（新的在前，每页50条，附总数）", query: [.page], response: Paged<EntityQueries.HistoryRow>.self), use: historyAPI)
    }

    // MARK: list

    struct ListPage: Encodable, Sendable {
        let title: String
        let filters: EntitySearch.Filters
        let result: EntitySearch.Result
        let categories: [EntityPages.Choice]
        let statuses: [EntityPages.Choice]
        let departments: [EntityPages.Choice]
        /// The 行政区划 filter's choices.
        let codes: CodeLists
        let canEdit: Bool
        let canExport: Bool
        let query: String
        let action: String
        let previousPage: Int
        let nextPage: Int
        /// Bulk assignment (issue 11): offered to those who may assign, with the departments and
        /// inspectors of their scope; what they chose is kept when it is refused.
        let canAssign: Bool
        var assignDepartments: [EntityPages.Choice] = []
        var assignInspectors: [EntityPages.Choice] = []
        var assignArea = ""
        var selected: [String] = []
        var errors: [String] = []
    }

    static func listPage(_ req: Request, title: String, filters: EntitySearch.Filters, action: String,
                         assignment: EntityAssignment.Input? = nil, errors: [String] = []) async throws -> ListPage {
        let user = try req.currentUser
        let result = try await EntitySearch.list(filters, scope: user.scope, on: req.db)
        // Disabled departments are left out of the choices (their units still show their name).
        let departments = try await DepartmentQueries.all(activeOnly: true, on: req.db)
        var page = ListPage(
            title: title, filters: filters, result: result,
            categories: try await EntityPages.categoryChoices(selected: filters.category, on: req.db),
            statuses: SupervisedEntity.Status.allCases.map { .init(value: $0.rawValue, label: $0.chinese, selected: $0.rawValue == filters.status) },
            departments: departments.map { .init(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == filters.department) },
            codes: try await CodeLists.load(req),
            canEdit: user.can(.entitiesEdit), canExport: user.can(.dataExport), query: listQuery(filters), action: action,
            previousPage: result.page > 1 ? result.page - 1 : 0, nextPage: result.page < result.pages ? result.page + 1 : 0,
            canAssign: user.can(.entitiesAssign), errors: errors)
        if page.canAssign {
            page.assignDepartments = departments.filter { user.scope.allowsDepartment($0.id) }
                .map { .init(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == assignment?.departmentID) }
            page.assignInspectors = try await UserQueries.supervisors(in: user.scope, activeOnly: true, on: req.db).map {
                .init(value: $0.id.uuidString, label: "\($0.displayName)（\($0.username)）\($0.department.isEmpty ? "" : " · " + $0.department)",
                      selected: $0.id.uuidString == assignment?.inspector)
            }
            page.assignArea = assignment?.area ?? ""
            page.selected = assignment?.ids ?? []
        }
        return page
    }

    @Sendable static func list(req: Request) async throws -> View {
        try await req.renderPage("entities/list", title: "被监督单位",
                                 content: try await listPage(req, title: "被监督单位", filters: try req.query.decode(EntitySearch.Filters.self), action: "/app/entities"))
    }

    /// The filters as a query string, for paging, exports and returning to the list.
    static func listQuery(_ filters: EntitySearch.Filters) -> String {
        var components = URLComponents()
        components.queryItems = filters.fields.compactMap { name, value in value?.trimmed.nilIfEmpty.map { URLQueryItem(name: name, value: $0) } }
        return components.percentEncodedQuery ?? ""
    }

    /// Bulk assignment from the list; refused input shows the same list with the problems named.
    @Sendable static func assign(req: Request) async throws -> Response {
        let input = try req.content.decode(EntityAssignment.Input.self)
        let filters = input.filters ?? .init()
        return try await req.form("entities/list", title: "被监督单位") {
            let outcome = try await EntityAssignment.assign(input, by: try req.caller)
            return try await req.redirect(to: "/app/entities?" + listQuery(filters), flash: "已指派\(outcome.assigned)户单位")
        } invalid: { errors in
            try await listPage(req, title: "被监督单位", filters: filters, action: "/app/entities", assignment: input, errors: errors.map(\.description))
        }
    }

    @Sendable static func assignAPI(req: Request) async throws -> EntityAssignment.Outcome {
        try await EntityAssignment.assign(try req.content.decode(EntityAssignment.Input.self), by: try req.caller)
    }

    /// An inspector's own units (我的单位).
    @Sendable static func mine(req: Request) async throws -> View {
        var filters = try req.query.decode(EntitySearch.Filters.self)
        filters.inspector = try req.currentUser.id.uuidString
        return try await req.renderPage("entities/list", title: "我的单位", content: try await listPage(req, title: "我的单位", filters: filters, action: "/app/entities/mine"))
    }

    @Sendable static func listAPI(req: Request) async throws -> EntitySearch.Result {
        try await EntitySearch.list(try req.query.decode(EntitySearch.Filters.self), scope: try req.currentUser.scope, on: req.db)
    }

    /// The filtered list as CSV or XLSX; the contact phone is masked (reveal is one unit at a time).
    @Sendable static func export(req: Request) async throws -> Response {
        let filters = try req.query.decode(EntitySearch.Filters.self)
        let rows = try await EntitySearch.all(filters, scope: try req.currentUser.scope, cap: 1_000_000, on: req.db)
        let phones = try await EntityQueries.maskedContactPhones(rows.compactMap { UUID(uuidString: $0.id) }, crypto: req.fieldCrypto, on: req.db)
        let header = ["单位编码", "单位名称", "简称", "统一社会信用代码", "专业类别代码", "专业类别", "行政区划代码", "经营地址", "法定代表人（负责人）",
                      "联系电话", "经营状态", "量化分级", "片区", "责任科室", "信息来源", "更新时间"]
        let cells = rows.map { r in
            [r.unitCode, r.name, r.shortName, r.creditCode, r.categoryCode, r.category, r.division, r.address, r.legalRepName,
             phones[r.id] ?? "", r.status, r.grade, r.area, r.department, r.source, r.updatedAt]
        }
        return try await TableExport.response(req, name: "被监督单位", header: header, rows: cells, what: "entities")
    }

    // MARK: register and change

    static func origin(_ req: Request, action: String) throws -> EntityQueries.Origin {
        EntityQueries.Origin(actor: Actor(try req.currentUser), action: action, comment: "", source: .internal)
    }

    @Sendable static func newForm(req: Request) async throws -> View {
        let category = try? req.query.get(String.self, at: "category")
        let user = try req.currentUser
        let input = EntityInput(categoryCode: category, departmentID: user.departmentID?.uuidString)
        return try await req.renderPage("entities/form", title: "登记被监督单位", content: try await EntityPages.form(isNew: true, entityID: nil, input: input, on: req))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let input = try req.content.decode(EntityInput.self)
        return try await saveForm(req, isNew: true, entityID: nil, input: input) {
            let entity = try await EntityQueries.create(input, origin: try origin(req, action: "create"), by: try req.caller)
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())", flash: "已登记“\(entity.name)”，单位编码\(entity.unitCode)")
        }
    }

    /// Runs a save; bad input, or likely duplicates not yet confirmed, render the form again with
    /// every problem named and the possible duplicates listed to open or confirm.
    static func saveForm(_ req: Request, isNew: Bool, entityID: UUID?, input: EntityInput, action: () async throws -> Response) async throws -> Response {
        let duplicates = DuplicatesFound()
        return try await req.form("entities/form", title: isNew ? "登记被监督单位" : "修改被监督单位") {
            do {
                return try await action()
            } catch let likely as EntityDuplicates.Likely {
                duplicates.matches = likely.matches
                throw ValidationError(field: "单位名称", code: "duplicate.likely", message: "可能与下列已登记的单位重复，请打开核对；不是同一单位的，勾选确认后再保存")
            }
        } invalid: { errors in
            var form = try await EntityPages.form(isNew: isNew, entityID: entityID, input: input, on: req)
            form.errors = errors.map(\.description)
            form.duplicates = duplicates.matches
            return form
        }
    }

    final class DuplicatesFound: @unchecked Sendable { var matches: [EntityDuplicates.Match] = [] }

    static func entity(_ req: Request) async throws -> SupervisedEntity {
        try await EntityQueries.visible(req.parameters.get("entityID").flatMap(UUID.init(uuidString:)), caller: try req.caller)
    }

    @Sendable static func editForm(req: Request) async throws -> View {
        let entity = try await entity(req)
        guard entity.status != .merged else { throw Abort(.conflict, reason: "该单位已被合并，请修改合并后的单位") }
        let input = EntityPages.input(of: entity, inspectors: try await EntityQueries.inspectorIDs(try entity.requireID(), on: req.db))
        return try await req.renderPage("entities/form", title: "修改被监督单位", content: try await EntityPages.form(isNew: false, entityID: entity.id, input: input, on: req))
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let entity = try await entity(req)
        guard entity.status != .merged else { throw Abort(.conflict, reason: "该单位已被合并，请修改合并后的单位") }
        let input = try req.content.decode(EntityInput.self)
        return try await saveForm(req, isNew: false, entityID: entity.id, input: input) {
            let changes = try await EntityQueries.update(entity, with: try EntityPages.keepingPersonalData(input, of: entity, crypto: req.fieldCrypto),
                                                         origin: try origin(req, action: "update"), by: try req.caller)
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())", flash: changes.isEmpty ? "没有修改" : "已保存，修改了\(changes.count)项")
        }
    }

    // MARK: one unit, one file

    static func file(_ req: Request, _ entity: SupervisedEntity) async throws -> EntityPages.File {
        try await EntityPages.file(entity, user: try req.currentUser, crypto: req.fieldCrypto, tables: req.codeTables, today: req.application.clock.today,
                                   historyPage: req.pageNumber, on: req.db)
    }

    @Sendable static func show(req: Request) async throws -> View {
        let entity = try await entity(req)
        return try await req.renderPage("entities/show", title: entity.name, content: try await file(req, entity))
    }

    /// The printable file: the same content without navigation or forms; printing is audited.
    @Sendable static func printable(req: Request) async throws -> View {
        let entity = try await entity(req)
        try await req.audit(.entityPrint, target: ("entity", try entity.requireID().uuidString))
        let content = try await file(req, entity)
        return try await req.view.render("entities/print", PrintContext(organisation: req.settings.organisationName, printedAt: Format.dateTime(req.now),
                                                                        printedBy: try req.currentUser.displayName, file: content))
    }

    struct PrintContext: Encodable, Sendable {
        let organisation: String
        let printedAt: String
        let printedBy: String
        let file: EntityPages.File
    }

    /// Reveals one personal field for a stated purpose, audited in the same transaction.
    @Sendable static func reveal(req: Request) async throws -> Response {
        let entity = try await entity(req)
        let input = try req.content.decode(StaffController.RevealInput.self)
        var page = try await file(req, entity)
        let purpose = input.purpose?.trimmed ?? ""
        guard purpose.count >= 2, purpose.count <= 100 else {
            page.errors = ["查询用途：必填，请说明查看明文的用途（2到100个字）"]
            return try await req.renderPage("entities/show", title: entity.name, content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard let field = SupervisedEntity.encryptedFields.first(where: { $0.name == input.field }) else {
            throw ValidationError(field: "字段", code: "reveal.field", message: "只能查看身份证号或电话")
        }
        let cipher = [entity.legalRepIDCipher, entity.legalRepPhoneCipher, entity.contactPhoneCipher][SupervisedEntity.encryptedFields.firstIndex { $0.name == field.name }!]
        guard let cipher else { throw Abort(.notFound, reason: "\(field.kind.chinese)：未登记") }
        let crypto = req.fieldCrypto
        let value = try await req.db.writeTransaction { tx in
            let plain = try crypto.decrypt(cipher, context: field.context)
            try await req.audit(.personalReveal, target: ("entity", try entity.requireID().uuidString), details: ["field": field.name, "purpose": purpose], on: tx)
            return plain
        }
        page.revealed = StaffController.Revealed(userID: try entity.requireID().uuidString, displayName: entity.name, field: field.name,
                                                 fieldName: page.personal.first { $0.field == field.name }?.label ?? field.kind.chinese, value: value, purpose: purpose)
        return try await req.renderPage("entities/show", title: entity.name, content: page).encodeResponse(for: req)
    }

    // MARK: hand-over

    struct HandoverPage: Encodable, Sendable {
        let from: [EntityPages.Choice]
        let to: [EntityPages.Choice]
        var errors: [String] = []
    }

    /// Who may hand over and receive, within the caller's scope: units come from any inspector
    /// of a department in scope (also a disabled one); they go only to an active inspector or
    /// department head of such a department, never to an administrator (三权分立, issue 10).
    static func handoverPage(_ req: Request, errors: [String] = []) async throws -> HandoverPage {
        let scope = try req.currentUser.scope
        func label(_ row: UserQueries.Supervisor) -> EntityPages.Choice {
            .init(value: row.id.uuidString, label: "\(row.displayName)（\(row.username)）\(row.department.isEmpty ? "" : " · " + row.department)\(row.active ? "" : "【已停用】")")
        }
        return HandoverPage(from: try await UserQueries.supervisors(in: scope, activeOnly: false, on: req.db).map(label),
                            to: try await UserQueries.supervisors(in: scope, activeOnly: true, on: req.db).map(label), errors: errors)
    }

    @Sendable static func handoverForm(req: Request) async throws -> View {
        try await req.renderPage("entities/handover", title: "移交监管单位", content: try await handoverPage(req))
    }

    struct HandoverInput: Content {
        var from: String?
        var to: String?
    }

    @Sendable static func handover(req: Request) async throws -> Response {
        let input = try req.content.decode(HandoverInput.self)
        let caller = try req.caller
        let choices = try await handoverPage(req)
        var errors: [String] = []
        let from = input.from.flatMap(UUID.init(uuidString:))
        let to = input.to.flatMap(UUID.init(uuidString:))
        if from == nil || !choices.from.contains(where: { $0.value == from?.uuidString }) { errors.append("原监督员：请从列表中选择本人数据范围内的监督员") }
        if to == nil || !choices.to.contains(where: { $0.value == to?.uuidString }) {
            errors.append("接收监督员：请从列表中选择本人数据范围内在用的监督员或科室负责人")
        }
        if let from, from == to { errors.append("接收监督员：不能与原监督员相同") }
        guard errors.isEmpty, let from, let to else {
            if let to, !choices.to.contains(where: { $0.value == to.uuidString }) {
                try await caller.audit(.entityHandover, target: ("user", to.uuidString), outcome: .denied, details: ["reason": "receiver"])
            }
            return try await req.renderPage("entities/handover", title: "移交监管单位", content: try await handoverPage(req, errors: errors))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let result = try await EntityAssignment.handOver(from: from, to: to, by: caller)
        let name = choices.to.first { $0.value == to.uuidString }?.label ?? ""
        let rest = result.outOfScope > 0 ? "；另有\(result.outOfScope)户不在您的数据范围内，未移交" : ""
        return try await req.redirect(to: "/app/entities?inspector=\(to)", flash: "已将\(result.moved)户单位移交给\(name)\(rest)")
    }

    // MARK: API

    struct Detail: Content {
        let id: String
        let unitCode: String
        let input: EntityInput
        let status: String
        let classification: String
    }

    static func detail(_ entity: SupervisedEntity, on db: any Database) async throws -> Detail {
        Detail(id: try entity.requireID().uuidString, unitCode: entity.unitCode,
               input: EntityPages.input(of: entity, inspectors: try await EntityQueries.inspectorIDs(try entity.requireID(), on: db)),
               status: entity.status.rawValue,
               classification: Classification(businessType: entity.topCategory, nature: .basic, source: InformationSource(rawValue: entity.source) ?? .internal,
                                              sensitivity: .personal).summary)
    }

    @Sendable static func showAPI(req: Request) async throws -> Detail { try await detail(try await entity(req), on: req.db) }

    @Sendable static func createAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(EntityInput.self)
        let entity = try await EntityDuplicates.answeringAPI { try await EntityQueries.create(input, origin: try origin(req, action: "create"), by: try req.caller) }
        return try await detail(entity, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func updateAPI(req: Request) async throws -> Detail {
        let entity = try await entity(req)
        guard entity.status != .merged else { throw Abort(.conflict, reason: "该单位已被合并") }
        let input = try EntityPages.keepingPersonalData(try req.content.decode(EntityInput.self), of: entity, crypto: req.fieldCrypto)
        _ = try await EntityDuplicates.answeringAPI { try await EntityQueries.update(entity, with: input, origin: try origin(req, action: "update"), by: try req.caller) }
        return try await detail(entity, on: req.db)
    }

    @Sendable static func historyAPI(req: Request) async throws -> Paged<EntityQueries.HistoryRow> {
        try await EntityQueries.history(try await entity(req).requireID(), page: req.pageNumber, on: req.db)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension EntitiesController.Detail: APIExample {
    static let example = EntitiesController.Detail(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", unitCode: "350102000001", input: .example,
                                                   status: "operating", classification: "公共场所 · 基础信息 · 内部 · 含个人信息")
}

extension EntityQueries.HistoryRow: APIExample {
    static let example = EntityQueries.HistoryRow(at: "2026-12-01 10:00", actor: "李强(ggjd1)", action: "修改", comment: "",
                                                  changes: [.init(field: "联系人", from: "张三", to: "李四")])
}

extension EntitySearch.Result: APIExample {
    static let example = EntitySearch.Result(rows: [.init(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", unitCode: "350102000001", name: "福州阳光宾馆有限公司",
                                                          shortName: "阳光宾馆", creditCode: "91350100M000100Y43", category: "宾馆", categoryCode: "GG0101",
                                                          division: "350102", address: "福州市鼓楼区五四路12号", legalRepName: "张三", status: "在营", grade: "A",
                                                          area: "一片区", department: "公共场所卫生监督科", source: "内部", updatedAt: "2026-12-01 10:00")],
                                             total: 1, more: false, page: 1, pages: 1)
}

extension EntitySearch.Filters {
    static var parameters: [APIDoc.Parameter] {
        [.text("q", "名称、简称、地址、信用代码、单位编码或许可证号", maxLength: 100), .text("category", "专业类别代码（含其下级）", maxLength: 20),
         .text("division", "行政区划代码（含其下级）", maxLength: 6), .text("area", "片区", maxLength: 50), .uuid("department", "责任科室"),
         .choice("status", "经营状态", SupervisedEntity.Status.allCases.map(\.rawValue)), .text("grade", "量化分级", maxLength: 10),
         .choice("source", "信息来源", InformationSource.allCases.map(\.rawValue)), .uuid("inspector", "监督员"),
         .integer("page", "页码", 1...1_000_000)]
    }
}
