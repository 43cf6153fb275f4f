import Foundation
import Vapor
import WeijianCore

/// The auditor searches the audit log and verifies its chain. Reading the log is itself audited.
enum AuditController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "audit", access: .permission(.auditRead), use: search)
        web.endpoint(.POST, "app", "audit", "verify", access: .permission(.auditVerify), use: verifyWeb)
        api.endpoint(.GET, "audit", "events", access: .permission(.auditRead),
                     doc: APIDoc("检索审计日志，按序号倒序每次50条（本次检索亦被审计）", query: [
                        .text("actor", "操作人（姓名或用户名的一部分）", maxLength: 100), .text("action", "操作（代码或中文名称的一部分）", maxLength: 100),
                        .choice("outcome", "结果", AuditLog.Outcome.allCases.map(\.rawValue)), .date("from", "开始日期（含）"), .date("to", "结束日期（含）"),
                        .text("text", "对象或详情中的文字", maxLength: 100), .integer("before", "只看此序号之前的事件（翻页）", 1...Int(Int64.max >> 1))],
                                 response: [Row].self), use: searchAPI)
        api.endpoint(.POST, "audit", "verify", access: .permission(.auditVerify),
                     doc: APIDoc("校验审计日志哈希链、签名检查点与库外见证文件", response: VerificationResult.self), use: verifyAPI)
    }

    struct Row: Content {
        let seq: Int64
        let time: String
        let actor: String
        let action: String
        let actionName: String
        let target: String
        let outcome: String
        let outcomeName: String
        let ip: String
        let details: String
    }

    struct Query: Content {
        var actor: String?
        var action: String?
        var outcome: String?
        var from: String?
        var to: String?
        var text: String?
        var before: Int64?
    }

    struct SearchPage: Encodable, Sendable {
        let query: QueryEcho
        let rows: [Row]
        let nextBefore: Int64?
        var verification: VerificationResult?
        var errors: [String] = []
    }

    struct QueryEcho: Encodable, Sendable {
        let actor, action, outcome, from, to, text: String
    }

    static func filter(from query: Query) throws -> AuditLog.Filter {
        var filter = AuditLog.Filter()
        var errors = ValidationCollector()
        filter.actor = query.actor
        filter.action = query.action
        if let outcome = query.outcome?.trimmed, !outcome.isEmpty {
            if AuditLog.Outcome(rawValue: outcome) == nil {
                errors.add(ValidationError(field: "结果", code: "audit.outcome", message: "只能是成功、拒绝或失败"))
            }
            filter.outcome = outcome
        }
        filter.text = query.text
        filter.beforeSequence = query.before
        // Dates are China dates: from 00:00 of the first to 24:00 of the last.
        if let text = query.from?.trimmed, !text.isEmpty {
            if let date = LocalDate(text) { filter.from = Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 - 8 * 3600) } else {
                errors.add(ValidationError(field: "开始日期", code: "date.format", message: "格式应为YYYY-MM-DD"))
            }
        }
        if let text = query.to?.trimmed, !text.isEmpty {
            if let date = LocalDate(text) { filter.until = Date(timeIntervalSince1970: Double(date.daysSinceEpoch + 1) * 86_400 - 8 * 3600) } else {
                errors.add(ValidationError(field: "结束日期", code: "date.format", message: "格式应为YYYY-MM-DD"))
            }
        }
        if let from = filter.from, let until = filter.until, until <= from {
            errors.add(ValidationError(field: "结束日期", code: "date.order", message: "不能早于开始日期"))
        }
        try errors.check()
        return filter
    }

    static func rows(_ req: Request, query: Query) async throws -> [Row] {
        let filter = try filter(from: query)
        let rows = try await AuditLog.search(filter, on: req.db)
        try await req.audit("audit.read", details: ["actor": query.actor ?? "", "action": query.action ?? "", "text": query.text ?? "",
                                                    "from": query.from ?? "", "to": query.to ?? "", "results": String(rows.count)])
        return rows.map {
            Row(seq: $0.seq, time: Format.dateTime(millis: $0.occurred_at), actor: $0.actor_name, action: $0.action,
                actionName: AuditActionNames.chinese($0.action),
                target: $0.target_type.isEmpty ? "" : "\($0.target_type):\($0.target_id)", outcome: $0.outcome,
                outcomeName: AuditLog.Outcome(rawValue: $0.outcome)?.chinese ?? $0.outcome, ip: $0.source_ip, details: $0.details)
        }
    }

    static func page(_ req: Request, verification: VerificationResult? = nil) async throws -> Response {
        let query = try req.query.decode(Query.self)
        let echo = QueryEcho(actor: query.actor ?? "", action: query.action ?? "", outcome: query.outcome ?? "",
                             from: query.from ?? "", to: query.to ?? "", text: query.text ?? "")
        do {
            let rows = try await rows(req, query: query)
            let page = SearchPage(query: echo, rows: rows, nextBefore: rows.count == 50 ? rows.last?.seq : nil, verification: verification)
            return try await req.renderPage("security/audit", title: "审计日志", content: page).encodeResponse(for: req)
        } catch let error as ValidationErrors {
            let page = SearchPage(query: echo, rows: [], nextBefore: nil, verification: verification, errors: error.errors.map(\.description))
            return try await req.renderPage("security/audit", title: "审计日志", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func search(req: Request) async throws -> Response { try await page(req) }

    struct VerificationResult: Content {
        let intact: Bool
        let eventsChecked: Int
        let lastSealedSequence: Int64
        let unsealed: Int
        let problems: [String]
        let firstBadSequence: Int64?
        let warnings: [String]
    }

    static func verify(_ req: Request) async throws -> VerificationResult {
        let result = try await AuditLog.verify(on: req.db, keys: req.application.keyStore)
        try await req.audit("audit.verify", outcome: result.isIntact ? .success : .failure,
                            details: ["events": String(result.eventsChecked), "problems": String(result.problems.count)])
        return VerificationResult(intact: result.isIntact, eventsChecked: result.eventsChecked, lastSealedSequence: result.lastSealedSequence,
                                  unsealed: result.unsealedCount, problems: result.problems.map(\.chinese),
                                  firstBadSequence: result.firstBadSequence, warnings: result.warnings)
    }

    @Sendable static func verifyWeb(req: Request) async throws -> Response { try await page(req, verification: try await verify(req)) }

    @Sendable static func searchAPI(req: Request) async throws -> [Row] { try await rows(req, query: try req.query.decode(Query.self)) }

    @Sendable static func verifyAPI(req: Request) async throws -> VerificationResult { try await verify(req) }
}

extension AuditController.Row: APIExample {
    static let example = AuditController.Row(seq: 1024, time: "2026-12-02 09:30:00", actor: "李强(ggjd1)", action: "entity.update", actionName: "修改被监督单位",
                                             target: "entity 3F2504E0-4F89-11D3-9A0C-0305E82C3301", outcome: "success", outcomeName: "成功",
                                             ip: "10.1.2.3", details: "{\"fields\":\"联系电话\"}")
}

extension AuditController.VerificationResult: APIExample {
    static let example = AuditController.VerificationResult(intact: true, eventsChecked: 1024, lastSealedSequence: 1020, unsealed: 4, problems: [],
                                                            firstBadSequence: nil, warnings: [])
}
