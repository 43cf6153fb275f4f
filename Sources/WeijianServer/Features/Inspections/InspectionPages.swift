import Fluent
import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// View models of the inspection pages (and the API's detail), built from query results.
enum InspectionPages {
    struct Choice: Encodable, Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct NewPage: Encodable, Sendable {
        let entityID: String
        let entityName: String
        let checklistName: String
        let sources: [Choice]
        let inspectors: [Choice]
        let followUps: [Choice]
        let input: InspectionQueries.Input
        let errors: [String]
        let refused: Bool
    }

    /// The staff who may inspect: active staff with an enforcement certificate, the caller first.
    static func newPage(entity: SupervisedEntity, input: InspectionQueries.Input, errors: [ValidationError], user: CurrentUser,
                        on db: any Database) async throws -> NewPage {
        let profiles = try await StaffProfile.query(on: db).filter(\.$certificateNumber != nil).with(\.$user).all()
        var departments: [UUID: String] = [:]
        for department in try await Department.query(on: db).all() { if let id = department.id { departments[id] = department.name } }
        let chosen = Set(input.inspectorIDs ?? [user.id.uuidString])
        // The unit's department first (the caller at the top), then the rest by department and name.
        func rank(_ profile: StaffProfile) -> String {
            (profile.user.id == user.id ? "0" : profile.user.$department.id == entity.departmentID ? "1" : "2")
                + (profile.user.$department.id.flatMap { departments[$0] } ?? "") + profile.user.displayName
        }
        let inspectors = profiles.filter { $0.user.status == .active && $0.user.kind == .staff && !($0.certificateNumber ?? "").isEmpty }
            .sorted { rank($0) < rank($1) }
            .map { profile in
                Choice(value: profile.user.id!.uuidString,
                       label: "\(profile.user.displayName)（\(profile.user.$department.id.flatMap { departments[$0] } ?? "未分科室")，执法证\(profile.certificateNumber ?? "")，有效期至\(profile.certificateExpiry ?? "未登记")）",
                       selected: chosen.contains(profile.user.id!.uuidString))
            }
        let checklist = try await ChecklistQueries.forCategory(entity.categoryCode, on: db)
        let entityID = try entity.requireID()
        let previous = try await InspectionQueries.listQuery(on: db).where(SQLColumn("entity_id", table: "i"), .equal, SQLBind(entityID))
            .where(SQLColumn("status", table: "i"), .equal, SQLBind("submitted")).orderBy(SQLColumn("inspected_on", table: "i"), SQLDirection.descending).limit(20).all()
            .map(InspectionQueries.decodeRow)
        return NewPage(entityID: entityID.uuidString, entityName: entity.name,
                       checklistName: checklist.map { "\($0.name)（第\($0.version)版）" } ?? "",
                       sources: InspectionSource.allCases.map { Choice(value: $0.rawValue, label: $0.chinese, selected: $0.rawValue == (input.source ?? "routine")) },
                       inspectors: inspectors,
                       followUps: previous.map { Choice(value: $0.id.uuidString, label: "\($0.number)（\($0.inspectedOn)）", selected: $0.id.uuidString == input.followUpOf) },
                       input: input, errors: errors.map(\.description), refused: input.representativeRefused ?? false)
    }

    struct ItemView: Encodable, Sendable {
        let code: String
        let text: String
        let key: Bool
        let score: Int
        let basis: String
        let mayBeNotApplicable: Bool
        let result: String
        let resultName: String
        let finding: String
    }

    struct Step: Encodable, Sendable {
        let number: Int
        let title: String
        let done: Bool
        let current: Bool
    }

    struct SectionPage: Encodable, Sendable {
        let inspectionID: String
        let entityName: String
        let checklistName: String
        let number: Int
        let count: Int
        let sectionTitle: String
        let items: [ItemView]
        let steps: [Step]
        let isLast: Bool
        let errors: [String]
    }

    static func itemViews(_ items: [Checklist.Item], results: [String: InspectionQueries.Result]) -> [ItemView] {
        items.map { item in
            let result = results[item.code]
            return ItemView(code: item.code, text: item.text, key: item.key, score: item.score, basis: item.basis, mayBeNotApplicable: item.mayBeNotApplicable,
                            result: result?.result.rawValue ?? "", resultName: result?.result.chinese ?? "未检查", finding: result?.finding ?? "")
        }
    }

