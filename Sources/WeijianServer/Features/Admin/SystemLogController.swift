import Foundation
import Vapor

/// The system operation and failure log (regulation 九(一)3), read by the system administrator.
enum SystemLogController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "system-log", access: .permission(.systemLogRead), use: page)
        api.endpoint(.GET, "system-log", access: .permission(.systemLogRead),
                     doc: APIDoc("系统运行与故障日志（新的在前，每页100条，附总数）", query: [
                        .choice("level", "级别", SystemLog.Level.allCases.map(\.rawValue)), .text("category", "类别", maxLength: 40), .page],
                                 response: Paged<Row>.self), use: listAPI)
    }

    struct Row: Content {
        let id: Int64
        let time: String
        let level: String
        let levelName: String
        let category: String
        let message: String
    }

    struct Page: Encodable, Sendable {
        let rows: [Row]
        let level: String
        let pager: Pager
    }

    static func rows(_ req: Request) async throws -> Paged<Row> {
        let level = try? req.query.get(String.self, at: "level")
        let category = try? req.query.get(String.self, at: "category")
        return try await SystemLog.page(level: level, category: category, page: req.pageNumber, on: req.db).map {
            Row(id: $0.id, time: Format.dateTime(millis: $0.occurred_at), level: $0.level,
                levelName: SystemLog.Level(rawValue: $0.level)?.chinese ?? $0.level, category: $0.category, message: $0.message)
        }
    }

    @Sendable static func page(req: Request) async throws -> View {
        let rows = try await rows(req)
        let level = (try? req.query.get(String.self, at: "level")) ?? ""
        return try await req.renderPage("admin/system-log", title: "运行与故障日志",
                                        content: Page(rows: rows.rows, level: level, pager: Pager(rows, path: "/app/admin/system-log", query: ["level": level])))
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<Row> { try await rows(req) }
}

extension SystemLogController.Row: APIExample {
    static let example = SystemLogController.Row(id: 42, time: "2026-12-02 03:00", level: "info", levelName: "信息", category: "attachments", message: "附件库校验：120个文件完好")
}
