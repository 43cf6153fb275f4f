import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 行政处罚案件: opening a case from an inspection's failed item (立案 link), the case page with its
/// deadlines and how they were computed, each step of the procedure as a form, the lists, and the
/// same through the API.
enum CasesController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "cases", access: .permission(.casesHandle), use: list)
        web.endpoint(.GET, "app", "inspections", ":inspectionID", "cases", "new", access: .permission(.casesHandle), use: newForm)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "cases", access: .permission(.casesHandle), use: open)
        web.endpoint(.GET, "app", "cases", ":caseID", access: .permission(.casesHandle), use: show)
        web.endpoint(.POST, "app", "cases", ":caseID", "steps", access: .permission(.casesHandle), use: step)
        web.endpoint(.POST, "app", "cases", ":caseID", "facts", access: .permission(.casesHandle), use: saveFacts)
        web.endpoint(.POST, "app", "cases", ":caseID", "statement", access: .permission(.casesHandle), use: saveStatement)
        web.endpoint(.POST, "app", "cases", ":caseID", "payments", access: .permission(.casesHandle), use: pay)
        web.endpoint(.POST, "app", "cases", ":caseID", "documents", access: .permission(.casesHandle), use: issue)

        api.endpoint(.GET, "cases", access: .permission(.casesHandle),
                     doc: APIDoc("行政处罚案件列表（view=open 未结案件，含最近的期限）", query: [.choice("view", "列表", CaseQueries.View.allCases.map(\.rawValue)), .page],
                                 response: Paged<CaseQueries.Row>.self), use: listAPI)
        api.endpoint(.GET, "cases", ":caseID", access: .permission(.casesHandle),
                     doc: APIDoc("一个案件：当事人、事实、承办人、证据、期限及其计算过程、办理经过", response: CasePages.Detail.self), use: showAPI)
        api.endpoint(.POST, "cases", ":caseID", "steps", access: .permission(.casesHandle),
                     doc: APIDoc("办理一个环节（立案、调查终结、合议、法制审核、告知、决定、送达、执行完毕、结案、不予立案、撤案、移送）",
                                 body: CaseQueries.StepInput.self, required: ["action", "date"], response: CasePages.Detail.self), use: stepAPI)
        api.endpoint(.POST, "cases", ":caseID", "documents", access: .permission(.casesHandle),
                     doc: APIDoc("签发案件文书（分配文号，生成并冻结PDF；只在案件所处环节允许时）", body: IssueInput.self, required: ["kind"],
                                 response: Documents.Issued.self, status: .created), use: issueAPI)
    }

    static func record(_ req: Request) async throws -> CaseQueries.Record {
        try await CaseQueries.visible(req.parameters.get("caseID").flatMap(UUID.init(uuidString:)), caller: try req.caller)
    }

    // MARK: web

    struct ListPage: Encodable, Sendable {
        let rows: [CaseQueries.Row]
        let pager: Pager
        let view: String
    }

    @Sendable static func list(req: Request) async throws -> View {
        let view = CaseQueries.View(rawValue: (try? req.query.get(String.self, at: "view")) ?? "") ?? .open
        let paged = try await CaseQueries.list(view: view, page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
        return try await req.renderPage("cases/list", title: view == .open ? "未结案件" : "全部案件",
                                        content: ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/cases", query: ["view": view.rawValue]), view: view.rawValue))
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<CaseQueries.Row> {
        let view = CaseQueries.View(rawValue: (try? req.query.get(String.self, at: "view")) ?? "") ?? .open
        return try await CaseQueries.list(view: view, page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
    }

    struct NewPage: Encodable, Sendable {
        let inspectionID: UUID
        let inspectionNumber: String
        let entityName: String
        let input: CaseQueries.OpenInput
        let handlers: [String]
        let errors: [String]
    }

    static func renderNew(_ req: Request, inspection: InspectionQueries.Record, entity: SupervisedEntity, input: CaseQueries.OpenInput,
                          errors: [ValidationError]) async throws -> View {
        let handlers = try await InspectionQueries.inspectors(inspection.id, on: req.db).map { "\($0.name)（\($0.certificateNumber)）" }
        return try await req.renderPage("cases/new", title: "受理案件：\(entity.name)",
                                        content: NewPage(inspectionID: inspection.id, inspectionNumber: inspection.number ?? "", entityName: entity.name,
                                                         input: input, handlers: handlers, errors: errors.map(\.description)))
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let (inspection, entity) = try await InspectionsController.inspection(req)
        let item = (try? req.query.get(String.self, at: "item")) ?? ""
        do {
            let input = try await CaseQueries.proposal(item: item, inspection: inspection, on: req.db)
            return try await renderNew(req, inspection: inspection, entity: entity, input: input, errors: []).encodeResponse(for: req)
        } catch let error as ValidationError {
            return try await req.redirect(to: "/app/inspections/\(inspection.id)", flash: "不能受理：" + error.description)
        }
    }

    @Sendable static func open(req: Request) async throws -> Response {
        let (inspection, entity) = try await InspectionsController.inspection(req)
        var input = try req.content.decode(CaseQueries.OpenInput.self)
        input.major = (try? req.content.get(String.self, at: "major")) == "on" || input.major == true
        input.lifeAndHealth = (try? req.content.get(String.self, at: "lifeAndHealth")) == "on" || input.lifeAndHealth == true
        do {
            let id = try await CaseQueries.open(input, inspection: inspection, entity: entity, by: try req.caller)
            return try await req.redirect(to: "/app/cases/\(id)", flash: "案件已受理，请报科室负责人或所领导审批立案")
        } catch let error as ValidationErrors {
            return try await renderNew(req, inspection: inspection, entity: entity, input: input, errors: error.errors).encodeResponse(status: .unprocessableEntity, for: req)
        } catch let error as ValidationError {
            return try await renderNew(req, inspection: inspection, entity: entity, input: input, errors: [error]).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    static func renderShow(_ req: Request, _ record: CaseQueries.Record, errors: [ValidationError] = [], typed: CasePages.Typed = .init(),
                           status: HTTPStatus = .ok) async throws -> Response {
        let today = req.application.clock.today
        let detail = try await CasePages.detail(record, today: today, on: req.db)
        let user = try req.currentUser
        return try await req.renderPage("cases/show", title: "案件 \(record.number)",
                                        content: CasePages.showPage(detail, topCategory: record.topCategory, roles: user.roles, today: today, typed: typed, errors: errors.map(\.description)))
            .encodeResponse(status: status, for: req)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        try await renderShow(req, try await record(req))
    }

    /// Runs a change of the case; a refusal shows the case again with the reasons and what was
    /// typed, nothing saved.
    static func change(_ req: Request, done flash: String, typed: CasePages.Typed, _ work: (CaseQueries.Record, Caller) async throws -> Void) async throws -> Response {
        let record = try await record(req)
        do {
            try await work(record, try req.caller)
            return try await req.redirect(to: "/app/cases/\(record.id)", flash: flash)
        } catch let error as ValidationErrors {
            return try await renderShow(req, record, errors: error.errors, typed: typed, status: .unprocessableEntity)
        } catch let error as ValidationError {
            return try await renderShow(req, record, errors: [error], typed: typed, status: .unprocessableEntity)
        }
    }

    @Sendable static func step(req: Request) async throws -> Response {
        let input = try req.content.decode(CaseQueries.StepInput.self)
        let action = CaseAction(rawValue: input.action ?? "")
        return try await change(req, done: "已办理：\(action?.chinese ?? "")", typed: .init(step: input)) { record, caller in
            try await CaseQueries.step(input, record: record, by: caller)
        }
    }

    @Sendable static func saveFacts(req: Request) async throws -> Response {
        var input = try req.content.decode(CaseQueries.FactsInput.self)
        input.major = (try? req.content.get(String.self, at: "major")) == "on" || input.major == true
        input.lifeAndHealth = (try? req.content.get(String.self, at: "lifeAndHealth")) == "on" || input.lifeAndHealth == true
        return try await change(req, done: "案件事实与处罚意见已保存", typed: .init(facts: input)) { record, caller in
            try await CaseQueries.saveFacts(input, record: record, by: caller)
        }
    }

    @Sendable static func saveStatement(req: Request) async throws -> Response {
        var input = try req.content.decode(CaseQueries.StatementInput.self)
        for (key, path) in [("statementWaived", \CaseQueries.StatementInput.statementWaived), ("hearingRequested", \.hearingRequested), ("hearingHeld", \.hearingHeld)] {
            input[keyPath: path] = (try? req.content.get(String.self, at: key)) == "on" || input[keyPath: path] == true
        }
        return try await change(req, done: "陈述申辩与听证情况已登记", typed: .init(statement: input)) { record, caller in
            try await CaseQueries.saveStatement(input, record: record, by: caller)
        }
    }

    @Sendable static func pay(req: Request) async throws -> Response {
        let input = try req.content.decode(CaseQueries.PaymentInput.self)
        return try await change(req, done: "缴款已登记", typed: .init(payment: input)) { record, caller in try await CaseQueries.pay(input, record: record, by: caller) }
    }

    struct IssueInput: Content, Sendable, APIExample {
        var kind: String?
        static let example = IssueInput(kind: DocumentKind.penaltyDecision.rawValue)
    }

    static func kind(_ raw: String?) throws -> DocumentKind {
        guard let kind = DocumentKind(rawValue: raw ?? ""), CaseDocuments.kinds.contains(kind) else {
            throw ValidationError(field: "文书种类", code: "choice", message: "应为：" + CaseDocuments.kinds.map { "\($0.rawValue)（\($0.chinese)）" }.joined(separator: "、"))
        }
        return kind
    }

    @Sendable static func issue(req: Request) async throws -> Response {
        let raw = try req.content.decode(IssueInput.self).kind
        let record = try await record(req)
        do {
            let issued = try await CaseDocuments.issue(try kind(raw), record: record, app: req.application, by: try req.caller)
            return try await req.redirect(to: "/app/cases/\(record.id)#documents", flash: "已签发\(issued.kindName) \(issued.number)")
        } catch let error as ValidationError {
            return try await renderShow(req, record, errors: [error], status: .unprocessableEntity)
        }
    }

    // MARK: API

    @Sendable static func issueAPI(req: Request) async throws -> Response {
        let record = try await record(req)
        return try await CaseDocuments.issue(try kind(try req.content.decode(IssueInput.self).kind), record: record, app: req.application, by: try req.caller)
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func showAPI(req: Request) async throws -> CasePages.Detail {
        try await CasePages.detail(try await record(req), today: req.application.clock.today, on: req.db)
    }

    @Sendable static func stepAPI(req: Request) async throws -> CasePages.Detail {
        let record = try await record(req)
        try await CaseQueries.step(try req.content.decode(CaseQueries.StepInput.self), record: record, by: try req.caller)
        return try await CasePages.detail(try await self.record(req), today: req.application.clock.today, on: req.db)
    }
}
