import Fluent
import Foundation
import Vapor
import WeijianCore

/// 双随机抽查: plans, draws, verifying a draw, the results list (CSV, ready for publication) and
/// declared conflicts.
enum RandomChecksController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "random-checks", access: .permission(.entitiesRead), use: list)
        web.endpoint(.POST, "app", "random-checks", access: .permission(.randomChecksManage), use: create)
        web.endpoint(.GET, "app", "random-checks", ":planID", access: .permission(.entitiesRead), use: show)
        web.endpoint(.POST, "app", "random-checks", ":planID", "draw", access: .permission(.randomChecksManage), use: draw)
        web.endpoint(.GET, "app", "random-checks", ":planID", "results", access: .permission(.dataExport), use: results)
        web.endpoint(.POST, "app", "entities", ":entityID", "recusals", access: .permission(.inspectionsRecord), use: recuse)
        api.endpoint(.GET, "random-checks", access: .permission(.entitiesRead),
                     doc: APIDoc("双随机抽查计划", query: [.page], response: Paged<RandomCheckQueries.Plan>.self), use: listAPI)
        api.endpoint(.POST, "random-checks", access: .permission(.randomChecksManage),
                     doc: APIDoc("制定双随机抽查计划", body: RandomCheckQueries.PlanInput.self, required: ["name", "shares", "windowStart", "windowEnd"],
                                 response: RandomCheckQueries.Plan.self, status: .created), use: createAPI)
        api.endpoint(.POST, "random-checks", ":planID", "draws", access: .permission(.randomChecksManage),
                     doc: APIDoc("按计划抽取（记录种子、名录快照和算法版本，并向抽中的监督员派发检查任务）", response: RandomCheckQueries.DrawRecord.self, status: .created),
                     use: drawAPI)
        api.endpoint(.GET, "random-checks", "draws", ":drawID", "verify", access: .permission(.entitiesRead),
                     doc: APIDoc("按记录重新抽取，核验结果是否一致", response: RandomCheckQueries.Verification.self), use: verifyAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [RandomCheckQueries.Plan]
        let pager: Pager
        let canManage: Bool
        let input: RandomCheckQueries.PlanInput
        let errors: [String]
    }

    static func renderList(_ req: Request, input: RandomCheckQueries.PlanInput, errors: [String]) async throws -> View {
        let paged = try await RandomCheckQueries.plans(page: req.pageNumber, on: req.db)
        return try await req.renderPage("random-checks/list", title: "双随机抽查",
                                        content: ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/random-checks"), canManage: try req.currentUser.can(.randomChecksManage),
                                                          input: input, errors: errors))
    }

    @Sendable static func list(req: Request) async throws -> View {
        let today = req.application.clock.today
        return try await renderList(req, input: .init(year: today.year, windowStart: today.description, windowEnd: LocalDate(year: today.year, month: 12, day: 31)!.description,
                                                      perTarget: 2), errors: [])
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let input = try req.content.decode(RandomCheckQueries.PlanInput.self)
        do {
            let id = try await RandomCheckQueries.create(input, by: try req.caller)
            return try await req.redirect(to: "/app/random-checks/\(id)", flash: "抽查计划已制定")
        } catch let error as ValidationErrors {
            return try await renderList(req, input: input, errors: error.errors.map(\.description)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    struct ShowPage: Encodable, Sendable {
        let plan: RandomCheckQueries.Plan
        let draws: [RandomCheckQueries.DrawRecord]
        let verification: RandomCheckQueries.Verification?
        let canManage: Bool
        let canExport: Bool
        let errors: [String]
    }

    static func renderShow(_ req: Request, errors: [String] = []) async throws -> View {
        let plan = try await RandomCheckQueries.plan(req.parameters.get("planID").flatMap(UUID.init(uuidString:)), on: req.db)
        let verify = (try? req.query.get(String.self, at: "verify")).flatMap(UUID.init(uuidString:))
        let user = try req.currentUser
        return try await req.renderPage("random-checks/show", title: plan.name,
                                        content: ShowPage(plan: plan, draws: try await RandomCheckQueries.draws(planID: plan.id, on: req.db),
                                                          verification: try await verify.asyncMap { try await RandomCheckQueries.verify($0, on: req.db) },
                                                          canManage: user.can(.randomChecksManage), canExport: user.can(.dataExport), errors: errors))
    }

    @Sendable static func show(req: Request) async throws -> View { try await renderShow(req) }

    @Sendable static func draw(req: Request) async throws -> Response {
        let plan = try await RandomCheckQueries.plan(req.parameters.get("planID").flatMap(UUID.init(uuidString:)), on: req.db)
        do {
            let record = try await RandomCheckQueries.draw(plan, app: req.application, by: try req.caller)
            return try await req.redirect(to: "/app/random-checks/\(plan.id)", flash: "已抽取\(record.targets.count)户，种子\(record.seed)，检查任务已派发给抽中的监督员")
        } catch let error as ValidationErrors {
            return try await renderShow(req, errors: error.errors.map(\.description)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// The latest draw's targets and what came of them, as CSV or XLSX (for publication: 一公开).
    @Sendable static func results(req: Request) async throws -> Response {
        let plan = try await RandomCheckQueries.plan(req.parameters.get("planID").flatMap(UUID.init(uuidString:)), on: req.db)
        guard let latest = try await RandomCheckQueries.draws(planID: plan.id, on: req.db).first else { throw Abort(.notFound, reason: "该计划尚未抽取") }
        var rows: [[String]] = []
        for target in latest.targets {
            let done = try await InspectionQueries.list(view: .all, entityID: UUID(uuidString: target.entityID), page: 1,
                                                        today: req.application.clock.today, caller: .system(req.application))
                .rows.first { $0.status == "submitted" && $0.source == InspectionSource.randomCheck.chinese && $0.inspectedOn >= plan.windowStart }
            rows.append([plan.name, target.entityName, target.category, target.inspectors, done?.inspectedOn ?? "", done?.gradeName ?? (done == nil ? "未检查" : ""),
                         done?.number ?? ""])
        }
        return try await TableExport.response(req, name: "双随机抽查结果", header: ["计划", "单位", "类别", "监督员", "检查日期", "检查结果", "检查编号"], rows: rows, what: "randomChecks")
    }

    struct RecusalInput: Content {
        var userID: String?
        var reason: String?
    }

    @Sendable static func recuse(req: Request) async throws -> Response {
        let entity = try await LicensesController.entity(req)
        let input = try req.content.decode(RecusalInput.self)
        let user = try req.currentUser
        // An inspector declares their own conflicts; a department head may declare one for their staff.
        let target = input.userID.flatMap(UUID.init(uuidString:)) ?? user.id
        if target != user.id && !user.can(.randomChecksManage) { throw Abort(.forbidden, reason: "只能登记本人的回避") }
        do {
            try await RandomCheckQueries.recuse(userID: target, entity: entity, reason: input.reason, by: try req.caller)
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())#inspections", flash: "已登记回避，以后的双随机抽取不会抽到该监督员检查本单位")
        } catch let error as ValidationError {
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())#inspections", flash: "未登记：" + error.description)
        }
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<RandomCheckQueries.Plan> {
        try await RandomCheckQueries.plans(page: req.pageNumber, on: req.db)
    }

    @Sendable static func createAPI(req: Request) async throws -> Response {
        let id = try await RandomCheckQueries.create(try req.content.decode(RandomCheckQueries.PlanInput.self), by: try req.caller)
        return try await RandomCheckQueries.plan(id, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func drawAPI(req: Request) async throws -> Response {
        let plan = try await RandomCheckQueries.plan(req.parameters.get("planID").flatMap(UUID.init(uuidString:)), on: req.db)
        return try await RandomCheckQueries.draw(plan, app: req.application, by: try req.caller).encodeResponse(status: .created, for: req)
    }

    @Sendable static func verifyAPI(req: Request) async throws -> RandomCheckQueries.Verification {
        guard let id = req.parameters.get("drawID").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound, reason: "抽取记录不存在") }
        return try await RandomCheckQueries.verify(id, on: req.db)
    }
}