    static func sectionPage(_ record: InspectionQueries.Record, entityName: String, version: ChecklistQueries.Version, number: Int,
                            results: [String: InspectionQueries.Result], errors: [ValidationError]) -> SectionPage {
        let sections = version.checklist.sections
        return SectionPage(inspectionID: record.id.uuidString, entityName: entityName, checklistName: "\(version.name)（第\(version.version)版）",
                           number: number, count: sections.count, sectionTitle: sections[number - 1].title,
                           items: itemViews(sections[number - 1].items, results: results),
                           steps: sections.enumerated().map { index, section in
                               Step(number: index + 1, title: section.title, done: section.items.allSatisfy { results[$0.code] != nil }, current: index + 1 == number)
                           },
                           isLast: number == sections.count, errors: errors.map(\.description))
    }

    struct FinishPage: Encodable, Sendable {
        let inspectionID: String
        let entityName: String
        let missing: [String]
        let failing: [ItemView]
        let score: String
        let sectionCount: Int
        let representative: String
        let refused: Bool
        let refusalNote: String
        let conclusion: String
        let deadline: String
        let samples: [InspectionQueries.SampleInput]
        let followUpItems: [InspectionQueries.Rectification]
        let corrected: [String]
        let errors: [String]
    }

    static func finishPage(_ record: InspectionQueries.Record, entity: SupervisedEntity, version: ChecklistQueries.Version, input: InspectionQueries.Input?,
                           errors: [ValidationError], today: LocalDate, on db: any Database) async throws -> FinishPage {
        let results = try await InspectionQueries.results(record.id, on: db)
        let checklist = version.checklist
        let score = Grading.score(checklist, results: results.mapValues(\.result))
        let failing = checklist.items.filter { results[$0.code]?.result == .nonconform }
        var samples = input?.samples ?? []
        while samples.count < 3 { samples.append(.init(item: "", quantity: "", recordNumber: "")) }
        let followUps = try await record.followUpOf.asyncMap { try await InspectionQueries.rectifications(inspectionID: $0, on: db).filter { $0.status == "open" } } ?? []
        return FinishPage(inspectionID: record.id.uuidString, entityName: entity.name,
                          missing: checklist.items.filter { results[$0.code] == nil }.map(\.code),
                          failing: itemViews(failing, results: results),
                          score: checklist.items.allSatisfy({ results[$0.code] != nil }) ? score.explanation : "",
                          sectionCount: checklist.sections.count,
                          representative: input?.representative ?? record.representative, refused: input?.representativeRefused ?? record.representativeRefused,
                          refusalNote: input?.refusalNote ?? record.refusalNote, conclusion: input?.conclusion ?? "",
                          deadline: input?.rectificationDeadline ?? record.inspectedOn.adding(days: 15).description,
                          samples: samples, followUpItems: followUps, corrected: input?.corrected ?? [], errors: errors.map(\.description))
    }

    struct SectionResults: Content, Sendable {
        let title: String
        let items: [ItemResultView]
    }

    struct ItemResultView: Content, Sendable {
        let code: String
        let text: String
        let key: Bool
        let score: Int
        let basis: String
        let result: String
        let resultName: String
        let finding: String
    }

    /// An inspection in full: the show page and the API answer.
    struct Detail: Content, Sendable {
        let id: UUID
        let number: String
        let entityID: UUID
        let entityName: String
        let source: String
        let sourceName: String
        let status: String
        let statusName: String
        let inspectedOn: String
        let startTime: String
        let endTime: String
        let inspectors: [InspectionQueries.Inspector]
        let representative: String
        let representativeRefused: Bool
        let refusalNote: String
        let checklist: String
        let sections: [SectionResults]
        let samples: [InspectionQueries.Sample]
        let conclusion: String
        let rectificationDeadline: String
        let score: String
        let grade: String
        let gradeName: String
        let entryDue: String
        let late: Bool
        let followUpOf: UUID?
        let rectifications: [InspectionQueries.Rectification]
        let documents: [Documents.Issued]
        let evidence: [InspectionEvidence.Row]
        let createdBy: String
    }

