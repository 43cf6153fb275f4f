import Fluent
import Foundation
import Vapor
import WeijianCore

/// Health licences and filings (卫生许可与备案): issue from the unit's file, later events, and the
/// lists of licences nearing expiry or review and of expired ones.
enum LicensesController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "licences", access: .permission(.entitiesRead), use: list)
        web.endpoint(.POST, "app", "entities", ":entityID", "licences", access: .permission(.licencesManage), use: issue)
        web.endpoint(.POST, "app", "licences", ":licenceID", "events", access: .permission(.licencesManage), use: event)
        api.endpoint(.GET, "licences", access: .permission(.entitiesRead),
                     doc: APIDoc("即将到期或复核（view=expiring&days=60）及已过期（view=expired）的许可证", query: [
                        .choice("view", "列表", ["expiring", "expired"]), .integer("days", "多少天内到期", 1...366), .page],
                                 response: Paged<LicenseQueries.Row>.self), use: listAPI)
        api.endpoint(.POST, "entities", ":entityID", "licences", access: .permission(.licencesManage),
                     doc: APIDoc("登记卫生许可证或备案", body: LicenseQueries.Input.self, required: ["number", "issuingOrgan", "issueDate"],
                                 response: LicenseQueries.Row.self, status: .created), use: issueAPI)
        api.endpoint(.POST, "licences", ":licenceID", "events", access: .permission(.licencesManage),
                     doc: APIDoc("办理许可证变更、延续、补办、注销、撤回或撤销", body: LicenseQueries.Input.self, required: ["event", "eventDate"],
                                 response: LicenseQueries.Row.self), use: eventAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [LicenseQueries.Row]
        let pager: Pager
        let view: String
        let days: Int
    }

    static func rows(_ req: Request) async throws -> (String, Int, Paged<LicenseQueries.Row>) {
        let view = (try? req.query.get(String.self, at: "view")) == "expired" ? "expired" : "expiring"
        let days = min(max((try? req.query.get(Int.self, at: "days")) ?? 60, 1), 366)
        let rows = try await LicenseQueries.expiring(scope: try req.currentUser.scope, withinDays: days, expired: view == "expired", page: req.pageNumber,
                                                     today: req.application.clock.today, on: req.db)
        return (view, days, rows)
    }

    @Sendable static func list(req: Request) async throws -> View {
        let (view, days, paged) = try await rows(req)
        let pager = Pager(paged, path: "/app/licences", query: ["view": view, "days": String(days)])
        return try await req.renderPage("licences/list", title: view == "expired" ? "已过期许可证" : "即将到期许可证",
                                        content: ListPage(rows: paged.rows, pager: pager, view: view, days: days))
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<LicenseQueries.Row> { try await rows(req).2 }

    static func entity(_ req: Request) async throws -> SupervisedEntity {
        let entity = try await EntityQueries.visible(req.parameters.get("entityID").flatMap(UUID.init(uuidString:)), caller: try req.caller)
        guard entity.status != .merged else { throw Abort(.conflict, reason: "该单位已被合并，请在合并后的单位办理") }
        return entity
    }

    static func licence(_ req: Request) async throws -> (HealthLicense, SupervisedEntity) {
        guard let id = req.parameters.get("licenceID").flatMap(UUID.init(uuidString:)), let licence = try await HealthLicense.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "许可证不存在")
        }
        let entity = try await EntityQueries.visible(licence.entityID, caller: try req.caller, asking: ("licence", id.uuidString))
        return (licence, entity)
    }

    /// Form errors are shown on the unit's file, next to the licence forms.
    static func fileWithErrors(_ req: Request, _ entity: SupervisedEntity, _ errors: [ValidationError], typed: LicenseQueries.Input? = nil) async throws -> Response {
        var page = try await EntitiesController.file(req, entity)
        page.errors = errors.map(\.description)
        if let typed { page.licenceForm = typed }
        return try await req.renderPage("entities/show", title: entity.name, content: page).encodeResponse(status: .unprocessableEntity, for: req)
    }

    @Sendable static func issue(req: Request) async throws -> Response {
        let entity = try await entity(req)
        let input = try req.content.decode(LicenseQueries.Input.self)
        do {
            let licence = try await LicenseQueries.issue(input, entity: entity, by: try req.caller)
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())#licences", flash: "已登记\(licence.kind == .filing ? "备案" : "许可证")\(licence.number)")
        } catch let error as ValidationErrors {
            return try await fileWithErrors(req, entity, error.errors, typed: input)
        } catch let error as ValidationError {
            return try await fileWithErrors(req, entity, [error], typed: input)
        }
    }

    @Sendable static func event(req: Request) async throws -> Response {
        let (licence, entity) = try await licence(req)
        do {
            let input = try req.content.decode(LicenseQueries.Input.self)
            try await LicenseQueries.apply(input, to: licence, entity: entity, by: try req.caller)
            return try await req.redirect(to: "/app/entities/\(try entity.requireID())#licences",
                                          flash: "许可证\(licence.number)已办理\(LicenseEvent(rawValue: input.event ?? "")?.chinese ?? "")")
        } catch let error as ValidationErrors {
            return try await fileWithErrors(req, entity, error.errors)
        } catch let error as ValidationError {
            return try await fileWithErrors(req, entity, [error])
        }
    }

    @Sendable static func issueAPI(req: Request) async throws -> Response {
        let entity = try await entity(req)
        let licence = try await LicenseQueries.issue(try req.content.decode(LicenseQueries.Input.self), entity: entity, by: try req.caller)
        let categories = try await LicenseQueries.categoryMap(on: req.db)
        return try await LicenseQueries.row(licence, entityName: entity.name, categories: categories, today: req.application.clock.today, events: [])
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func eventAPI(req: Request) async throws -> LicenseQueries.Row {
        let (licence, entity) = try await licence(req)
        try await LicenseQueries.apply(try req.content.decode(LicenseQueries.Input.self), to: licence, entity: entity, by: try req.caller)
        return LicenseQueries.row(licence, entityName: entity.name, categories: try await LicenseQueries.categoryMap(on: req.db),
                                  today: req.application.clock.today, events: [])
    }

    /// Reminders 60, 30 and 7 days before a licence expires or is due for review, to the unit's
    /// inspectors (or the information officers when none is assigned) and the unit's portal users.
    static func remind(_ app: Application) async throws {
        let now = app.clock.now()
        let today = LocalDate(instant: now)
        let officers = try await UserQueries.holders(of: .infoOfficer, on: app.db)
        // Every licence due, page by page (a large registry has more than one page of them).
        var rows: [LicenseQueries.Row] = []
        var page = 1
        while true {
            let paged = try await LicenseQueries.expiring(scope: .unrestricted, withinDays: 60, expired: false, page: page, pageSize: 500, today: today, on: app.db)
            rows += paged.rows
            guard paged.page < paged.pages else { break }
            page += 1
        }
        for row in rows {
            guard let entityID = UUID(uuidString: row.entityID) else { continue }
            let due: [(date: String, what: String, threshold: Int)] = [(row.validUntil, "到期，请在\(row.renewalDue)前申请延续"), (row.nextReview, "复核")]
                .compactMap { text, what in
                    guard let date = LocalDate(text), date >= today, let threshold = LicenseTerms.reminderThreshold(for: date, today: today) else { return nil }
                    return (text, what, threshold)
                }
            guard !due.isEmpty else { continue }
            var staff = try await EntityQueries.inspectorIDs(entityID, on: app.db)
            if staff.isEmpty { staff = officers }
            let portal = try await User.query(on: app.db).filter(\.$entityID == entityID).filter(\.$status == .active).all().compactMap(\.id)
            for item in due {
                let key = "licence-\(row.id)-\(item.date)-\(item.threshold)"
                for user in staff {
                    try await Inbox.notify(userID: user, kind: .reminder, title: "\(row.entityName)的\(row.kind)\(row.number)将于\(item.threshold)天内\(item.what)（\(item.date)）",
                                           link: "/app/entities/\(row.entityID)#licences", dueDate: item.date, dedupeKey: key, on: app.db, now: now)
                }
                for user in portal {
                    try await Inbox.notify(userID: user, kind: .reminder, title: "贵单位的卫生许可证\(row.number)将于\(item.threshold)天内\(item.what)（\(item.date)）",
                                           link: "/portal", dueDate: item.date, dedupeKey: key, on: app.db, now: now)
                }
            }
        }
    }
}

extension LicenseQueries.Row: APIExample {
    static let example = LicenseQueries.Row(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", entityID: "3F2504E0-4F89-11D3-9A0C-0305E82C3302",
                                            entityName: "福州阳光宾馆有限公司", number: "榕卫公字〔2024〕第0000123号", kind: "卫生许可", category: "宾馆",
                                            scope: "住宿", issuingOrgan: "卫生健康委员会", issueDate: "2024-03-01", validUntil: "2028-02-29",
                                            nextReview: "2026-03-01", status: "有效", statusCode: "valid", daysLeft: 450, renewalDue: "2028-01-30",
                                            events: [.init(event: "发证", date: "2024-03-01", actor: "林晓燕(xinxi)", reason: "", changes: [])],
                                            allowedEvents: [.init(value: "change", label: "变更")])
}

extension LicenseQueries.Input: APIExample {
    static let example = LicenseQueries.Input(event: "renew", number: "榕卫公字〔2024〕第0000123号", scope: "住宿", issuingOrgan: "卫生健康委员会",
                                              issueDate: "2024-03-01", validUntil: "2028-02-29", eventDate: "2026-12-01", reason: "", categoryCode: "GG0101")
}
