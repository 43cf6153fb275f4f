import Fluent
import Foundation
import Vapor
import WeijianCore

/// The units' portal (`/portal`): a unit's own file, its submissions and their review state.
/// A portal account sees only its own unit.
enum PortalController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "portal", access: .permission(.portalSubmit), use: home)
        web.endpoint(.GET, "portal", "submissions", "new", access: .permission(.portalSubmit), use: newForm)
        web.endpoint(.POST, "portal", "submissions", access: .permission(.portalSubmit), use: submit)
        web.endpoint(.GET, "portal", "submissions", ":submissionID", access: .permission(.portalSubmit), use: show)
        web.endpoint(.POST, "portal", "submissions", ":submissionID", "resubmit", access: .permission(.portalSubmit), use: resubmit)
        web.endpoint(.GET, "portal", "submissions", ":submissionID", "attachments", ":attachmentID", access: .permission(.portalSubmit), use: attachment)
    }

    static func unit(_ req: Request) async throws -> SupervisedEntity {
        let user = try req.currentUser
        guard let account = try await User.find(user.id, on: req.db), let entityID = account.entityID,
              let entity = try await SupervisedEntity.find(entityID, on: req.db) else {
            throw Abort(.forbidden, reason: "您的账号未绑定被监督单位，请联系卫生监督所信息科")
        }
        if entity.status == .merged, let survivor = entity.mergedInto, let merged = try await SupervisedEntity.find(survivor, on: req.db) { return merged }
        return entity
    }

    struct Home: Encodable, Sendable {
        let name: String
        let unitCode: String
        let facts: [EntityPages.Fact]
        let licences: [LicenseQueries.Row]
        let submissions: [SubmissionQueries.Summary]
        let kinds: [EntityPages.Choice]
        /// The submissions' total and pages.
        let pager: Pager
    }

    @Sendable static func home(req: Request) async throws -> View {
        let entity = try await unit(req)
        let id = try entity.requireID()
        let today = req.application.clock.today
        let submissions = try await SubmissionQueries.forEntity(id, page: req.pageNumber, today: today, on: req.db)
        let page = Home(name: entity.name, unitCode: entity.unitCode,
                        facts: [.init(label: "统一社会信用代码", value: entity.creditCode ?? ""), .init(label: "法定代表人（负责人）", value: entity.legalRepName ?? ""),
                                .init(label: "经营地址", value: entity.operatingAddress), .init(label: "经营范围", value: entity.businessScope ?? ""),
                                .init(label: "从业人员数", value: entity.employees.map(String.init) ?? ""), .init(label: "经营状态", value: entity.status.chinese)],
                        licences: try await LicenseQueries.forEntity(id, today: today, on: req.db),
                        submissions: submissions.rows,
                        kinds: try await SubmissionQueries.kinds(for: entity, on: req.db).map { .init(value: $0.rawValue, label: $0.chinese) },
                        pager: Pager(submissions, path: "/portal"))
        return try await req.renderPage("portal/home", title: "单位门户", content: page)
    }

    struct FormPage: Encodable, Sendable {
        let kind: String
        let kindName: String
        let action: String
        let payload: SubmissionQueries.Payload
        let current: EntityInput
        let extFields: [EntityPages.ExtField]
        let indicators: [Indicator]
        /// Each unit field's `maxlength`, from its description.
        var limits = EntityField.limits
        var errors: [String] = []
        var reason = ""
    }

    struct NewPage: Encodable, Sendable {
        let form: FormPage
    }

    struct Indicator: Encodable, Sendable {
        let code: String
        let label: String
        let limit: String
        let value: String
    }

    static func formPage(_ req: Request, kind: Submission.Kind, payload: SubmissionQueries.Payload, action: String, entity: SupervisedEntity) async throws -> FormPage {
        let limits = try await WaterLimits.load(on: req.db)
        var current = EntityPages.input(of: entity, inspectors: [])
        let ext = payload.entity?.ext ?? current.ext ?? [:]
        for keyPath in [\EntityInput.name, \.legalRepName, \.contactName, \.operatingAddress, \.businessScope, \.employees, \.certifiedEmployees,
                        \.trainedEmployees] where (current[keyPath: keyPath] ?? "").isEmpty {
            current[keyPath: keyPath] = "未填"
        }
        return FormPage(kind: kind.rawValue, kindName: kind.chinese, action: action, payload: payload, current: current,
                        extFields: CategoryExtensions.fields(forCategory: entity.categoryCode).map { EntityPages.ExtField($0, value: ext[$0.key]) },
                        indicators: limits.map { indicator in
                            let limit = WaterLimitsController.limitText(indicator)
                            return Indicator(code: indicator.code, label: "\(indicator.name)\(indicator.unit.isEmpty ? "" : "（\(indicator.unit)）")", limit: limit,
                                             value: payload.values?[indicator.code] ?? "")
                        })
    }

    static func kind(_ raw: String?) throws -> Submission.Kind {
        guard let kind = Submission.Kind(rawValue: raw ?? "") else {
            throw ValidationError(field: "报送类型", code: "choice", message: "请选择报送类型")
        }
        return kind
    }

    @Sendable static func newForm(req: Request) async throws -> View {
        let entity = try await unit(req)
        let kind = try kind(try? req.query.get(String.self, at: "kind"))
        try await SubmissionQueries.requireKind(kind, for: entity, on: req.db)
        return try await req.renderPage("portal/form", title: "报送\(kind.chinese)", content: NewPage(form: try await formPage(req, kind: kind, payload: .init(), action: "/portal/submissions", entity: entity)))
    }

    struct SubmitInput: Content {
        var kind: String?
        var payload: SubmissionQueries.Payload?
        /// `files[]` of a multipart form (the form also works urlencoded, without files).
        var files: [File]?

        func attachments(_ req: Request) -> SubmissionQueries.Files {
            SubmissionQueries.Files(uploads: (files ?? []).map { .init(fileName: $0.filename, bytes: Array($0.data.readableBytesView),
                                                                       refused: req.refusedUploads?.message(for: $0.filename)) },
                                    directory: req.settings.attachmentsDirectory)
        }
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let entity = try await unit(req)
        let input = try req.content.decode(SubmitInput.self)
        let kind = try kind(input.kind)
        let payload = input.payload ?? .init()
        do {
            let submission = try await SubmissionQueries.submit(kind, payload: payload, files: input.attachments(req), entity: entity, by: try req.caller)
            return try await req.redirect(to: "/portal/submissions/\(try submission.requireID())",
                                          flash: "已提交，报送编号\(submission.number)，审核期限\(submission.dueDate)")
        } catch let error as ValidationErrors {
            var page = try await formPage(req, kind: kind, payload: payload, action: "/portal/submissions", entity: entity)
            page.errors = error.errors.map(\.description)
            return try await req.renderPage("portal/form", title: "报送\(kind.chinese)", content: NewPage(form: page)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    static func own(_ req: Request) async throws -> (Submission, SupervisedEntity) {
        let entity = try await unit(req)
        let account = try await User.find(try req.currentUser.id, on: req.db)
        guard let id = req.parameters.get("submissionID").flatMap(UUID.init(uuidString:)), let submission = try await Submission.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "报送不存在")
        }
        guard [entity.id, account?.entityID].contains(submission.entityID) else {
            // Another unit's submission: audited as a refusal, answered as if it did not exist.
            try await req.caller.audit(.accessOutOfScope, target: ("submission", id.uuidString), outcome: .denied, details: ["reason": "otherUnit"])
            throw Abort(.notFound, reason: "报送不存在")
        }
        return (submission, entity)
    }

    struct DetailPage: Encodable, Sendable {
        let detail: SubmissionQueries.Detail
        let form: FormPage?
    }

    @Sendable static func show(req: Request) async throws -> View {
        let (submission, entity) = try await own(req)
        let detail = try await SubmissionQueries.detail(submission, entity: entity, crypto: req.fieldCrypto, tables: req.codeTables,
                                                        today: req.application.clock.today, on: req.db)
        let form = detail.canResubmit
            ? try await formPage(req, kind: submission.kind, payload: detail.payload, action: "/portal/submissions/\(try submission.requireID())/resubmit", entity: entity)
            : nil
        return try await req.renderPage("portal/submission", title: "报送 \(submission.number)", content: DetailPage(detail: detail, form: form))
    }

    @Sendable static func resubmit(req: Request) async throws -> Response {
        let (submission, entity) = try await own(req)
        let input = try req.content.decode(SubmitInput.self)
        let payload = input.payload ?? .init()
        do {
            try await SubmissionQueries.resubmit(submission, payload: payload, files: input.attachments(req), entity: entity, by: try req.caller)
            return try await req.redirect(to: "/portal/submissions/\(try submission.requireID())", flash: "已重新提交（第\(submission.version)版）")
        } catch let error as ValidationErrors {
            let detail = try await SubmissionQueries.detail(submission, entity: entity, crypto: req.fieldCrypto, tables: req.codeTables,
                                                            today: req.application.clock.today, on: req.db)
            var form = try await formPage(req, kind: submission.kind, payload: payload, action: "/portal/submissions/\(try submission.requireID())/resubmit", entity: entity)
            form.errors = error.errors.map(\.description)
            return try await req.renderPage("portal/submission", title: "报送 \(submission.number)", content: DetailPage(detail: detail, form: form))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// One of the unit's own attached files.
    @Sendable static func attachment(req: Request) async throws -> Response {
        let (submission, _) = try await own(req)
        return try await SubmissionsController.attachment(req, of: submission)
    }
}
