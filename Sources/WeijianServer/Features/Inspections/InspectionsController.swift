import Fluent
import Foundation
import Vapor
import WeijianCore

/// 监督检查: starting an inspection from the unit's file, recording it section by section on a
/// tablet, submitting it, issuing its documents; the lists; and the same through the API.
enum InspectionsController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "inspections", access: .permission(.entitiesRead), use: list)
        web.endpoint(.GET, "app", "inspections", "follow-ups", access: .permission(.entitiesRead), use: followUps)
        web.endpoint(.GET, "app", "inspections", "export", access: .permission(.dataExport), use: export)
        web.endpoint(.GET, "app", "inspections", "risk", access: .permission(.entitiesRead), use: risk)
        web.endpoint(.GET, "app", "inspections", "overdue", access: .permission(.entitiesRead), use: overdue)
        web.endpoint(.GET, "app", "entities", ":entityID", "inspections", "new", access: .permission(.inspectionsRecord), use: newForm)
        web.endpoint(.POST, "app", "entities", ":entityID", "inspections", access: .permission(.inspectionsRecord), use: create)
        web.endpoint(.GET, "app", "inspections", ":inspectionID", access: .permission(.entitiesRead), use: show)
        web.endpoint(.GET, "app", "inspections", ":inspectionID", "sections", ":section", access: .permission(.inspectionsRecord), use: section)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "sections", ":section", access: .permission(.inspectionsRecord), use: saveSection)
        web.endpoint(.GET, "app", "inspections", ":inspectionID", "finish", access: .permission(.inspectionsRecord), use: finish)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "submit", access: .permission(.inspectionsRecord), use: submit)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "documents", access: .permission(.inspectionsRecord), use: issue)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "evidence", access: .permission(.inspectionsRecord), use: attachEvidence)
        web.endpoint(.POST, "app", "inspections", ":inspectionID", "media", access: .permission(.inspectionsRecord), body: .stream, use: attachMedia)
        web.endpoint(.GET, "app", "inspections", ":inspectionID", "evidence", ":evidenceID", access: .permission(.entitiesRead), use: evidence)

        api.endpoint(.GET, "inspections", access: .permission(.entitiesRead),
                     doc: APIDoc("监督检查列表（view=drafts 草稿，view=late 逾期录入）", query: [
                        .choice("view", "列表", InspectionQueries.View.allCases.map(\.rawValue)), .uuid("entityID", "只看某一单位"), .page],
                                 response: Paged<InspectionQueries.Row>.self), use: listAPI)
        api.endpoint(.GET, "inspections", "follow-ups", access: .permission(.entitiesRead),
                     doc: APIDoc("责令改正已到期、待复查的检查（按最早期限排序）", query: [.page], response: Paged<FollowUps.Due>.self), use: followUpsAPI)
        api.endpoint(.GET, "inspections", "overdue", access: .permission(.entitiesRead),
                     doc: APIDoc("按量化分级频次应检而逾期未检的单位（A级每年1次，B级2次，C级及不予评级3次）", query: [.page],
                                 response: Paged<InspectionSchedule.Row>.self), use: overdueAPI)
        api.endpoint(.GET, "inspections", "risk", access: .permission(.entitiesRead),
                     doc: APIDoc("按风险评分排序的单位（定向检查的先后），每个因素的得分与占比", query: [.text("category", "专业类别代码或其前缀", maxLength: 10), .page],
                                 response: Paged<UnitRisk.Row>.self), use: riskAPI)
        api.endpoint(.POST, "inspections", access: .permission(.inspectionsRecord),
                     doc: APIDoc("记录一次现场检查（含全部检查项目结果；submit=false 时只保存为草稿）", body: InspectionQueries.Input.self,
                                 required: ["entityID", "source", "inspectedOn", "startTime", "endTime", "inspectorIDs"],
                                 response: InspectionPages.Detail.self, status: .created), use: createAPI)
        api.endpoint(.GET, "inspections", ":inspectionID", access: .permission(.entitiesRead),
                     doc: APIDoc("一次现场检查的全部内容", response: InspectionPages.Detail.self), use: showAPI)
        api.endpoint(.POST, "inspections", ":inspectionID", "documents", access: .permission(.inspectionsRecord),
                     doc: APIDoc("签发现场检查笔录或卫生监督意见书（分配文号，生成并冻结PDF）", body: IssueInput.self, required: ["kind"],
                                 response: Documents.Issued.self, status: .created), use: issueAPI)
    }

    struct IssueInput: Content, Sendable, APIExample {
        var kind: String?
        static let example = IssueInput(kind: DocumentKind.supervisionOpinion.rawValue)
    }

    static func inspection(_ req: Request) async throws -> (InspectionQueries.Record, SupervisedEntity) {
        try await InspectionQueries.visible(req.parameters.get("inspectionID").flatMap(UUID.init(uuidString:)), caller: try req.caller)
    }

    static func checklist(_ record: InspectionQueries.Record, on db: any Database) async throws -> ChecklistQueries.Version {
        guard let version = try await ChecklistQueries.find(record.checklistID, on: db) else { throw Abort(.internalServerError, reason: "检查表版本缺失") }
        return version
    }

    // MARK: web

    @Sendable static func list(req: Request) async throws -> View {
        let view = InspectionQueries.View(rawValue: (try? req.query.get(String.self, at: "view")) ?? "") ?? .all
        let entityID = (try? req.query.get(String.self, at: "entityID")).flatMap(UUID.init(uuidString:))
        let paged = try await InspectionQueries.list(view: view, entityID: entityID, page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
        let title = ["all": "监督检查", "drafts": "未提交的检查", "late": "逾期录入的检查"][view.rawValue]!
        var query = ["view": view.rawValue]
        if let entityID { query["entityID"] = entityID.uuidString }
        return try await req.renderPage("inspections/list", title: title,
                                        content: InspectionPages.ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/inspections", query: query),
                                                                          view: view.rawValue, title: title))
    }

    /// The list as CSV or XLSX (audited as an export).
    @Sendable static func export(req: Request) async throws -> Response {
        let view = InspectionQueries.View(rawValue: (try? req.query.get(String.self, at: "view")) ?? "") ?? .all
        let entityID = (try? req.query.get(String.self, at: "entityID")).flatMap(UUID.init(uuidString:))
        let rows = try await InspectionQueries.all(view: view, entityID: entityID, today: req.application.clock.today, caller: try req.caller)
        return try await TableExport.response(req, name: "监督检查", header: ["检查编号", "单位", "检查日期", "来源", "状态", "标准化得分", "量化等级", "录入期限", "逾期录入", "录入人"],
                                              rows: rows.map { [$0.number, $0.entityName, $0.inspectedOn, $0.source, $0.statusName, $0.score, $0.gradeName, $0.entryDue,
                                                                $0.late ? "是" : "否", $0.createdBy] }, what: "inspections")
    }

    @Sendable static func newForm(req: Request) async throws -> View {
        let entity = try await LicensesController.entity(req)
        var input = InspectionQueries.Input(inspectedOn: req.application.clock.today.description)
        // From a 双随机 task: the source is chosen.
        if let source = (try? req.query.get(String.self, at: "source")).flatMap(InspectionSource.init(rawValue:)) { input.source = source.rawValue }
        // From a follow-up task: the original inspection is chosen and the source is 复查.
        if let original = (try? req.query.get(String.self, at: "followUp")).flatMap(UUID.init(uuidString:)) {
            (input.source, input.followUpOf) = (InspectionSource.followUp.rawValue, original.uuidString)
            // The original's inspectors and representative, as a follow-up usually has the same.
            if let record = try await InspectionQueries.record(original, on: req.db), record.entityID == entity.id {
                input.inspectorIDs = try await InspectionQueries.inspectors(original, on: req.db).map(\.userID.uuidString)
                input.representative = record.representative
            }
        }
        return try await renderNew(req, entity: entity, input: input, errors: [])
    }

    struct FollowUpsPage: Encodable, Sendable {
        let rows: [FollowUps.Due]
        let pager: Pager
        let today: String
    }

    @Sendable static func followUps(req: Request) async throws -> View {
        let today = req.application.clock.today
        let paged = try await FollowUps.due(today: today, page: req.pageNumber, caller: try req.caller)
        return try await req.renderPage("inspections/follow-ups", title: "待复查",
                                        content: FollowUpsPage(rows: paged.rows, pager: Pager(paged, path: "/app/inspections/follow-ups"), today: today.description))
    }

    struct OverduePage: Encodable, Sendable {
        let rows: [InspectionSchedule.Row]
        let pager: Pager
    }

    @Sendable static func overdue(req: Request) async throws -> View {
        let paged = try await InspectionSchedule.overdue(today: req.application.clock.today, page: req.pageNumber, caller: try req.caller)
        return try await req.renderPage("inspections/overdue", title: "逾期未检", content: OverduePage(rows: paged.rows, pager: Pager(paged, path: "/app/inspections/overdue")))
    }

    @Sendable static func overdueAPI(req: Request) async throws -> Paged<InspectionSchedule.Row> {
        try await InspectionSchedule.overdue(today: req.application.clock.today, page: req.pageNumber, caller: try req.caller)
    }

    struct RiskPage: Encodable, Sendable {
        let rows: [UnitRisk.Row]
        let pager: Pager
        let category: String
    }

    static func riskCategory(_ req: Request) -> String {
        let raw = ((try? req.query.get(String.self, at: "category")) ?? "GG").trimmed.uppercased()
        return raw.isEmpty || raw.count > 10 || !raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? "GG" : raw
    }

    @Sendable static func risk(req: Request) async throws -> View {
        let category = riskCategory(req)
        let paged = try await UnitRisk.ranked(category: category, page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
        return try await req.renderPage("inspections/risk", title: "风险排序",
                                        content: RiskPage(rows: paged.rows, pager: Pager(paged, path: "/app/inspections/risk", query: ["category": category]), category: category))
    }

    @Sendable static func riskAPI(req: Request) async throws -> Paged<UnitRisk.Row> {
        try await UnitRisk.ranked(category: riskCategory(req), page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
    }

    @Sendable static func followUpsAPI(req: Request) async throws -> Paged<FollowUps.Due> {
        try await FollowUps.due(today: req.application.clock.today, page: req.pageNumber, caller: try req.caller)
    }

    static func renderNew(_ req: Request, entity: SupervisedEntity, input: InspectionQueries.Input, errors: [ValidationError]) async throws -> View {
        let page = try await InspectionPages.newPage(entity: entity, input: input, errors: errors, user: try req.currentUser, on: req.db)
        return try await req.renderPage("inspections/new", title: "现场检查：\(entity.name)", content: page)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let entity = try await LicensesController.entity(req)
        var input = try req.content.decode(InspectionQueries.Input.self)
        input.representativeRefused = (try? req.content.get(String.self, at: "representativeRefused")) == "on" || input.representativeRefused == true
        do {
            let id = try await InspectionQueries.create(input, entity: entity, app: req.application, by: try req.caller)
            return req.redirect(to: "/app/inspections/\(id)/sections/1")
        } catch let error as ValidationErrors {
            return try await renderNew(req, entity: entity, input: input, errors: error.errors).encodeResponse(status: .unprocessableEntity, for: req)
        } catch let error as ValidationError {
            return try await renderNew(req, entity: entity, input: input, errors: [error]).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func show(req: Request) async throws -> View {
        let (record, entity) = try await inspection(req)
        let detail = try await InspectionPages.detail(record, entity: entity, on: req.db)
        let user = try req.currentUser
        let links = user.can(.casesHandle) ? try await InspectionPages.caseLinks(record.id, on: req.db) : []
        return try await req.renderPage("inspections/show", title: "现场检查 \(detail.number)",
                                        content: InspectionPages.ShowPage(detail: detail, canRecord: user.can(.inspectionsRecord), canVoid: user.can(.documentsVoid),
                                                                          errors: [], canOpenCase: user.can(.casesHandle), caseLinks: links,
                                                                          casedItems: links.map(\.itemCode)))
    }

    static func sectionNumber(_ req: Request, count: Int) throws -> Int {
        guard let number = req.parameters.get("section").flatMap(Int.init), (1...count).contains(number) else {
            throw Abort(.notFound, reason: "检查表没有这一部分")
        }
        return number
    }

    static func renderSection(_ req: Request, _ record: InspectionQueries.Record, _ entity: SupervisedEntity, number: Int,
                              typed: [String: InspectionQueries.Result]? = nil, errors: [ValidationError] = []) async throws -> View {
        let version = try await checklist(record, on: req.db)
        let saved = try await InspectionQueries.results(record.id, on: req.db)
        let page = InspectionPages.sectionPage(record, entityName: entity.name, version: version, number: number, results: typed ?? saved, errors: errors)
        return try await req.renderPage("inspections/section", title: "\(entity.name)：\(page.sectionTitle)", content: page)
    }

    @Sendable static func section(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        guard record.status == .draft else { return req.redirect(to: "/app/inspections/\(record.id)") }
        let version = try await checklist(record, on: req.db)
        return try await renderSection(req, record, entity, number: try sectionNumber(req, count: version.checklist.sections.count)).encodeResponse(for: req)
    }

    /// The section's answers from the form: `result-<code>` and `finding-<code>` for each item.
    static func sectionInput(_ req: Request, section: Checklist.Section) -> [InspectionQueries.ItemInput] {
        section.items.compactMap { item in
            guard let result = try? req.content.get(String.self, at: "result-\(item.code)"), !result.isEmpty else { return nil }
            return InspectionQueries.ItemInput(item: item.code, result: result, finding: try? req.content.get(String.self, at: "finding-\(item.code)"))
        }
    }

    @Sendable static func saveSection(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        let version = try await checklist(record, on: req.db)
        let number = try sectionNumber(req, count: version.checklist.sections.count)
        let items = sectionInput(req, section: version.checklist.sections[number - 1])
        do {
            try await InspectionQueries.saveResults(items, inspection: record, checklist: version.checklist, by: try req.caller)
        } catch let error as ValidationErrors {
            let typed = Dictionary(items.compactMap { item in ItemResult(rawValue: item.result).map { (item.item, InspectionQueries.Result(result: $0, finding: item.finding ?? "")) } }) { $1 }
            return try await renderSection(req, record, entity, number: number, typed: typed, errors: error.errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let previous = (try? req.content.get(String.self, at: "go")) == "back"
        let next = previous ? max(1, number - 1) : number + 1
        if !previous && next > version.checklist.sections.count { return req.redirect(to: "/app/inspections/\(record.id)/finish") }
        return req.redirect(to: "/app/inspections/\(record.id)/sections/\(next)")
    }

    static func renderFinish(_ req: Request, _ record: InspectionQueries.Record, _ entity: SupervisedEntity, input: InspectionQueries.Input? = nil,
                             errors: [ValidationError] = []) async throws -> View {
        let version = try await checklist(record, on: req.db)
        let page = try await InspectionPages.finishPage(record, entity: entity, version: version, input: input, errors: errors,
                                                        today: req.application.clock.today, on: req.db)
        return try await req.renderPage("inspections/finish", title: "\(entity.name)：检查结论", content: page)
    }

    @Sendable static func finish(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        guard record.status == .draft else { return req.redirect(to: "/app/inspections/\(record.id)") }
        return try await renderFinish(req, record, entity).encodeResponse(for: req)
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        var input = try req.content.decode(InspectionQueries.Input.self)
        input.representativeRefused = (try? req.content.get(String.self, at: "representativeRefused")) == "on"
        input.samples = (0..<3).map { index in
            InspectionQueries.SampleInput(item: try? req.content.get(String.self, at: "sample-item-\(index)"),
                                          quantity: try? req.content.get(String.self, at: "sample-quantity-\(index)"),
                                          recordNumber: try? req.content.get(String.self, at: "sample-record-\(index)"))
        }
        let version = try await checklist(record, on: req.db)
        do {
            try await InspectionQueries.submit(input, inspection: record, checklist: version.checklist, by: try req.caller)
            return try await req.redirect(to: "/app/inspections/\(record.id)", flash: "检查已提交")
        } catch let error as ValidationErrors {
            return try await renderFinish(req, record, entity, input: input, errors: error.errors).encodeResponse(status: .unprocessableEntity, for: req)
        } catch let error as ValidationError {
            return try await renderFinish(req, record, entity, input: input, errors: [error]).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func issue(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        guard let kind = DocumentKind(rawValue: (try? req.content.get(String.self, at: "kind")) ?? "") else {
            throw ValidationError(field: "文书种类", code: "choice", message: "应为现场检查笔录或卫生监督意见书")
        }
        do {
            let issued = try await InspectionDocuments.issue(kind, record: record, entity: entity, app: req.application, by: try req.caller)
            return try await req.redirect(to: "/app/inspections/\(record.id)#documents", flash: "已签发\(issued.kindName) \(issued.number)")
        } catch let error as ValidationError {
            let detail = try await InspectionPages.detail(record, entity: entity, on: req.db)
            let user = try req.currentUser
            return try await req.renderPage("inspections/show", title: "现场检查 \(detail.number)",
                                            content: InspectionPages.ShowPage(detail: detail, canRecord: user.can(.inspectionsRecord),
                                                                              canVoid: user.can(.documentsVoid), errors: [error.description]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    struct EvidenceInput: Content {
        var itemCode: String?
        var files: [File]?
    }

    @Sendable static func attachEvidence(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        let input = try req.content.decode(EvidenceInput.self)
        let uploads = (input.files ?? []).map { Attachments.Upload(fileName: $0.filename, bytes: Array($0.data.readableBytesView),
                                                                   refused: req.refusedUploads?.message(for: $0.filename)) }
        let version = try await checklist(record, on: req.db)
        do {
            let rows = try await InspectionEvidence.attach(uploads, itemCode: input.itemCode, inspection: record, checklist: version.checklist,
                                                           directory: req.settings.attachmentsDirectory, by: try req.caller)
            return try await req.redirect(to: "/app/inspections/\(record.id)#evidence", flash: "已上传\(rows.count)个证据文件")
        } catch let error as ValidationErrors {
            let detail = try await InspectionPages.detail(record, entity: entity, on: req.db)
            let user = try req.currentUser
            return try await req.renderPage("inspections/show", title: "现场检查 \(detail.number)",
                                            content: InspectionPages.ShowPage(detail: detail, canRecord: user.can(.inspectionsRecord),
                                                                              canVoid: user.can(.documentsVoid), errors: error.errors.map(\.description)))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// Audio and video evidence, streamed to disk (StreamedUpload): the inspection and the caller's
    /// right to record it are checked before a byte of the body is read.
    @Sendable static func attachMedia(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        let caller = try req.caller
        let version = try await checklist(record, on: req.db)
        var errors: [ValidationError] = []
        do {
            let received = try await StreamedUpload.receive(req, directory: req.settings.attachmentsDirectory, crypto: caller.crypto)
            errors = received.errors
            if received.files.isEmpty && errors.isEmpty {
                errors.append(ValidationError(field: "录音录像", code: "required", message: "请选择要上传的录音或录像文件（\(MediaType.acceptedList)）"))
            }
            if errors.isEmpty {
                let added = try await InspectionEvidence.attachMedia(received.files, itemCode: received.fields["itemCode"], inspection: record,
                                                                     checklist: version.checklist, by: caller)
                let flash = added == received.files.count ? "已上传\(added)个录音录像文件" : "已上传\(added)个录音录像文件（\(received.files.count - added)个此前已上传，未重复登记）"
                return try await req.redirect(to: "/app/inspections/\(record.id)#evidence", flash: flash)
            }
        } catch let error as ValidationError {
            errors = [error]
        }
        let detail = try await InspectionPages.detail(record, entity: entity, on: req.db)
        let user = try req.currentUser
        return try await req.renderPage("inspections/show", title: "现场检查 \(detail.number)",
                                        content: InspectionPages.ShowPage(detail: detail, canRecord: user.can(.inspectionsRecord),
                                                                          canVoid: user.can(.documentsVoid), errors: errors.map(\.description)))
            .encodeResponse(status: .unprocessableEntity, for: req)
    }

    @Sendable static func evidence(req: Request) async throws -> Response {
        let (record, _) = try await inspection(req)
        return try await InspectionEvidence.download(req.parameters.get("evidenceID").flatMap(UUID.init(uuidString:)), inspection: record,
                                                     directory: req.settings.attachmentsDirectory, caller: try req.caller)
    }

    // MARK: API

    @Sendable static func listAPI(req: Request) async throws -> Paged<InspectionQueries.Row> {
        let view = InspectionQueries.View(rawValue: (try? req.query.get(String.self, at: "view")) ?? "") ?? .all
        let entityID = (try? req.query.get(String.self, at: "entityID")).flatMap(UUID.init(uuidString:))
        return try await InspectionQueries.list(view: view, entityID: entityID, page: req.pageNumber, today: req.application.clock.today, caller: try req.caller)
    }

    @Sendable static func createAPI(req: Request) async throws -> Response {
        let input = try req.content.decode(InspectionQueries.Input.self)
        guard let entityID = input.entityID.flatMap(UUID.init(uuidString:)) else {
            throw ValidationError(field: "entityID", code: "required", message: "必填，应为被监督单位的UUID")
        }
        let caller = try req.caller
        let entity = try await EntityQueries.visible(entityID, caller: caller)
        // One transaction: a refused result or submission leaves no draft behind.
        let id = try await req.db.writeTransaction { tx in
            let inner = caller.on(tx)
            let id = try await InspectionQueries.create(input, entity: entity, app: req.application, by: inner)
            guard let record = try await InspectionQueries.record(id, on: tx) else { throw Abort(.internalServerError) }
            let version = try await checklist(record, on: tx)
            try await InspectionQueries.saveResults(input.results ?? [], inspection: record, checklist: version.checklist, by: inner)
            if input.submit != false {
                try await InspectionQueries.submit(input, inspection: record, checklist: version.checklist, by: inner)
            }
            return id
        }
        let (record, _) = try await InspectionQueries.visible(id, caller: caller)
        return try await InspectionPages.detail(record, entity: entity, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func showAPI(req: Request) async throws -> InspectionPages.Detail {
        let (record, entity) = try await inspection(req)
        return try await InspectionPages.detail(record, entity: entity, on: req.db)
    }

    @Sendable static func issueAPI(req: Request) async throws -> Response {
        let (record, entity) = try await inspection(req)
        guard let kind = DocumentKind(rawValue: try req.content.decode(IssueInput.self).kind ?? "") else {
            throw ValidationError(field: "kind", code: "choice", message: "应为 inspectionRecord（现场检查笔录）或 supervisionOpinion（卫生监督意见书）")
        }
        return try await InspectionDocuments.issue(kind, record: record, entity: entity, app: req.application, by: try req.caller)
            .encodeResponse(status: .created, for: req)
    }
}

extension InspectionQueries.Input: APIExample {
    static let example = InspectionQueries.Input(
        entityID: "3F2504E0-4F89-11D3-9A0C-0305E82C3302", source: "routine", inspectedOn: "2026-12-03", startTime: "09:00", endTime: "10:30",
        inspectorIDs: ["3F2504E0-4F89-11D3-9A0C-0305E82C3304", "3F2504E0-4F89-11D3-9A0C-0305E82C3305"], representative: "王建国",
        representativeRefused: false, refusalNote: nil, followUpOf: nil,
        results: [.init(item: "3.2", result: "nonconform", finding: "深水区余氯0.1 mg/L")],
        samples: [.init(item: "池水", quantity: "500 mL×2", recordNumber: "CY2026-0012")], conclusion: "池水余氯不符合要求，责令限期改正。",
        rectificationDeadline: "2026-12-10", corrected: nil, submit: true)
}
