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

    struct ListPage: Encodable, Sendable {
        let rows: [Row]
        let categories: [EntityPages.Choice]
        let entityID: String
        var errors: [String] = []
    }

    static func rows(_ req: Request, entityID: UUID?) async throws -> [Row] {
        var query = req.db.sql.select().column(SQLColumn("id", table: "u")).column(SQLColumn("username", table: "u")).column(SQLColumn("display_name", table: "u"))
            .column(SQLColumn("status", table: "u")).column(SQLColumn("last_login_at", table: "u")).column(SQLColumn("id", table: "e"), as: "eid")
            .column(SQLColumn("name", table: "e"), as: "entity_name")
            .from(SQLAlias(SQLIdentifier(User.schema), as: SQLIdentifier("u")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("entity_id", table: "u"), .equal, SQLColumn("id", table: "e"))
        query = try req.currentUser.scope.applyToUnits(query)
        if let entityID { query = query.where(SQLColumn("id", table: "e"), .equal, SQLBind(entityID)) }
        return try await query.orderBy(SQLColumn("username", table: "u")).limit(500).all().map { row in
            Row(userID: try row.decode(column: "id", as: UUID.self).uuidString, username: try row.decode(column: "username", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self), entityID: try row.decode(column: "eid", as: UUID.self).uuidString,
                entityName: try row.decode(column: "entity_name", as: String.self),
                status: try row.decode(column: "status", as: String.self) == "active" ? "启用" : "停用",
                lastLogin: try row.decode(column: "last_login_at", as: Date?.self).map(Format.dateTime) ?? "从未登录")
        }
    }

    @Sendable static func list(req: Request) async throws -> View {
        let entityID = (try? req.query.get(String.self, at: "entity")).flatMap(UUID.init(uuidString:))
        let page = ListPage(rows: try await rows(req, entityID: entityID), categories: try await EntityPages.categoryChoices(selected: nil, on: req.db),
                            entityID: entityID?.uuidString ?? "")
        return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page)
    }

    struct Letter: Encodable, Sendable {
        let entityName: String
        let unitCode: String
        let username: String
        let password: String
    }

    struct LettersPage: Encodable, Sendable {
        let letters: [Letter]
        let organisation: String
        let skipped: Int
        let loginAddress: String
    }

    /// Creates one account for a unit; the username is derived from the unit code.
    static func createAccount(for entity: SupervisedEntity, displayName: String, req: Request, on db: any Database) async throws -> Letter {
        let entityID = try entity.requireID()
        let existing = try await User.query(on: db).filter(\.$entityID == entityID).count()
        let username = "u" + entity.unitCode + (existing == 0 ? "" : "-\(existing + 1)")
        // The account is linked to its unit in the transaction that creates it (issue 10).
        let (user, password) = try await UserQueries.create(.init(username: username, displayName: displayName, kind: .portal, entityID: entityID, roles: [.entityUser]),
                                                            by: try req.caller.on(db), app: req.application)
        return Letter(entityName: entity.name, unitCode: entity.unitCode, username: user.username, password: password)
    }

    static func letters(_ req: Request, _ letters: [Letter], skipped: Int = 0) async throws -> View {
        try await req.audit("portal.credentials", details: ["count": "\(letters.count)"])
        let host = req.headers.first(name: .host) ?? "\(req.settings.host):\(req.settings.port)"
        let address = "\(req.settings.usesTLS || req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http")://\(host)/app/login"
        return try await req.view.render("portal/letters", LettersPage(letters: letters, organisation: req.settings.organisationName, skipped: skipped, loginAddress: address))
    }

    struct CreateInput: Content {
        var entityID: String?
        var displayName: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateInput.self)
        guard let entityID = input.entityID?.trimmed.nilIfEmpty.flatMap(UUID.init(uuidString:)),
              try await SupervisedEntity.find(entityID, on: req.db) != nil else {
            var page = ListPage(rows: try await rows(req, entityID: nil), categories: try await EntityPages.categoryChoices(selected: nil, on: req.db), entityID: input.entityID ?? "")
            page.errors = ["单位ID：找不到该单位。请在单位档案页点“门户账号”进入，单位ID会自动填好"]
            return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let entity = try await EntityQueries.visible(entityID, caller: try req.caller)
        do {
            let letter = try await createAccount(for: entity, displayName: input.displayName?.trimmed.nilIfEmpty ?? "\(entity.name)联系人", req: req, on: req.db)
            return try await letters(req, [letter]).encodeResponse(for: req)
        } catch let error as ValidationErrors {
            var page = ListPage(rows: try await rows(req, entityID: entity.id), categories: try await EntityPages.categoryChoices(selected: nil, on: req.db),
                                entityID: entity.id?.uuidString ?? "")
            page.errors = error.errors.map(\.description)
            return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    struct BulkInput: Content {
        var category: String?
    }

    /// One account for every unit of the category (in the officer's scope, still operating) that has none; at most 500 at a time.
    @Sendable static func bulk(req: Request) async throws -> Response {
        let category = try req.content.decode(BulkInput.self).category?.trimmed ?? ""
        guard !category.isEmpty else {
            var page = ListPage(rows: try await rows(req, entityID: nil), categories: try await EntityPages.categoryChoices(selected: nil, on: req.db), entityID: "")
            page.errors = ["专业类别：请选择要批量开通账号的类别"]
            return try await req.renderPage("portal/accounts", title: "单位门户账号", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let filters = EntitySearch.Filters(category: category, status: SupervisedEntity.Status.operating.rawValue)
        let candidates = try await EntitySearch.all(filters, scope: try req.currentUser.scope, cap: 5000, on: req.db)
        let withAccounts = Set(try await req.db.sql.select().column("entity_id").from(User.schema).where("entity_id", .isNot, SQLLiteral.null).all()
            .map { try $0.decode(column: "entity_id", as: UUID.self).uuidString })
        var created: [Letter] = []
        var skipped = 0
        for row in candidates {
            if withAccounts.contains(row.id) { skipped += 1; continue }
            guard created.count < 500, let entity = try await SupervisedEntity.find(UUID(uuidString: row.id), on: req.db) else { continue }
            created.append(try await createAccount(for: entity, displayName: "\(entity.name)联系人", req: req, on: req.db))
        }
        return try await letters(req, created, skipped: skipped).encodeResponse(for: req)
    }

    @Sendable static func reset(req: Request) async throws -> Response {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)), let user = try await User.find(id, on: req.db), user.kind == .portal,
              let entityID = user.entityID else {
            throw Abort(.notFound, reason: "门户账号不存在")
        }
        let entity = try await EntityQueries.visible(entityID, caller: try req.caller, asking: ("user", id.uuidString))
        let password = try await UserQueries.resetPassword(user: user, resetSecondFactor: true, by: try req.caller, app: req.application)
        return try await letters(req, [Letter(entityName: entity.name, unitCode: entity.unitCode, username: user.username, password: password)]).encodeResponse(for: req)
    }
}
