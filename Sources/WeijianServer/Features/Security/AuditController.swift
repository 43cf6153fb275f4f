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
                        .text("text", "对象或详情中的文字", maxLength: 100), .text("target", "只看一个对象的事件：类型:编号，如 entity:…", maxLength: 201),
                        .integer("before", "只看此序号之前的事件（翻页，取上一页的 nextBefore）", 1...Int(Int64.max >> 1))],
                                 response: Events.self), use: searchAPI)
        api.endpoint(.POST, "audit", "verify", access: .permission(.auditVerify),
                     doc: APIDoc("校验审计日志哈希链、签名检查点与库外见证文件", response: VerificationResult.self), use: verifyAPI)
    }

    struct Row: Content {
        let seq: Int64
        let time: String
        let actor: String
        let action: String
        let actionName: String
        /// `type:id` as stored.
        let target: String
        /// The object by kind and name, with links (nil for events about no object).
        let object: AuditPresentation.Target?
        let outcome: String
        let outcomeName: String
        /// The client's address, or 本机 for the command line and scheduled jobs.
        let source: String
        let ip: String
        /// The stored details (JSON) and the same as label–value pairs.
        let details: String
        let detailItems: [AuditPresentation.Detail]
    }

    /// A page of events, newest first, with how many match in all.
    struct Events: Content {
        let rows: [Row]
        let total: Int
        /// The `before` of the next (older) page, or nil on the last one.
        let nextBefore: Int64?
    }

    struct Query: Content {
        var actor: String?
        var action: String?
        var outcome: String?
        var from: String?
        var to: String?
        var text: String?
        /// One object's events, `type:id` (the 对象 column's link).
        var target: String?
        var before: Int64?
    }

    struct SearchPage: Encodable, Sendable {
        let query: QueryEcho
        let rows: [Row]
        let total: Int
        /// The object whose events are shown, by name.
        let targetName: String
        let nextBefore: Int64?
        var verification: VerificationResult?
        var errors: [String] = []
    }

    struct QueryEcho: Encodable, Sendable {
        let actor, action, outcome, from, to, text, target: String
        /// The filters as a query string, for the next page.
        let string: String
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
        if let target = query.target?.trimmed, !target.isEmpty {
            let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) { filter.target = (parts[0], parts[1]) } else {
                errors.add(ValidationError(field: "对象", code: "audit.target", message: "格式应为“类型:编号”，如 entity:…"))
            }
        }
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

    static func events(_ req: Request, query: Query) async throws -> Events {
        let filter = try filter(from: query)
        let (rows, total) = try await AuditLog.search(filter, on: req.db)
        try await req.audit(.auditRead, details: ["actor": query.actor ?? "", "action": query.action ?? "", "text": query.text ?? "",
                                                  "from": query.from ?? "", "to": query.to ?? "", "target": query.target ?? "",
                                                  "results": String(rows.count)])
        let targets = try await AuditPresentation.targets(of: rows, viewer: try req.currentUser, on: req.db)
        let shown = zip(rows, targets).map { row, target in
            Row(seq: row.seq, time: Format.dateTime(millis: row.occurred_at), actor: row.actor_name, action: row.action,
                actionName: AuditAction.chinese(row.action),
                target: row.target_type.isEmpty ? "" : "\(row.target_type):\(row.target_id)", object: target, outcome: row.outcome,
                outcomeName: AuditLog.Outcome(rawValue: row.outcome)?.chinese ?? row.outcome,
                source: AuditPresentation.source(row.source_ip), ip: row.source_ip,
                details: row.details, detailItems: AuditPresentation.details(row.details))
        }
        return Events(rows: shown, total: total, nextBefore: rows.count == filter.limit ? rows.last?.seq : nil)
    }

    static func page(_ req: Request, verification: VerificationResult? = nil) async throws -> Response {
        let query = try req.query.decode(Query.self)
        var components = URLComponents()
        components.queryItems = [("actor", query.actor), ("action", query.action), ("outcome", query.outcome), ("from", query.from),
                                 ("to", query.to), ("text", query.text), ("target", query.target)]
            .compactMap { name, value in value?.trimmed.nilIfEmpty.map { URLQueryItem(name: name, value: $0) } }
        let echo = QueryEcho(actor: query.actor ?? "", action: query.action ?? "", outcome: query.outcome ?? "",
                             from: query.from ?? "", to: query.to ?? "", text: query.text ?? "", target: query.target ?? "",
                             string: components.percentEncodedQuery ?? "")
        do {
            let events = try await events(req, query: query)
            let targetName = query.target?.trimmed.nilIfEmpty == nil ? "" : events.rows.first?.object.map { "\($0.kind)“\($0.name)”" } ?? ""
            let page = SearchPage(query: echo, rows: events.rows, total: events.total, targetName: targetName,
                                  nextBefore: events.nextBefore, verification: verification)
            return try await req.renderPage("security/audit", title: "审计日志", content: page).encodeResponse(for: req)
        } catch let error as ValidationErrors {
            let page = SearchPage(query: echo, rows: [], total: 0, targetName: "", nextBefore: nil, verification: verification, errors: error.errors.map(\.description))
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
        try await req.audit(.auditVerify, outcome: result.isIntact ? .success : .failure,
                            details: ["events": String(result.eventsChecked), "problems": String(result.problems.count)])
        return VerificationResult(intact: result.isIntact, eventsChecked: result.eventsChecked, lastSealedSequence: result.lastSealedSequence,
                                  unsealed: result.unsealedCount, problems: result.problems.map(\.chinese),
                                  firstBadSequence: result.firstBadSequence, warnings: result.warnings)
    }

    @Sendable static func verifyWeb(req: Request) async throws -> Response { try await page(req, verification: try await verify(req)) }

    @Sendable static func searchAPI(req: Request) async throws -> Events { try await events(req, query: try req.query.decode(Query.self)) }

    @Sendable static func verifyAPI(req: Request) async throws -> VerificationResult { try await verify(req) }
}

extension AuditController.Row: APIExample {
    static let example = AuditController.Row(seq: 1024, time: "2026-12-02 09:30:00", actor: "李强(ggjd1)", action: "entity.update", actionName: "修改被监督单位",
                                             target: "entity:3F2504E0-4F89-11D3-9A0C-0305E82C3301",
                                             object: .init(kind: "被监督单位", name: "福州市鼓楼区悦华宾馆有限公司", link: "/app/entities/3F2504E0-4F89-11D3-9A0C-0305E82C3301",
                                                           eventsLink: "/app/audit?target=entity:3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
                                             outcome: "success", outcomeName: "成功", source: "10.1.2.3", ip: "10.1.2.3", details: "{\"fields\":\"联系电话\"}",
                                             detailItems: [.init(label: "字段", value: "联系电话")])
}

extension AuditController.Events: APIExample {
    static let example = AuditController.Events(rows: [.example], total: 1, nextBefore: nil)
}

extension AuditController.VerificationResult: APIExample {
    static let example = AuditController.VerificationResult(intact: true, eventsChecked: 1024, lastSealedSequence: 1020, unsealed: 4, problems: [],
                                                            firstBadSequence: nil, warnings: [])
}