    static func detail(_ record: InspectionQueries.Record, entity: SupervisedEntity, on db: any Database) async throws -> Detail {
        guard let version = try await ChecklistQueries.find(record.checklistID, on: db) else { throw Abort(.internalServerError, reason: "检查表版本缺失") }
        let results = try await InspectionQueries.results(record.id, on: db)
        let score = record.status == .submitted ? Grading.score(version.checklist, results: results.mapValues(\.result)) : nil
        return Detail(id: record.id, number: record.number ?? "（草稿）", entityID: record.entityID, entityName: entity.name,
                      source: record.source.rawValue, sourceName: record.source.chinese, status: record.status.rawValue, statusName: record.status.chinese,
                      inspectedOn: record.inspectedOn.description, startTime: record.startTime, endTime: record.endTime,
                      inspectors: try await InspectionQueries.inspectors(record.id, on: db), representative: record.representative,
                      representativeRefused: record.representativeRefused, refusalNote: record.refusalNote,
                      checklist: "\(version.name)（第\(version.version)版）",
                      sections: version.checklist.sections.map { section in
                          SectionResults(title: section.title, items: section.items.map { item in
                              let result = results[item.code]
                              return ItemResultView(code: item.code, text: item.text, key: item.key, score: item.score, basis: item.basis,
                                                    result: result?.result.rawValue ?? "", resultName: result?.result.chinese ?? "未检查", finding: result?.finding ?? "")
                          })
                      },
                      samples: try await InspectionQueries.samples(record.id, on: db), conclusion: record.conclusion,
                      rectificationDeadline: record.rectificationDeadline ?? "", score: (score?.explanation ?? "") + (record.gradeNote.map { "；" + $0 } ?? ""),
                      grade: record.score?.grade.rawValue ?? "", gradeName: record.score?.grade.chinese ?? "",
                      entryDue: record.entryDue, late: record.late, followUpOf: record.followUpOf,
                      rectifications: try await InspectionQueries.rectifications(inspectionID: record.id, on: db),
                      documents: try await Documents.of(ownerType: "inspection", ownerID: record.id, on: db),
                      evidence: try await InspectionEvidence.rows(record.id, on: db), createdBy: record.createdBy)
    }

    struct ShowPage: Encodable, Sendable {
        let detail: Detail
        let canRecord: Bool
        let canVoid: Bool
        let errors: [String]
        let mediaAccept = MediaType.acceptAttribute
        /// Whether the viewer may open a penalty case (立案) from an item to correct.
        var canOpenCase = false
        /// The cases already opened from this inspection's items, and their item codes.
        var caseLinks: [CaseLink] = []
        var casedItems: [String] = []
    }

    struct CaseLink: Encodable, Sendable {
        let itemCode: String
        let id: UUID
        let number: String
    }

    /// The cases opened from an inspection's items (行政处罚案件, issue 13).
    static func caseLinks(_ inspectionID: UUID, on db: any Database) async throws -> [CaseLink] {
        try await db.sql.select().columns("id", "number", "source_item").from("cases").where("source_inspection_id", .equal, SQLBind(inspectionID))
            .orderBy("number").all().map { row in
                CaseLink(itemCode: try row.decode(column: "source_item", as: String.self), id: try row.decode(column: "id", as: UUID.self),
                         number: try row.decode(column: "number", as: String.self))
            }
    }

    struct ListPage: Encodable, Sendable {
        let rows: [InspectionQueries.Row]
        let pager: Pager
        let view: String
        let title: String
    }
}

extension InspectionPages.Detail: APIExample {
    static let example = InspectionPages.Detail(
        id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, number: "JC202600012", entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!,
        entityName: "福州阳光游泳馆有限公司", source: "routine", sourceName: "日常", status: "submitted", statusName: "已提交", inspectedOn: "2026-12-03",
        startTime: "09:00", endTime: "10:30",
        inspectors: [.init(userID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3304")!, name: "陈志强", certificateNumber: "闽卫执0012", certificateExpiry: "2028-06-30")],
        representative: "王建国", representativeRefused: false, refusalNote: "", checklist: "游泳场所卫生监督检查表（第1版）",
        sections: [.init(title: "池水水质", items: [.init(code: "3.2", text: "游离性余氯在0.3～1.0 mg/L之间", key: true, score: 10, basis: "GB 37488-2019 表5",
                                                       result: "nonconform", resultName: "不符合", finding: "深水区余氯0.1 mg/L")])],
        samples: [.init(item: "池水", quantity: "500 mL×2", recordNumber: "CY2026-0012")], conclusion: "池水余氯不符合要求，责令限期改正。",
        rectificationDeadline: "2026-12-10", score: "关键项3.2不符合，计0分，不予评级，限期整改", grade: "none", gradeName: "不予评级",
        entryDue: "2026-12-10", late: false, followUpOf: nil,
        rectifications: [.init(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3306")!, inspectionID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!,
                               itemCode: "3.2", itemText: "游离性余氯在0.3～1.0 mg/L之间", finding: "深水区余氯0.1 mg/L", deadline: "2026-12-10", status: "open",
                               statusName: "待整改", followUpID: nil)],
        documents: [Documents.Issued.example],
        evidence: [.init(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3307")!, itemCode: "3.2", fileName: "深水区余氯检测.jpg", contentType: "image/jpeg",
                         size: "1.2 MB", capturedAt: "2026-12-03 09:41:07", uploadedBy: "陈志强(jiandu1)", uploadedAt: "2026-12-03 11:02", sha256: String(repeating: "cd", count: 32))],
        createdBy: "陈志强(jiandu1)")
}
