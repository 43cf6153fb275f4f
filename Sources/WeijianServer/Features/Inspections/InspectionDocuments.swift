import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The inspection's enforcement documents, laid out for the document engine: the 现场检查笔录
/// (what was checked and found) and the 卫生监督意见书 (what must be corrected by when).
enum InspectionDocuments {
    /// 执法类别 in the 文号 by the unit's top category (公共场所 → 公, 生活饮用水 → 水 …).
    static let enforcementCategory = ["GG": "公", "YS": "水", "YL": "医", "XX": "学", "ZY": "职", "FS": "放", "CR": "传", "XD": "消"]

    /// Everything a layout reads, gathered once.
    struct Facts: Sendable {
        let record: InspectionQueries.Record
        let entityName: String
        let address: String
        let creditCode: String
        let legalRep: String
        let inspectors: [InspectionQueries.Inspector]
        let checklist: Checklist
        let results: [String: InspectionQueries.Result]
        let samples: [InspectionQueries.Sample]
        let today: LocalDate
    }

    static func facts(_ record: InspectionQueries.Record, entity: SupervisedEntity, today: LocalDate, on db: any Database) async throws -> Facts {
        guard let version = try await ChecklistQueries.find(record.checklistID, on: db) else { throw Abort(.internalServerError, reason: "检查表版本缺失") }
        return Facts(record: record, entityName: entity.name, address: entity.operatingAddress, creditCode: entity.creditCode ?? "",
                     legalRep: entity.legalRepName ?? "", inspectors: try await InspectionQueries.inspectors(record.id, on: db),
                     checklist: version.checklist, results: try await InspectionQueries.results(record.id, on: db),
                     samples: try await InspectionQueries.samples(record.id, on: db), today: today)
    }

    static func inspectorsLine(_ facts: Facts) -> String {
        facts.inspectors.map { "\($0.name)（执法证号\($0.certificateNumber)）" }.joined(separator: "、")
    }

    static func recordLayout(_ facts: Facts, number: String, settings: DocumentSettings) -> OfficialDocument {
        let record = facts.record
        var body: [String] = []
        for (index, section) in facts.checklist.sections.enumerated() {
            let lines = section.items.map { item -> String in
                let result = facts.results[item.code]
                let finding = result.map { $0.finding.isEmpty ? "" : "：" + $0.finding } ?? ""
                return "\(item.code)\(item.key ? "※" : "")\(item.text)——\(result?.result.chinese ?? "未检查")\(finding)"
            }
            body.append("\(chineseOrdinal(index + 1))、\(section.title)：" + lines.joined(separator: "；") + "。")
        }
        var blocks: [OfficialDocument.Block] = [
            .heading(settings.organ, size: 18), .heading("现场检查笔录", size: 22), .number(number),
            .field(label: "被检查单位", value: facts.entityName),
            .field(label: "地址", value: facts.address),
            .fieldPair(label: "法定代表人（负责人）", value: facts.legalRep, label2: "统一社会信用代码", value2: facts.creditCode),
            .field(label: "检查时间", value: "\(record.inspectedOn.chinese) \(record.startTime) 至 \(record.endTime)"),
            .field(label: "检查来源", value: record.source.chinese + (record.number.map { "　检查编号：" + $0 } ?? "")),
            .field(label: "监督员", value: inspectorsLine(facts)),
            .field(label: "当事人在场人员", value: record.representativeRefused ? "拒绝签字" : record.representative),
            .section("检查情况："),
            .paragraph("我们是\(settings.organ)的执法人员，已向当事人出示执法证件。现依法进行现场检查，请予以配合。"),
            .paragraph(body.joined(separator: "\n")),
        ]
        if !facts.samples.isEmpty {
            blocks.append(.paragraph("现场采样：" + facts.samples.map { "\($0.item)\($0.quantity)（采样记录编号\($0.recordNumber)）" }.joined(separator: "；") + "。"))
        }
        if let score = record.score {
            blocks.append(.paragraph("量化评分：" + score.explanation + "。"))
        }
        blocks.append(.section("检查结论："))
        blocks.append(.paragraph(record.conclusion))
        if record.representativeRefused {
            blocks.append(.paragraph("当事人拒绝签字。情况说明：" + record.refusalNote))
        }
        blocks.append(.paragraph("以上笔录已向当事人宣读（或由当事人阅读），经核对无误。"))
        blocks.append(.signatures(["被检查单位（签字）"] + facts.inspectors.map { "监督员 \($0.name)（签字）" }))
        return OfficialDocument(title: "现场检查笔录 \(number)", blocks: blocks)
    }

    static func opinionLayout(_ facts: Facts, number: String, settings: DocumentSettings) -> OfficialDocument {
        let record = facts.record
        let failing = facts.checklist.items.filter { facts.results[$0.code]?.result == .nonconform }
        var opinion = "\(record.inspectedOn.chinese)，本机关监督员对你单位进行了现场检查。"
        if failing.isEmpty {
            opinion += "未发现违反卫生法律法规的问题，请继续保持。"
        } else {
            opinion += "发现你单位存在以下问题：\n"
            opinion += failing.enumerated().map { index, item in
                "\(index + 1). \(item.text)：\(facts.results[item.code]?.finding ?? "")（依据：\(item.basis)）"
            }.joined(separator: "\n")
            let deadline = record.rectificationDeadline.flatMap(LocalDate.init)?.chinese ?? ""
            opinion += "\n根据上述规定，责令你单位于\(deadline)前改正上述问题。逾期不改正的，本机关将依法处理。"
        }
        if !record.conclusion.isEmpty { opinion += "\n" + record.conclusion }
        return OfficialDocument(title: "卫生监督意见书 \(number)", blocks: [
            .heading(settings.organ, size: 18), .heading("卫生监督意见书", size: 22), .number(number),
            .field(label: "被监督单位", value: facts.entityName),
            .field(label: "地址", value: facts.address),
            .fieldPair(label: "法定代表人（负责人）", value: facts.legalRep, label2: "统一社会信用代码", value2: facts.creditCode),
            .section("监督意见："),
            .paragraph(opinion),
            .field(label: "监督员", value: inspectorsLine(facts)),
            .signatures(["被监督单位签收"]),
            .seal(organ: settings.organ, date: facts.today.chinese),
        ])
    }

    static func chineseOrdinal(_ number: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        return number <= 10 ? digits[number] : "十" + digits[number - 10]
    }

    /// Issues one of the inspection's documents; only a submitted inspection has documents.
    static func issue(_ kind: DocumentKind, record: InspectionQueries.Record, entity: SupervisedEntity, app: Application, by caller: Caller) async throws -> Documents.Issued {
        guard kind == .inspectionRecord || kind == .supervisionOpinion else {
            throw ValidationError(field: "文书种类", code: "choice", message: "检查只签发现场检查笔录或卫生监督意见书；\(kind.chinese)在案件中签发")
        }
        guard record.status == .submitted else {
            throw ValidationError(field: "检查状态", code: "inspection.draft", message: "检查提交后才能签发\(kind.chinese)")
        }
        let facts = try await facts(record, entity: entity, today: LocalDate(instant: caller.now), on: caller.db)
        let request = Documents.Request(kind: kind, ownerType: "inspection", ownerID: record.id, entity: entity,
                                        numberValues: ["类别": enforcementCategory[entity.topCategory] ?? "监", "性质": "监"]) { number, settings in
            kind == .supervisionOpinion ? opinionLayout(facts, number: number, settings: settings) : recordLayout(facts, number: number, settings: settings)
        }
        return try await Documents.issue(request, app: app, by: caller)
    }
}
