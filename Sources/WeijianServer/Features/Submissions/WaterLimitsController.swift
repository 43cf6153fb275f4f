import Foundation
import Vapor
import WeijianCore

/// The information officer's page for the drinking-water limits that units' self-monitoring
/// results are judged against (GB 5749-2022 as seeded; a new edition or a local stricter limit is
/// an edit here, audited with the old and new values).
enum WaterLimitsController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "app", "water-limits", access: .permission(.categoriesManage), use: list)
        web.endpoint(.POST, "app", "water-limits", ":code", access: .permission(.categoriesManage), use: save)
    }

    struct Row: Encodable, Sendable {
        let code: String
        let name: String
        let unit: String
        let kind: String
        let kindName: String
        let low: String
        let high: String
        let reading: String
    }

    struct Page: Encodable, Sendable {
        var rows: [Row]
        let kinds: [EntityPages.Choice]
        var errors: [String] = []
        var failedCode = ""
    }

    static func kindName(_ kind: WaterLimitKind) -> String {
        switch kind {
        case .maximum: "不超过"
        case .minimum: "不低于"
        case .range: "范围"
        case .notDetectable: "不得检出"
        }
    }

    static func number(_ value: Double?) -> String { value.map(Format.number) ?? "" }

    /// "≤1", "≥0.05", "6.5–8.5" or "不得检出".
    static func limitText(_ indicator: WaterIndicator) -> String {
        switch indicator.kind {
        case .maximum: "≤\(number(indicator.high))"
        case .minimum: "≥\(number(indicator.low))"
        case .range: "\(number(indicator.low))–\(number(indicator.high))"
        case .notDetectable: "不得检出"
        }
    }

    static func page(_ req: Request) async throws -> Page {
        let rows = try await WaterLimits.load(on: req.db).map { indicator in
            let reading = indicator.kind == .notDetectable ? limitText(indicator) : "\(limitText(indicator)) \(indicator.unit)"
            return Row(code: indicator.code, name: indicator.name, unit: indicator.unit, kind: indicator.kind.rawValue,
                       kindName: kindName(indicator.kind), low: number(indicator.low), high: number(indicator.high), reading: reading)
        }
        return Page(rows: rows, kinds: WaterLimitKind.allCases.map { .init(value: $0.rawValue, label: kindName($0)) })
    }

    @Sendable static func list(req: Request) async throws -> View {
        try await req.renderPage("submissions/water-limits", title: "饮用水指标限值", content: try await page(req))
    }

    struct Input: Content {
        var kind: String?
        var low: String?
        var high: String?
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let input = try req.content.decode(Input.self)
        let name: String
        do {
            name = try await WaterLimits.update(code: code, kind: input.kind ?? "", low: input.low ?? "", high: input.high ?? "",
                                         by: try req.caller)
        } catch let error as ValidationError {
            var content = try await page(req)
            content.errors = [error.description]
            content.failedCode = code
            // The row that failed keeps what was typed, so the user corrects rather than retypes.
            content.rows = content.rows.map { row in
                row.code == code ? Row(code: row.code, name: row.name, unit: row.unit, kind: input.kind ?? row.kind, kindName: row.kindName,
                                       low: input.low ?? "", high: input.high ?? "", reading: row.reading) : row
            }
            return try await req.renderPage("submissions/water-limits", title: "饮用水指标限值", content: content)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        return try await req.redirect(to: "/app/water-limits#limit-\(code)", flash: "已保存“\(name)”的限值")
    }
}
