import Fluent
import Foundation
import Vapor
import WeijianCore

/// The holiday table (edited by the system administrator) and the deadline calculator every
/// staff member uses, with the calculation spelled out.
enum CalendarController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "admin", "calendar", access: .permission(.calendarManage), use: adminPage)
        web.endpoint(.POST, "app", "admin", "calendar", access: .permission(.calendarManage), use: addEntry)
        web.endpoint(.POST, "app", "admin", "calendar", ":day", "delete", access: .permission(.calendarManage), use: deleteEntry)
        web.endpoint(.POST, "app", "admin", "calendar", "years", ":year", access: .permission(.calendarManage), use: confirmYear)
        web.endpoint(.GET, "app", "calendar", access: .permission(.calendarRead), use: calculator)
        api.endpoint(.GET, "calendar", "holidays", access: .permission(.calendarRead),
                     doc: APIDoc("某年的节假日与调休（默认今年）", query: [.integer("year", "年份", 2000...2100)], response: [Entry].self), use: holidaysAPI)
        api.endpoint(.GET, "calendar", "deadline", access: .permission(.calendarRead),
                     doc: APIDoc("计算法定期限（附计算过程）", query: [
                        .choice("rule", "期限类型", DeadlineRule.defaults.map(\.code), required: true), .date("from", "起算事件日期", required: true),
                        .integer("extensionDays", "延长天数", 0...365)], response: Result.self), use: deadlineAPI)
    }

    struct Entry: Content {
        let day: String
        let weekday: String
        let kind: String
        let kindName: String
        let name: String
    }

    struct AdminPage: Encodable, Sendable {
        let year: Int
        let previousYear: Int
        let nextYear: Int
        let covered: Bool
        let entries: [Entry]
        var errors: [String] = []
    }

    static func entries(year: Int, db: any Database) async throws -> [Entry] {
        try await CalendarStore.entries(year: year, on: db).compactMap { row in
            guard let date = LocalDate(row.day), let kind = HolidayTable.Kind(rawValue: row.kind) else { return nil }
            return Entry(day: row.day, weekday: date.weekdayName, kind: row.kind, kindName: kind.chinese, name: row.name)
        }
    }

    static func adminContent(_ req: Request, year: Int, errors: [String] = []) async throws -> AdminPage {
        let calendar = try await CalendarStore.load(on: req.db)
        return AdminPage(year: year, previousYear: year - 1, nextYear: year + 1, covered: calendar.isCovered(year: year),
                         entries: try await entries(year: year, db: req.db), errors: errors)
    }

    @Sendable static func adminPage(req: Request) async throws -> View {
        let requested = (try? req.query.get(Int.self, at: "year")) ?? req.application.clock.today.year
        let year = min(2100, max(2000, requested))
        return try await req.renderPage("admin/calendar", title: "节假日与工作日", content: try await adminContent(req, year: year))
    }

    struct EntryForm: Content {
        var from: String?
        var to: String?
        var kind: String?
        var name: String?
    }

    @Sendable static func addEntry(req: Request) async throws -> Response {
        let form = try req.content.decode(EntryForm.self)
        var errors = ValidationCollector()
        let from = LocalDate(form.from ?? "")
        let to = (form.to?.trimmed).flatMap { $0.isEmpty ? nil : LocalDate($0) } ?? from
        if from == nil { errors.add(ValidationError(field: "开始日期", code: "date.format", message: "必填，应为有效日期（YYYY-MM-DD）")) }
        if let from, !(2000...2100).contains(from.year) { errors.add(ValidationError(field: "开始日期", code: "date.range", message: "年份应在2000到2100之间")) }
        if let text = form.to?.trimmed, !text.isEmpty, LocalDate(text) == nil {
            errors.add(ValidationError(field: "结束日期", code: "date.format", message: "格式应为YYYY-MM-DD"))
        }
        if let from, let to, to < from { errors.add(ValidationError(field: "结束日期", code: "date.order", message: "不能早于开始日期")) }
        if let from, let to, from.days(until: to) > 31 { errors.add(ValidationError(field: "结束日期", code: "date.span", message: "一次最多录入31天")) }
        let kind = HolidayTable.Kind(rawValue: form.kind ?? "")
        if kind == nil { errors.add(ValidationError(field: "类型", code: "calendar.kind", message: "请选择“放假”或“调休上班”")) }
        if kind == .workday, let from, let to {
            var day = from
            while day <= to {
                if !day.isWeekend { errors.add(ValidationError(field: "类型", code: "calendar.workdayOnWeekend", message: "调休上班只能设在周六或周日（\(day)是\(day.weekdayName)）")); break }
                day = day.adding(days: 1)
            }
        }
        let name = form.name?.trimmed ?? ""
        if name.isEmpty { errors.add(ValidationError(field: "名称", code: "required", message: "必填，如“春节”")) }
        guard errors.errors.isEmpty, let from, let to, let kind else {
            let year = from?.year ?? req.application.clock.today.year
            return try await req.renderPage("admin/calendar", title: "节假日与工作日", content: try await adminContent(req, year: year, errors: errors.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        try await CalendarStore.set(from: from, to: to, kind: kind, name: name, by: try req.caller)
        return try await req.redirect(to: "/app/admin/calendar?year=\(from.year)", flash: "已保存\(from)至\(to)的安排")
    }

    @Sendable static func deleteEntry(req: Request) async throws -> Response {
        guard let day = req.parameters.get("day").flatMap(LocalDate.init) else { throw Abort(.notFound, reason: "日期格式错误") }
        try await CalendarStore.remove(day: day, by: try req.caller)
        return try await req.redirect(to: "/app/admin/calendar?year=\(day.year)", flash: "已删除\(day)的安排")
    }

    struct ConfirmForm: Content { var covered: String? }

    @Sendable static func confirmYear(req: Request) async throws -> Response {
        guard let year = req.parameters.get("year", as: Int.self), (2000...2100).contains(year) else { throw Abort(.notFound, reason: "年份应在2000到2100之间") }
        let covered = try req.content.decode(ConfirmForm.self).covered == "1"
        try await CalendarStore.setCovered(covered, year: year, by: try req.caller)
        return try await req.redirect(to: "/app/admin/calendar?year=\(year)", flash: covered ? "已确认\(year)年节假日安排录入完整" : "已撤销\(year)年的确认，该年期限将标为暂定")
    }

    struct RuleOption: Encodable, Sendable {
        let code: String
        let label: String
        let selected: Bool
    }

    struct Result: Content {
        let rule: String
        let event: String
        let due: String
        let dueWeekday: String
        let provisional: Bool
        let steps: [String]
    }

    struct CalculatorPage: Encodable, Sendable {
        let rules: [RuleOption]
        let from: String
        let extensionDays: String
        var result: Result?
        var errors: [String] = []
    }

    struct DeadlineQuery: Content {
        var rule: String?
        var from: String?
        var extensionDays: String?
    }

    /// Computes a deadline from query parameters; validation names each bad field.
    static func compute(_ query: DeadlineQuery, on db: any Database) async throws -> Result {
        var errors = ValidationCollector()
        let rule = DeadlineRule.defaults.first { $0.code == query.rule }
        if rule == nil { errors.add(ValidationError(field: "期限类型", code: "deadline.rule", message: "请选择一种期限")) }
        let from = LocalDate(query.from ?? "")
        if from == nil { errors.add(ValidationError(field: "起算事件日期", code: "date.format", message: "必填，应为有效日期（YYYY-MM-DD）")) }
        if let from, !(2000...2100).contains(from.year) { errors.add(ValidationError(field: "起算事件日期", code: "date.range", message: "年份应在2000到2100之间")) }
        var extensionDays = 0
        if let text = query.extensionDays?.trimmed, !text.isEmpty {
            if let value = Int(text), (0...365).contains(value) { extensionDays = value } else {
                errors.add(ValidationError(field: "延长天数", code: "range", message: "应为0到365之间的整数"))
            }
        }
        try errors.check()
        guard let rule, let from else { throw Abort(.badRequest) }
        let deadline = try await CalendarStore.load(on: db).deadline(for: rule, from: from, extensionDays: extensionDays)
        return Result(rule: rule.name, event: from.description, due: deadline.due.description, dueWeekday: deadline.due.weekdayName,
                      provisional: deadline.provisional, steps: deadline.steps)
    }

    @Sendable static func calculator(req: Request) async throws -> Response {
        let query = try req.query.decode(DeadlineQuery.self)
        var page = CalculatorPage(rules: DeadlineRule.defaults.map { RuleOption(code: $0.code, label: "\($0.name)（\($0.days)个\($0.count.chinese)）", selected: $0.code == query.rule) },
                                  from: query.from ?? req.application.clock.today.description, extensionDays: query.extensionDays ?? "")
        var status = HTTPResponseStatus.ok
        if query.rule != nil || query.from != nil {
            do { page.result = try await compute(query, on: req.db) } catch let error as ValidationErrors {
                page.errors = error.errors.map(\.description)
                status = .unprocessableEntity
            }
        }
        return try await req.renderPage("admin/deadline", title: "期限计算", content: page).encodeResponse(status: status, for: req)
    }

    @Sendable static func holidaysAPI(req: Request) async throws -> [Entry] {
        let year = (try? req.query.get(Int.self, at: "year")) ?? req.application.clock.today.year
        return try await entries(year: year, db: req.db)
    }

    @Sendable static func deadlineAPI(req: Request) async throws -> Result {
        try await compute(try req.query.decode(DeadlineQuery.self), on: req.db)
    }
}

extension CalendarController.Entry: APIExample {
    static let example = CalendarController.Entry(day: "2026-10-01", weekday: "星期四", kind: "holiday", kindName: "节假日", name: "国庆节")
}

extension CalendarController.Result: APIExample {
    static let example = CalendarController.Result(rule: "行政处罚决定书送达（7个工作日）", event: "2026-09-28", due: "2026-10-15", dueWeekday: "星期四",
                                                   provisional: false, steps: ["起算：2026-09-28 次日", "国庆节 10月1日至7日不计"])
}
