import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// `weijian import licences FILE` and the web import of licences: each row names its unit by credit
/// code or unit code. A licence number already registered is an error unless the user chose to
/// update existing records, when the row's term and scope are applied as a change event.
enum LicenseImport {
    static let columns: [ImportColumn] = [
        .init(header: "统一社会信用代码", required: false, example: "91350100M000100Y43", note: "与单位编码至少填一项，用来找到已登记的单位"),
        .init(header: "单位编码", required: false, example: "350102000001", note: "与统一社会信用代码至少填一项"),
        .init(header: "许可证号", required: true, example: "闽卫公证字〔2026〕第0001号", note: "不能与已登记的许可证号重复"),
        .init(header: "许可类别", required: false, example: "GG0101", note: "专业类别代码，不填为单位的专业类别"),
        .init(header: "许可项目", required: false, example: "住宿"),
        .init(header: "发证机关", required: true, example: "卫生健康委员会"),
        .init(header: "发证日期", required: true, example: "2026-03-01", note: "YYYY-MM-DD，不晚于今天"),
        .init(header: "有效期至", required: false, example: "2030-02-28", note: "YYYY-MM-DD，不早于发证日期；不填按类别的有效年限计算"),
    ]

    static var template: [String] { ImportHeaders.template(columns) }
    static var notes: [[String]] { ImportHeaders.notes(columns) }

