import Fluent
import Foundation
import Vapor
import WeijianCore

/// The institute's side of units' submissions (regulation 三(二)2 审核): the review queue with
/// deadlines, the detail with every version, approve or return with reasons.
enum SubmissionsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "submissions", access: .permission(.submissionsReview), use: queue)
        web.endpoint(.GET, "app", "submissions", ":submissionID", access: .permission(.submissionsReview), use: show)
        web.endpoint(.POST, "app", "submissions", ":submissionID", "decide", access: .permission(.submissionsReview), use: decide)
        web.endpoint(.GET, "app", "submissions", ":submissionID", "attachments", ":attachmentID", access: .permission(.submissionsReview), use: attachment)
        api.endpoint(.GET, "submissions", access: .permission(.submissionsReview),
                     doc: APIDoc("单位报送审核队列（数据范围内）", query: [.choice("status", "状态（默认待审核）", Submission.Status.allCases.map(\.rawValue) + ["all"]), .page],
                                 response: Paged<SubmissionQueries.Summary>.self), use: queueAPI)
        api.endpoint(.POST, "submissions", ":submissionID", "decide", access: .permission(.submissionsReview),
                     doc: APIDoc("审核报送：通过（approve）或退回补正（return，须写明理由）", body: DecisionInput.self, required: ["decision"],
                                 response: SubmissionQueries.Summary.self), use: decideAPI)
    }

    struct QueuePage: Encodable, Sendable {
        let rows: [SubmissionQueries.Summary]
        let pager: Pager
        let status: String
    }

    static func rows(_ req: Request) async throws -> Paged<SubmissionQueries.Summary> {
        let status = (try? req.query.get(String.self, at: "status")).flatMap(Submission.Status.init(rawValue:))
        let all = (try? req.query.get(String.self, at: "status")) == "all"
        return try await SubmissionQueries.queue(scope: try req.currentUser.scope, status: all ? nil : status ?? .submitted, page: req.pageNumber,
                                                 today: req.application.clock.today, on: req.db)
    }

    @Sendable static func queue(req: Request) async throws -> View {
        let status = (try? req.query.get(String.self, at: "status")) ?? "submitted"
        let paged = try await rows(req)
        return try await req.renderPage("submissions/queue", title: "单位报送审核",
                                        content: QueuePage(rows: paged.rows, pager: Pager(paged, path: "/app/submissions", query: ["status": status]), status: status))
    }

    @Sendable static func queueAPI(req: Request) async throws -> Paged<SubmissionQueries.Summary> { try await rows(req) }

    static func load(_ req: Request) async throws -> (Submission, SupervisedEntity) {
        guard let id = req.parameters.get("submissionID").flatMap(UUID.init(uuidString:)), let submission = try await Submission.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "报送不存在")
        }
        let entity = try await EntityQueries.visible(submission.entityID, caller: try req.caller, asking: ("submission", id.uuidString))
        return (submission, entity)
    }

    struct DetailPage: Encodable, Sendable {
        let detail: SubmissionQueries.Detail
        let canDecide: Bool
        /// Registered units the changed name or address may duplicate (the check at entry, issue 11).
        var duplicates: [EntityDuplicates.Match] = []
        var errors: [String] = []
        var reason = ""
    }

    static func page(_ req: Request, _ submission: Submission, _ entity: SupervisedEntity) async throws -> DetailPage {
        let detail = try await SubmissionQueries.detail(submission, entity: entity, crypto: req.fieldCrypto, tables: req.codeTables,
                                                        today: req.application.clock.today, on: req.db)
        var page = DetailPage(detail: detail, canDecide: submission.status == .submitted)
        if page.canDecide, let proposed = try SubmissionQueries.proposed(submission, entity: entity, crypto: req.fieldCrypto), proposed.name != entity.name || proposed.operatingAddress != entity.operatingAddress {
            page.duplicates = try await EntityDuplicates.likely(name: proposed.name ?? entity.name, address: proposed.operatingAddress ?? entity.operatingAddress,
                                                                division: proposed.divisionCode ?? entity.divisionCode, except: entity.id, caller: try req.caller)
        }
        return page
    }

    @Sendable static func show(req: Request) async throws -> View {
        let (submission, entity) = try await load(req)
        return try await req.renderPage("submissions/review", title: "审核报送 \(submission.number)", content: try await page(req, submission, entity))
    }

    struct DecisionInput: Content {
        var decision: String?
        var reason: String?
        /// Units the reviewer confirmed are not the unit whose name or address changes.
        var notDuplicateOf: [String]?
    }

    static func apply(_ req: Request) async throws -> Submission {
        let (submission, entity) = try await load(req)
        let input = try req.content.decode(DecisionInput.self)
        guard let decision = SubmissionQueries.Decision(rawValue: input.decision ?? "") else {
            throw ValidationError(field: "审核结论", code: "choice", message: "应为通过或退回补正")
        }
        try await SubmissionQueries.decide(submission, decision: decision, reason: input.reason ?? "", notDuplicateOf: input.notDuplicateOf,
                                           entity: entity, by: try req.caller)
        return submission
    }

    @Sendable static func decide(req: Request) async throws -> Response {
        do {
            let submission = try await apply(req)
            let message = submission.status == .approved ? "已审核通过\(submission.kind == .entityChange ? "，变更已写入单位档案" : "")" : "已退回补正，单位将收到通知"
            return try await req.redirect(to: "/app/submissions/\(try submission.requireID())", flash: message)
        } catch let error as any Error & CustomStringConvertible where error is ValidationError || error is EntityDuplicates.Likely {
            let (submission, entity) = try await load(req)
            var page = try await page(req, submission, entity)
            page.errors = [error.description]
            page.reason = (try? req.content.decode(DecisionInput.self).reason) ?? ""
            return try await req.renderPage("submissions/review", title: "审核报送 \(submission.number)", content: page)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func decideAPI(req: Request) async throws -> SubmissionQueries.Summary {
        let submission = try await EntityDuplicates.answeringAPI { try await apply(req) }
        return SubmissionQueries.summary(submission, entityName: "", today: req.application.clock.today)
    }

    /// A file attached to a submission the reviewer may see; every download is audited.
    @Sendable static func attachment(req: Request) async throws -> Response {
        let (submission, _) = try await load(req)
        return try await attachment(req, of: submission)
    }

    static func attachment(_ req: Request, of submission: Submission) async throws -> Response {
        let id = req.parameters.get("attachmentID").flatMap(UUID.init(uuidString:))
        guard let row = try await Attachments.rows(ownerType: "submission", ownerID: try submission.requireID(), on: req.db).first(where: { $0.id == id }) else {
            throw Abort(.notFound, reason: "附件不存在")
        }
        let response = try Attachments.download(row, directory: req.settings.attachmentsDirectory, crypto: req.fieldCrypto)
        try await req.audit(.attachmentDownload, target: ("attachment", row.id.uuidString), details: ["submission": submission.number, "sha256": row.sha256])
        return response
    }
}

extension SubmissionsController.DecisionInput: APIExample {
    static let example = SubmissionsController.DecisionInput(decision: "return", reason: "请补充整改后的消毒记录照片")
}

extension SubmissionQueries.Summary: APIExample {
    static let example = SubmissionQueries.Summary(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", number: "BS2026000012", kind: "自查报告",
                                                   entityID: "3F2504E0-4F89-11D3-9A0C-0305E82C3302", entityName: "福州阳光宾馆有限公司", status: "待审核",
                                                   statusCode: "submitted", version: 1, submittedAt: "2026-12-01 10:00", dueDate: "2026-12-08",
                                                   overdue: false, flagged: false)
}
