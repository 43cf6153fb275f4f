import Fluent
import Foundation
import Vapor
import WeijianCore

/// The staff home page: the user's inbox of tasks and reminders (待办/提醒).
enum HomeController {
    static func register(_ app: RoutesBuilder) {
        app.endpoint(.GET, "app", access: .signedIn, use: home)
        app.endpoint(.POST, "app", "inbox", ":itemID", "read", access: .signedIn, use: markRead)
    }

    struct Item: Encodable, Sendable {
        let id: Int64
        let kind: String
        let title: String
        let body: String
        let link: String
        let due: String
        let created: String
    }

    struct HomePage: Encodable, Sendable {
        let greeting: String
        let roles: String
        let items: [Item]
        let tasks: Int
        let reminders: Int
        let today: String
        let noRoles: Bool
        /// More unread items than the page shows.
        let more: Bool
    }

    @Sendable static func home(req: Request) async throws -> Response {
        let user = try req.currentUser
        // A unit's account works in the portal.
        if user.kind == .portal { return req.redirect(to: "/portal") }
        let inbox = try await Inbox.unread(for: user.id, on: req.db)
        let items = inbox.items.map {
            Item(id: $0.id, kind: Inbox.Kind(rawValue: $0.kind)?.chinese ?? $0.kind, title: $0.title, body: $0.body, link: $0.link,
                 due: $0.due_date ?? "", created: Format.dateTime(millis: $0.created_at))
        }
        let today = req.application.clock.today
        let page = HomePage(greeting: "\(user.displayName)，您好", roles: user.rolesText, items: items,
                            tasks: inbox.tasks, reminders: inbox.reminders,
                            today: "\(today.chinese) \(today.weekdayName)", noRoles: user.roles.isEmpty,
                            more: inbox.tasks + inbox.reminders > items.count)
        return try await req.renderPage("home/home", title: "工作台", content: page).encodeResponse(for: req)
    }

    @Sendable static func markRead(req: Request) async throws -> Response {
        guard let id = req.parameters.get("itemID", as: Int64.self) else { throw Abort(.notFound) }
        try await Inbox.markRead(id: id, userID: try req.currentUser.id, on: req.db, now: req.now)
        return req.redirect(to: "/app")
    }
}