    /// Imports as `caller`: a licence only for a unit in the caller's data scope.
    static func run(data: Data, filename: String, options: EntityImport.Options, by caller: Caller) async throws -> ImportReport {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        var (header, rows, report) = ImportHeaders.read(data, filename: filename, kind: .licences, dryRun: options.dryRun)
        guard report.isValid else { return report }
        let (index, headerIssues) = ImportHeaders.map(header, columns: columns)
        report.issues = headerIssues
        if index["统一社会信用代码"] == nil && index["单位编码"] == nil {
            report.issues.append(.init(row: 1, column: "统一社会信用代码", rule: "column.missing", message: "须有“统一社会信用代码”或“单位编码”列，用来找到单位"))
        }
        guard report.issues.isEmpty else { return report }
        let categories = try await LicenseQueries.categoryMap(on: db)
        var prepared: [(row: Int, licence: HealthLicense, entity: SupervisedEntity)] = []
        var rowsByNumber: [String: [Int]] = [:]
        for (number, row) in rows {
            func cell(_ header: String) -> String? {
                guard let position = index[header], position < row.count else { return nil }
                return row[position].trimmed.nilIfEmpty
            }
            var entity: SupervisedEntity?
            if let code = cell("统一社会信用代码") {
                entity = try await SupervisedEntity.query(on: db).filter(\.$creditCode == code.uppercased()).filter(\.$status != .merged).first()
            } else if let unitCode = cell("单位编码") {
                entity = try await SupervisedEntity.query(on: db).filter(\.$unitCode == unitCode).first()
            }
            guard let entity else {
                report.issues.append(.init(row: number, column: "统一社会信用代码", rule: "entity.unknown", message: "找不到该单位，请先登记或导入单位"))
                continue
            }
            guard caller.scope.allows(entity) else {
                report.issues.append(.init(row: number, column: "统一社会信用代码", rule: "scope.entity", message: "单位“\(entity.name)”不在您的数据范围内"))
                continue
            }
            let input = LicenseQueries.Input(number: cell("许可证号"), scope: cell("许可项目"), issuingOrgan: cell("发证机关"), issueDate: cell("发证日期"),
                                             validUntil: cell("有效期至"), categoryCode: cell("许可类别"))
            do {
                let licence = try LicenseQueries.prepare(input, entityID: try entity.requireID(), defaultCategory: entity.categoryCode, categories: categories, now: now)
                prepared.append((number, licence, entity))
                rowsByNumber[licence.number, default: []].append(number)
            } catch let error as ValidationErrors {
                report.issues += error.errors.map { .init(row: number, column: $0.field, rule: $0.code, message: $0.message) }
            } catch let error as ValidationError {
                report.issues.append(.init(row: number, column: error.field, rule: error.code, message: error.message))
            }
        }
        for (licenceNumber, numbers) in rowsByNumber where numbers.count > 1 {
            for number in numbers {
                report.issues.append(.init(row: number, column: "许可证号", rule: "licence.duplicateInFile", message: "“\(licenceNumber)”在文件中出现\(numbers.count)次"))
            }
        }
        var existing: [String: HealthLicense] = [:]
        let numbers = Array(rowsByNumber.keys)
        for chunk in stride(from: 0, to: numbers.count, by: 500) {
            for licence in try await HealthLicense.query(on: db).filter(\.$number ~~ Array(numbers[chunk..<min(chunk + 500, numbers.count)])).all() {
                existing[licence.number] = licence
            }
        }
        var creates: [(HealthLicense, SupervisedEntity)] = []
        var updates: [(HealthLicense, HealthLicense, SupervisedEntity)] = []
        for item in prepared {
            if let current = existing[item.licence.number] {
                if !options.updateExisting {
                    report.issues.append(.init(row: item.row, column: "许可证号", rule: "licence.taken", message: "“\(item.licence.number)”已登记；如要更新，请选择“更新已登记的记录”"))
                } else if current.entityID != item.licence.entityID {
                    report.issues.append(.init(row: item.row, column: "许可证号", rule: "licence.otherUnit", message: "“\(item.licence.number)”已登记在其他单位名下"))
                } else {
                    updates.append((current, item.licence, item.entity))
                }
            } else {
                creates.append((item.licence, item.entity))
            }
        }
        report.issues.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        report.created = creates.count
        report.updated = updates.count
        guard report.isValid, !options.dryRun else { return report }
        let batchID = UUID()
        let (toCreate, toUpdate, sha256, rowCount) = (creates, updates, report.sha256, report.rows)
        try await db.writeTransaction { tx in
            var touched: [UUID: SupervisedEntity] = [:]
            for (licence, entity) in toCreate {
                try await licence.create(on: tx)
                try await LicenseQueries.event(.issue, licence: licence, date: LocalDate(licence.issueDate)!, reason: "批量导入\(filename)", changes: [], actor: actor, on: tx, now: now)
                touched[licence.entityID] = entity
            }
            for (current, row, entity) in toUpdate {
                var changes: [EntityQueries.Change] = []
                if current.scope != row.scope { changes.append(.init(field: "许可项目", from: current.scope, to: row.scope)) }
                if current.validUntil != row.validUntil { changes.append(.init(field: "有效期至", from: current.validUntil ?? "", to: row.validUntil ?? "")) }
                guard !changes.isEmpty else { continue }
                current.scope = row.scope
                current.validUntil = row.validUntil
                current.nextReview = row.nextReview
                current.updatedAt = now
                try await current.save(on: tx)
                try await LicenseQueries.event(.change, licence: current, date: LocalDate(instant: now), reason: "批量导入\(filename)", changes: changes, actor: actor, on: tx, now: now)
                touched[current.entityID] = entity
            }
            for entity in touched.values { try await EntityQueries.reindex(entity, on: tx) }
            let ids = (toCreate.map(\.0) + toUpdate.map(\.0)).compactMap(\.id).map(\.uuidString).joined(separator: ",")
            try await tx.sql.insert(into: "import_batches").columns("id", "kind", "filename", "sha256", "at", "actor_name", "created", "updated", "ids")
                .values(SQLBind(batchID), SQLBind(ImportReport.Kind.licences.rawValue), SQLBind(filename), SQLBind(sha256), SQLBind(now.millis),
                        SQLBind(actor.name), SQLBind(toCreate.count), SQLBind(toUpdate.count), SQLBind(ids))
                .run()
            try await caller.audit(.importLicences, target: ("import_batch", batchID.uuidString),
                                      details: ["file": filename, "sha256": sha256, "rows": "\(rowCount)", "created": "\(toCreate.count)",
                                                "updated": "\(toUpdate.count)", "idsSHA256": ImportReport.sha256(Data(ids.utf8))], on: tx)
        }
        report.committed = true
        report.batchID = batchID.uuidString
        return report
    }
}
