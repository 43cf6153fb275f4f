import Fluent
import Foundation
import Vapor
import WeijianCore

/// The documents register (文书登记, with the void register), printing a frozen document, voiding
/// one, and the administrator's document settings.
enum DocumentsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "documents", access: .permission(.entitiesRead), use: list)
        web.endpoint(.GET, "app", "documents", ":documentID", "pdf", access: .permission(.entitiesRead), use: pdf)
        web.endpoint(.POST, "app", "documents", ":documentID", "void", access: .permission(.documentsVoid), use: void)
        web.endpoint(.GET, "app", "admin", "documents", access: .permission(.settingsManage), use: settings)
        web.endpoint(.POST, "app", "admin", "documents", access: .permission(.settingsManage), use: saveSettings)

        api.endpoint(.GET, "documents", access: .permission(.entitiesRead),
                     doc: APIDoc("执法文书登记（view=voided 为作废登记）", query: [.choice("view", "列表", ["all", "voided"]), .page],
                                 response: Paged<Documents.Issued>.self), use: listAPI)
        api.endpoint(.GET, "documents", ":documentID", access: .permission(.entitiesRead),
                     doc: APIDoc("一份执法文书的登记信息", response: Documents.Issued.self), use: showAPI)
        api.endpoint(.GET, "documents", ":documentID", "pdf", access: .permission(.entitiesRead),
                     doc: APIDoc("打印执法文书：返回签发时冻结的PDF（每次相同字节，X-Content-SHA256 为其哈希）；已作废的返回410", binary: "application/pdf"),
                     use: pdfAPI)
        api.endpoint(.POST, "documents", ":documentID", "void", access: .permission(.documentsVoid),
                     doc: APIDoc("作废执法文书（文号保留在作废登记中，不再使用）", body: VoidInput.self, required: ["reason"],
                                 response: Documents.Issued.self), use: voidAPI)
    }

    struct VoidInput: Content, Sendable, APIExample {
        var reason: String?
        static let example = VoidInput(reason: "当事人名称填写错误，重新制作")
    }

    struct ListPage: Encodable, Sendable {
        let rows: [Documents.Issued]
        let pager: Pager
        let voided: Bool
    }

    @Sendable static func list(req: Request) async throws -> View {
        let voided = (try? req.query.get(String.self, at: "view")) == "voided"
        let paged = try await Documents.register(voided: voided ? true : nil, page: req.pageNumber, caller: try req.caller)
        return try await req.renderPage("documents/list", title: voided ? "文书作废登记" : "执法文书登记",
                                        content: ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/documents", query: voided ? ["view": "voided"] : [:]),
                                                          voided: voided))
    }

    static func document(_ req: Request) async throws -> Documents.Issued {
        try await Documents.find(req.parameters.get("documentID").flatMap(UUID.init(uuidString:)), caller: try req.caller)
    }

    @Sendable static func pdf(req: Request) async throws -> Response {
        let document = try await document(req)
        return Documents.response(try await Documents.pdf(document, app: req.application, caller: try req.caller), document: document)
    }

    @Sendable static func void(req: Request) async throws -> Response {
        let document = try await document(req)
        let back = document.ownerType == "inspection" ? "/app/inspections/\(document.ownerID)#documents" : "/app/documents"
        do {
            try await Documents.void(document, reason: try req.content.decode(VoidInput.self).reason, by: try req.caller)
            return try await req.redirect(to: back, flash: "文书\(document.number)已作废，文号保留在作废登记中")
        } catch let error as ValidationError {
            return try await req.redirect(to: back, flash: "未作废：" + error.description)
        }
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<Documents.Issued> {
        let voided = (try? req.query.get(String.self, at: "view")) == "voided"
        return try await Documents.register(voided: voided ? true : nil, page: req.pageNumber, caller: try req.caller)
    }

    @Sendable static func showAPI(req: Request) async throws -> Documents.Issued { try await document(req) }

    @Sendable static func pdfAPI(req: Request) async throws -> Response { try await pdf(req: req) }

    @Sendable static func voidAPI(req: Request) async throws -> Documents.Issued {
        let document = try await document(req)
        try await Documents.void(document, reason: try req.content.decode(VoidInput.self).reason, by: try req.caller)
        return try await Documents.find(document.id, caller: try req.caller)
    }

    // MARK: settings

    struct SettingsPage: Encodable, Sendable {
        struct Pattern: Encodable, Sendable {
            let kind: String
            let name: String
            let value: String
            let example: String
        }
        let organ: String
        let abbreviation: String
        let patterns: [Pattern]
        let entryDays: String
        let weights: [Weight]
        let errors: [String]

        struct Weight: Encodable, Sendable {
            let key: String
            let name: String
            let value: String
        }
    }

    static let weightNames = [("violations", "违法违规记录"), ("grade", "量化分级"), ("complaints", "投诉举报"), ("sinceInspection", "距上次检查时间"),
                              ("licence", "许可状态"), ("category", "类别风险")]

    static func weightValues(_ weights: RiskScore.Weights) -> [String: Double] {
        ["violations": weights.violations, "grade": weights.grade, "complaints": weights.complaints, "sinceInspection": weights.sinceInspection,
         "licence": weights.licence, "category": weights.category]
    }

    static func settingsPage(_ documents: DocumentSettings, entryDays: Int, weights: RiskScore.Weights = RiskScore.Weights(), errors: [String]) -> SettingsPage {
        let values = weightValues(weights)
        return SettingsPage(organ: documents.organ, abbreviation: documents.regionAbbreviation,
                     patterns: DocumentKind.allCases.map { kind in
                         let format = documents.pattern(kind)
                         return .init(kind: kind.rawValue, name: kind.chinese, value: format.template,
                                      example: format.render(sequence: 12, year: 2026, values: ["地区": documents.regionAbbreviation, "类别": "公", "性质": "监"]))
                     },
                     entryDays: String(entryDays),
                     weights: weightNames.map { .init(key: $0.0, name: $0.1, value: Grading.text(values[$0.0] ?? 0)) }, errors: errors)
    }

    @Sendable static func settings(req: Request) async throws -> View {
        let inspections = try await InspectionSettings.load(on: req.db)
        let page = settingsPage(try await DocumentSettings.load(on: req.db), entryDays: inspections.entryWorkingDays, weights: inspections.riskWeights, errors: [])
        return try await req.renderPage("documents/settings", title: "文书与检查设置", content: page)
    }

    struct SettingsInput: Content, Sendable {
        var organ: String?
        var abbreviation: String?
        var entryDays: String?
    }

    @Sendable static func saveSettings(req: Request) async throws -> Response {
        let input = try req.content.decode(SettingsInput.self)
        var patterns: [String: String] = [:]
        for kind in DocumentKind.allCases { patterns[kind.rawValue] = try? req.content.get(String.self, at: "pattern-\(kind.rawValue)") }
        do {
            let documents = try DocumentSettings.validated(organ: input.organ, abbreviation: input.abbreviation, patterns: patterns)
            guard let days = Int(input.entryDays?.trimmed ?? "") else {
                throw ValidationError(field: "检查记录录入时限（工作日）", code: "integer", message: "应为整数")
            }
            var weights = RiskScore.Weights()
            for (key, name) in weightNames {
                guard let value = Double((try? req.content.get(String.self, at: "weight-\(key)"))?.trimmed ?? "") else {
                    throw ValidationError(field: "风险评分权重（\(name)）", code: "number", message: "应为0到100之间的数")
                }
                switch key {
                case "violations": weights.violations = value
                case "grade": weights.grade = value
                case "complaints": weights.complaints = value
                case "sinceInspection": weights.sinceInspection = value
                case "licence": weights.licence = value
                default: weights.category = value
                }
            }
            let inspections = InspectionSettings(entryWorkingDays: days, riskWeights: weights)
            let caller = try req.caller
            try await req.db.writeTransaction { tx in
                try await documents.save(by: caller.on(tx))
                try await inspections.save(by: caller.on(tx))
            }
            return try await req.redirect(to: "/app/admin/documents", flash: "文书与检查设置已保存")
        } catch let error as ValidationErrors {
            return try await renderSettingsError(req, input: input, patterns: patterns, errors: error.errors)
        } catch let error as ValidationError {
            return try await renderSettingsError(req, input: input, patterns: patterns, errors: [error])
        }
    }

    /// The form again with what was typed — patterns, days and weights — and the errors, nothing saved.
    static func renderSettingsError(_ req: Request, input: SettingsInput, patterns: [String: String], errors: [ValidationError]) async throws -> Response {
        var typed = DocumentSettings()
        typed.organ = input.organ ?? typed.organ
        typed.regionAbbreviation = input.abbreviation ?? typed.regionAbbreviation
        typed.patterns = patterns
        let base = settingsPage(typed, entryDays: 5, errors: errors.map(\.description))
        let page = SettingsPage(organ: base.organ, abbreviation: base.abbreviation,
                                patterns: base.patterns.map { .init(kind: $0.kind, name: $0.name, value: patterns[$0.kind] ?? $0.value, example: $0.example) },
                                entryDays: input.entryDays ?? base.entryDays,
                                weights: base.weights.map { .init(key: $0.key, name: $0.name, value: (try? req.content.get(String.self, at: "weight-\($0.key)")) ?? $0.value) },
                                errors: base.errors)
        return try await req.renderPage("documents/settings", title: "文书与检查设置", content: page).encodeResponse(status: .unprocessableEntity, for: req)
    }
}
