import Foundation
import Vapor

/// The system operation and failure log (regulation 九(一)3), read by the system administrator.
enum SystemLogController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "system-log", access: .permission(.systemLogRead), use: page)
        api.endpoint(.GET, "system-log", access: .permission(.systemLogRead),
                     doc: APIDoc("系统运行与故障日志（新的在前，每次100条）", query: [
                        .choice("level", "级别", SystemLog.Level.allCases.map(\.rawValue)), .text("category", "类别", maxLength: 40),
                        .integer("before", "只看此编号之前的记录（翻页）", 1...Int(Int64.max >> 1))], response: [Row].self), use: listAPI)
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
        let nextBefore: Int64?
    }

    static func rows(_ req: Request) async throws -> [Row] {
        let level = try? req.query.get(String.self, at: "level")
        let category = try? req.query.get(String.self, at: "category")
        let before = try? req.query.get(Int64.self, at: "before")
        return try await SystemLog.list(level: level, category: category, limit: 100, before: before, on: req.db).map {
            Row(id: $0.id, time: Format.dateTime(millis: $0.occurred_at), level: $0.level,
                levelName: SystemLog.Level(rawValue: $0.level)?.chinese ?? $0.level, category: $0.category, message: $0.message)
        }
    }

    @Sendable static func page(req: Request) async throws -> View {
        let rows = try await rows(req)
        return try await req.renderPage("admin/system-log", title: "运行与故障日志",
                                        content: Page(rows: rows, level: (try? req.query.get(String.self, at: "level")) ?? "", nextBefore: rows.count == 100 ? rows.last?.id : nil))
    }

    @Sendable static func listAPI(req: Request) async throws -> [Row] { try await rows(req) }
}

extension SystemLogController.Row: APIExample {
    static let example = SystemLogController.Row(id: 42, time: "2026-12-02 03:00", level: "info", levelName: "信息", category: "attachments", message: "附件库校验：120个文件完好")
}
