import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Portal accounts of units' staff, kept by the information department: one by one from a unit,
/// or in bulk for every unit of a category that has none, with printable credential letters
/// carrying one-time passwords; and resets.
enum PortalAccountsController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "app", "portal-accounts", access: .permission(.portalAccounts), use: list)
        web.endpoint(.POST, "app", "portal-accounts", access: .permission(.portalAccounts), use: create)
        web.endpoint(.POST, "app", "portal-accounts", "bulk", access: .permission(.portalAccounts), use: bulk)
        web.endpoint(.POST, "app", "portal-accounts", ":userID", "reset", access: .permission(.portalAccounts), use: reset)
    }

    struct Row: Encodable, Sendable {
        let userID: String
        let username: String
        let displayName: String
        let entityID: String
        let entityName: String
        let status: String
        let lastLogin: String
    }

    struct Unit: Encodable, Sendable {
        let id: String
        let name: String
        let unitCode: String
        let address: String
        let accounts: Int
    }

    struct ListPage: Encodable, Sendable {
        let rows: [Row]
        let pager: Pager
        let categories: [EntityPages.Choice]
        /// The unit chosen (from its file or from the search) to open an account for.
        var unit: Unit?
        /// Units found by the search box.
        var found: [Unit] = []
        var q = ""
        var displayName = ""
        var errors: [String] = []
    }

    /// Portal accounts of units in the reader's scope (or of one unit), one page with the total.
    static func rows(_ req: Request, entityID: UUID?) async throws -> Paged<Row> {
        var query = req.db.sql.select().column(SQLColumn("id", table: "u")).column(SQLColumn("username", table: "u")).column(SQLColumn("display_name", table: "u"))
            .column(SQLColumn("status", table: "u")).column(SQLColumn("last_login_at", table: "u")).column(SQLColumn("id", table: "e"), as: "eid")
            .column(SQLColumn("name", table: "e"), as: "entity_name")
            .from(SQLAlias(SQLIdentifier(User.schema), as: SQLIdentifier("u")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("entity_id", table: "u"), .equal, SQLColumn("id", table: "e"))
        query = try req.currentUser.scope.applyToUnits(query)
        if let entityID { query = query.where(SQLColumn("id", table: "e"), .equal, SQLBind(entityID)) }
        return try await Paged.read(query.orderBy(SQLColumn("username", table: "u")), page: req.pageNumber, pageSize: 50, on: req.db) { rows in
            try rows.map { row in
                Row(userID: try row.decode(column: "id", as: UUID.self).uuidString, username: try row.decode(column: "username", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self), entityID: try row.decode(column: "eid", as: UUID.self).uuidString,
                    entityName: try row.decode(column: "entity_name", as: String.self),
                    status: try row.decode(column: "status", as: String.self) == "active" ? "启用" : "停用",
                    lastLogin: try row.decode(column: "last_login_at", as: Date?.self).map(Format.dateTime) ?? "从未登录")
            }
        }
    }

    static func unit(_ entity: SupervisedEntity, on db: any Database) async throws -> Unit {
        Unit(id: try entity.requireID().uuidString, name: entity.name, unitCode: entity.unitCode, address: entity.operatingAddress,
             accounts: try await User.query(on: db).filter(\.$entityID == entity.requireID()).count())
    }

    /// The page: accounts, a unit chosen from its file (`?entity=`), or units found by name,
    /// address or credit code (`?q=`) — no unit ids to type.
    static func page(_ req: Request, entity: SupervisedEntity? = nil, q: String? = nil) async throws -> ListPage {
        let chosen = entity?.id
        let paged = try await rows(req, entityID: chosen)
        var page = ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/portal-accounts", query: ["entity": chosen?.uuidString, "q": q]),
                            categories: try await EntityPages.categoryChoices(selected: nil, on: req.db))
        if let entity { page.unit = try await unit(entity, on: req.db) }
        if let q = q?.trimmed, !q.isEmpty {
            page.q = q
            let result = try await EntitySearch.list(.init(q: q), scope: try req.currentUser.scope, limit: 20, on: req.db)
            page.found = result.rows.map { Unit(id: $0.id, name: $0.name, unitCode: $0.unitCode, address: $0.address, accounts: 0) }
        }
        return page
    }

    @Sendable static func list(req: Request) async throws -> View {
        let entityID = (try? req.query.get(String.self, at: "entity")).flatMap(UUID.init(uuidString:))
        let entity = try await entityID.asyncMap { try await EntityQueries.visible($0, caller: try req.caller) }
        return try await req.renderPage("portal/accounts", title: "单位门户账号",
                                        content: try await page(req, entity: entity, q: try? req.query.get(String.self, at: "q")))
    }

    struct Letter: Encodable, Sendable {
        let entityName: String
        let unitCode: String
        let personName: String
        let username: String
        let password: String
    }

    struct LettersPage: Encodable, Sendable {
        let letters: [Letter]
        let organisation: String
        let remaining: Int
        /// How long the one-time passwords work (the security policy).
        let validHours: Int
        let loginAddress: String
        /// The address is the browser's, not the configured one: the administrator should set it.
        let addressUnset: Bool
    }

    /// Creates one account for a unit; the username is derived from the unit code.
    static func createAccount(for entity: SupervisedEntity, displayName: String, req: Request, on db: any Database) async throws -> Letter {
        let entityID = try entity.requireID()
        let existing = try await User.query(on: db).filter(\.$entityID == entityID).count()
        let username = "u" + entity.unitCode + (existing == 0 ? "" : "-\(existing + 1)")
        // The account is linked to its unit in the transaction that creates it (issue 10).
        let (user, password) = try await UserQueries.create(.init(username: username, displayName: displayName, kind: .portal, entityID: entityID, roles: [.entityUser]),
                                                            by: try req.caller.on(db), app: req.application)
        return Letter(entityName: entity.name, unitCode: entity.unitCode, personName: user.displayName, username: user.username, password: password)
    }

    static func letters(_ req: Request, _ letters: [Letter], remaining: Int = 0) async throws -> View {
        try await req.audit(.portalCredentials, details: ["count": "\(letters.count)"])
        let configured = try await SiteSettings.load(on: req.db).publicURL
        let host = req.headers.first(name: .host) ?? "\(req.settings.host):\(req.settings.port)"
        let seen = "\(req.settings.usesTLS || req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http")://\(host)"
        return try await req.view.render("portal/letters", LettersPage(letters: letters, organisation: req.settings.organisationName,
                                                                       remaining: remaining, validHours: try await req.securitySettings().oneTimePasswordHours, loginAddress: (configured ?? seen) + "/app/login",
                                                                       addressUnset: configured == nil))
    }

    struct CreateInput: Content {
        var entityID: String?
        var displayName: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateInput.self)
        guard let entityID = input.entityID?.trimmed.nilIfEmpty.flatMap(UUID.init(uuidString:)) else {
            var page = try await page(req)
            page.errors = ["单位：请先查找并选择要开通账号的单位"]
            return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let entity = try await EntityQueries.visible(entityID, caller: try req.caller)
        return try await req.form("portal/accounts", title: "单位门户账号") {
            var errors = ValidationCollector()
            let name = errors.text(input.displayName, field: "使用人姓名", max: 40, required: true)
            try errors.check()
            let letter = try await createAccount(for: entity, displayName: name ?? "", req: req, on: req.db)
            return try await letters(req, [letter]).encodeResponse(for: req)
        } invalid: { errors in
            var page = try await page(req, entity: entity)
            page.displayName = input.displayName ?? ""
            page.errors = errors.map(\.description)
            return page
        }
    }

    struct BulkInput: Content {
        var category: String?
    }

    static let bulkLimit = 500

    /// One account for every operating unit of the category in the officer's scope that has none,
    /// at most 500 at a time; the letters page says how many remain for the next run.
    @Sendable static func bulk(req: Request) async throws -> Response {
        let category = try req.content.decode(BulkInput.self).category?.trimmed ?? ""
        guard !category.isEmpty else {
            var page = try await page(req)
            page.errors = ["专业类别：请选择要批量开通账号的类别"]
            return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let without = try req.currentUser.scope.applyToUnits(req.db.sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("e")))
            .from(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")))
            .where(SQLColumn("category_code", table: "e"), .like, SQLBind(category.escapedForLike + "%"))
            .where(SQLColumn("status", table: "e"), .equal, SQLBind(SupervisedEntity.Status.operating.rawValue))
            .where(SQLRaw("NOT EXISTS (SELECT 1 FROM \(User.schema) pu WHERE pu.entity_id = e.id)")))
            .orderBy(SQLColumn("pinyin_key", table: "e"))
        let candidates = try await Paged<SupervisedEntity>.read(without, page: 1, pageSize: bulkLimit, on: req.db) { rows in
            try rows.map { try $0.decode(fluentModel: SupervisedEntity.self) }
        }
        var created: [Letter] = []
        for entity in candidates.rows {
            created.append(try await createAccount(for: entity, displayName: "\(entity.name)联系人", req: req, on: req.db))
        }
        return try await letters(req, created, remaining: candidates.total - created.count).encodeResponse(for: req)
    }

    @Sendable static func reset(req: Request) async throws -> Response {
        let user = try await req.find(User.self, "userID", called: "门户账号")
        guard user.kind == .portal, let entityID = user.entityID else { throw Abort(.notFound, reason: "门户账号不存在") }
        let entity = try await EntityQueries.visible(entityID, caller: try req.caller, asking: ("user", try user.requireID().uuidString))
        let password = try await UserQueries.resetPassword(user: user, resetSecondFactor: true, by: try req.caller, app: req.application)
        return try await letters(req, [Letter(entityName: entity.name, unitCode: entity.unitCode, personName: user.displayName, username: user.username,
                                              password: password)]).encodeResponse(for: req)
    }
}
