import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// `weijian import units FILE` and the web import: CSV (UTF-8 with or without BOM, GBK/GB18030)
/// or XLSX with the template's Chinese headers. Every row is validated as the form validates it;
/// nothing is stored unless every row is valid.
enum EntityImport {
    /// The unit's fields (`EntityField`) and the inspectors, in the template's order.
    static let columns: [ImportColumn] = EntityField.all.map { ImportColumn(header: $0.label, required: $0.required, example: $0.example, note: $0.rule) }
        + [ImportColumn(header: EntityField.inspectorsHeader, required: false, example: "zhangsan", note: "监督员的用户名，多个用顿号分隔；须是在用的本所人员")]

    /// Extension fields by their label (床位数, 供水类型 …), across categories.
    static let extensionColumns: [String: String] = {
        var map: [String: String] = [:]
        for (code, _) in SupervisionCategoryDefaults.topLevel {
            for field in CategoryExtensions.allFields(ofTopLevel: code) { map[field.label] = field.key }
        }
        return map
    }()

    static var template: [String] { ImportHeaders.template(columns, extra: extensionColumns.keys.sorted()) }
    static var notes: [[String]] {
        ImportHeaders.notes(columns, extra: extensionColumns.keys.sorted(), extraNote: "专业信息：只填本单位专业类别用到的项，其他留空")
    }

    /// Where each column is in the file, looked up once per import: hashing the Chinese headers
    /// for every cell of every row showed in the import's profile.
    struct Layout: Sendable {
        let positions: [Int?]
        let extensions: [(key: String, position: Int)]

        init(_ index: [String: Int]) {
            positions = EntityImport.columns.map { index[$0.header] }
            extensions = extensionColumns.compactMap { label, key in index[label].map { (key, $0) } }
        }
    }

    static func input(_ row: [String], layout: Layout) -> EntityInput {
        func value(at position: Int?) -> String? {
            guard let position, position < row.count else { return nil }
            return row[position].trimmed.nilIfEmpty
        }
        var input = EntityInput()
        for (field, position) in zip(EntityField.all, layout.positions) { input[keyPath: field.input] = value(at: position) }
        input.inspectors = value(at: layout.positions.last ?? nil)?.components(separatedBy: CharacterSet(charactersIn: ",，、;； ")).filter { !$0.isEmpty }
        var ext: [String: String] = [:]
        for (key, position) in layout.extensions { if let text = value(at: position) { ext[key] = text } }
        input.ext = ext
        return input
    }

    /// A row's input held by reference: an optional struct of forty fields takes its full size
    /// in every row even when empty.
    final class KeptInput: Sendable {
        let value: EntityInput
        init(_ value: EntityInput) { self.value = value }
    }

    /// A checked row: its number in the file, its input where it may update a unit, and the result.
    typealias CheckedRow = (row: Int, input: KeptInput?, result: Result<ValidatedEntity, ValidationErrors>)

    static func validated(_ checked: CheckedRow) -> ValidatedEntity? {
        if case .success(let value) = checked.result { value } else { nil }
    }

    struct Options: Sendable {
        var dryRun: Bool
        var updateExisting: Bool
        /// Rows prepared and written per step (one batch is prepared while the previous is written).
        var batchSize = 5000
    }

    /// Imports as `caller`: every row must lie in the caller's data scope, like a unit registered
    /// by hand; one audit event records the import.
    static func run(data: Data, filename: String, options: Options, by caller: Caller) async throws -> ImportReport {
        let (actor, crypto, tables, db, now) = (caller.actor, caller.crypto, caller.tables, caller.db, caller.now)
        let divisions = tables.divisionIndex
        var (header, rows, report) = ImportHeaders.read(data, filename: filename, kind: .units, dryRun: options.dryRun)
        guard report.isValid else { return report }
        let (index, headerIssues) = ImportHeaders.map(header, columns: columns, extra: Set(extensionColumns.keys))
        report.issues = headerIssues
        guard headerIssues.isEmpty else { return report }

        let context = try await EntityValidation.context(tables: tables, on: db)
        let layout = Layout(index)
        // A row's typed input is kept only where it may update a registered unit (a credit code
        // with "更新已登记的记录" ticked): for 100,000 rows each copy of the inputs is ~70 MB.
        let keepInput = options.updateExisting
        // Rows are checked on every core (validation is pure); results come back in file order.
        var checked = await Parallel.map(rows) { rowNumber, row -> CheckedRow in
            let rowInput = input(row, layout: layout)
            do {
                let value = try EntityValidation.check(rowInput, context: context)
                let foreign = CategoryExtensions.inapplicable(rowInput.ext ?? [:], category: value.category.id ?? "")
                if !foreign.isEmpty {
                    throw ValidationErrors(foreign.map { ValidationError(field: $0.label, code: "extension.kind", message: "“\(value.category.name)”没有此项，请留空") })
                }
                try EntityQueries.requireInScope(value, caller: caller)
                return (rowNumber, keepInput && value.creditCode != nil ? KeptInput(rowInput) : nil, .success(value))
            } catch let error as ValidationErrors {
                return (rowNumber, nil, .failure(error))
            } catch let error as ValidationError {
                return (rowNumber, nil, .failure(ValidationErrors([error])))
            } catch {
                return (rowNumber, nil, .failure(ValidationErrors([ValidationError(field: "整行", code: "row", message: "\(error)")])))
            }
        }
        rows = []
        var rowsByCode: [String: [Int]] = [:]
        for (rowNumber, _, result) in checked {
            switch result {
            case .success(let value):
                if let code = value.creditCode?.value { rowsByCode[code, default: []].append(rowNumber) }
            case .failure(let error):
                report.issues += error.errors.map { .init(row: rowNumber, column: $0.field, rule: $0.code, message: $0.message) }
            }
        }
        // Two rows with one credit code are both errors: which one is right is for the user to say.
        for (code, numbers) in rowsByCode where numbers.count > 1 {
            for number in numbers {
                report.issues.append(.init(row: number, column: "统一社会信用代码", rule: "creditCode.duplicateInFile",
                                           message: "“\(code)”在文件中出现\(numbers.count)次（第\(numbers.map(String.init).joined(separator: "、"))行）"))
            }
        }
        let existing = try await registered(codes: Array(rowsByCode.keys), on: db)
        var updates: [(EntityInput, SupervisedEntity)] = []
        // New units are named by their place among the checked rows: a list of the rows'
        // values would be a second copy of ~60 MB per 100,000 rows.
        var creates: [Int] = []
        creates.reserveCapacity(checked.count)
        for position in checked.indices {
            let (row, rowInput, _) = checked[position]
            checked[position].1 = nil
            guard let value = validated(checked[position]) else { continue }
            if let code = value.creditCode?.value, let entity = existing[code] {
                if !caller.scope.allows(entity) {
                    report.issues.append(.init(row: row, column: "统一社会信用代码", rule: "scope.entity",
                                               message: "已登记的单位“\(entity.name)”不在您的数据范围内，不能以导入修改"))
                } else if options.updateExisting, let rowInput { updates.append((rowInput.value, entity)) } else {
                    report.issues.append(.init(row: row, column: "统一社会信用代码", rule: "creditCode.taken",
                                               message: "已登记为“\(entity.name)”（单位编码\(entity.unitCode)）；如要以本行数据更新该单位，请勾选“更新已登记的记录”"))
                }
            } else {
                creates.append(position)
            }
        }
        report.issues.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        report.created = creates.count
        report.updated = updates.count
        if report.isValid && options.dryRun {
            report.warnings = try await likelyDuplicates(creates.compactMap { position in validated(checked[position]).map { (checked[position].0, $0) } }, caller: caller)
        }
        guard report.isValid, !options.dryRun else { return report }

        let batchID = UUID()
        let (results, toCreate, toUpdate, sha256, rowCount) = (checked, creates, updates, report.sha256, report.rows)
        try await db.writeTransaction { tx in
            // Unit codes per division, in the order of the rows (a code list, not a copy of the rows).
            var unitCodes = [String](repeating: "", count: toCreate.count)
            for (division, positions) in Dictionary(grouping: toCreate.indices, by: { validated(results[toCreate[$0]])?.division.value ?? "" }) {
                let last = try await Numbering.allocate(scheme: "entity", organ: division, year: 0, count: positions.count, on: tx)
                for (offset, position) in positions.enumerated() {
                    unitCodes[position] = EntityQueries.unitCode(division: division, sequence: last - positions.count + 1 + offset)
                }
            }
            // Encryption, blind indexes, duplicate and pinyin keys are computed on every core, a
            // batch ahead: while one batch is written, the next is prepared.
            let codes = unitCodes
            let origin = EntityQueries.Origin(actor: actor, action: "import", comment: "批量导入\(filename)", source: .external)
            let size = max(1, options.batchSize)
            let batches = stride(from: 0, to: toCreate.count, by: size).map { $0..<min($0 + size, toCreate.count) }
            @Sendable func prepare(_ batch: Range<Int>) -> Task<[EntityRow], any Error> {
                Task {
                    try await Parallel.map(Array(batch)) { position in
                        Result {
                            guard let value = validated(results[toCreate[position]]) else { throw ValidationError(field: "整行", code: "row", message: "第\(position + 1)个新单位未通过校验") }
                            return EntityRow(id: UUID(), unitCode: codes[position], source: .external,
                                             values: try EntityRow.Values(value, crypto: crypto, divisions: divisions), now: now)
                        }
                    }.map { try $0.get() }
                }
            }
            var ids: [UUID] = []
            ids.reserveCapacity(toCreate.count + toUpdate.count)
            var next = batches.first.map(prepare)
            for index in batches.indices {
                guard let current = next else { break }
                let entities = try await current.value
                next = index + 1 < batches.count ? prepare(batches[index + 1]) : nil
                do {
                    try await EntityQueries.insertMany(entities, origin: origin, on: tx, now: now)
                } catch {
                    next?.cancel()
                    throw error
                }
                ids += entities.map(\.id)
            }
            for (rowInput, entity) in toUpdate {
                // The row replaces the registered values; personal data left blank, the responsible
                // department and the inspectors stay as they are.
                var merged = try EntityPages.keepingPersonalData(rowInput, of: entity, crypto: crypto)
                if merged.departmentID == nil { merged.departmentID = entity.departmentID?.uuidString }
                if merged.inspectors?.isEmpty ?? true {
                    merged.inspectors = try await EntityQueries.inspectorIDs(try entity.requireID(), on: tx).map(\.uuidString)
                }
                try await EntityQueries.update(entity, with: merged, origin: .init(actor: actor, action: "import.update", comment: "批量导入\(filename)", source: .external),
                                               by: caller.on(tx), auditAction: nil)
                ids.append(try entity.requireID())
            }
            try await tx.sql.insert(into: "import_batches").columns("id", "kind", "filename", "sha256", "at", "actor_name", "created", "updated", "ids")
                .values(SQLBind(batchID), SQLBind(ImportReport.Kind.units.rawValue), SQLBind(filename), SQLBind(sha256), SQLBind(now.millis),
                        SQLBind(actor.name), SQLBind(toCreate.count), SQLBind(toUpdate.count), SQLBind(ids.map(\.uuidString).joined(separator: ",")))
                .run()
            try await caller.audit(.importUnits, target: ("import_batch", batchID.uuidString),
                                      details: ["file": filename, "sha256": sha256, "rows": "\(rowCount)", "created": "\(toCreate.count)",
                                                "updated": "\(toUpdate.count)", "idsSHA256": ImportReport.sha256(Data(ids.map(\.uuidString).joined(separator: ",").utf8))],
                                      on: tx)
        }
        report.committed = true
        report.batchID = batchID.uuidString
        return report
    }

    /// Rows of a trial run that may duplicate a registered unit or another row of the file (the
    /// duplicate check at entry, issue 11): warnings, not errors — the clerk decides.
    static func likelyDuplicates(_ rows: [(Int, ValidatedEntity)], caller: Caller) async throws -> [ImportReport.Issue] {
        guard !rows.isEmpty else { return [] }
        let divisions = caller.tables.divisionIndex
        let keys = rows.map { EntityKeys.duplicateKeys(name: $0.1.name, address: $0.1.operatingAddress, divisions: divisions) }
        struct Block: Hashable { let name: String; let division: String }
        let blocks = Array(Set(zip(keys, rows).compactMap { $0.0.0.isEmpty ? nil : Block(name: $0.0.0, division: $0.1.1.division.value) }))
        let addresses = Array(Set(keys.map(\.1).filter { !$0.isEmpty }))
        var registered: [UUID: (name: String, address: String, unitCode: String)] = [:]
        func read(_ condition: (any SQLPredicateBuilder) -> Void) async throws {
            let query = caller.db.sql.select().columns("id", "name", "operating_address", "unit_code").from(SupervisedEntity.schema)
                .where("status", .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
            condition(query)
            for row in try await query.all() {
                registered[try row.decode(column: "id", as: UUID.self)] = (try row.decode(column: "name", as: String.self),
                                                                         try row.decode(column: "operating_address", as: String.self),
                                                                         try row.decode(column: "unit_code", as: String.self))
            }
        }
        // The same indexed blocks as the check at entry (EntityDuplicates.likely), a chunk at a time.
        for chunk in blocks.chunked(200) {
            try await read { query in
                _ = query.where { group in
                    chunk.reduce(group) { group, block in
                        group.orWhere { $0.where("name_key", .equal, SQLBind(block.name)).where("division_code", .equal, SQLBind(block.division)) }
                    }
                }
            }
        }
        for chunk in addresses.chunked(500) {
            try await read { _ = $0.where("address_key", .in, SQLBind.group(Array(chunk))) }
        }
        // Records are told apart by id: negative for the file's rows, the index of the registered unit otherwise.
        let units = Array(registered)
        let records = rows.map { DuplicateRecord(id: -$0.0, name: $0.1.name, address: $0.1.operatingAddress, creditCode: $0.1.creditCode?.value) }
            + units.enumerated().map { DuplicateRecord(id: $0.offset, name: $0.element.value.name, address: $0.element.value.address, creditCode: nil) }
        var issues: [ImportReport.Issue] = []
        for candidate in caller.tables.duplicateMatcher.candidates(in: records) where candidate.first < 0 || candidate.second < 0 {
            // A pair of the file's rows is reported on the later row, naming the earlier one.
            let (row, other) = candidate.first < 0 && candidate.second < 0 ? (max(-candidate.first, -candidate.second), -min(-candidate.first, -candidate.second))
                : candidate.first < 0 ? (-candidate.first, candidate.second) : (-candidate.second, candidate.first)
            let what = other < 0 ? "本文件第\(-other)行" : "已登记的“\(units[other].value.name)”（单位编码\(units[other].value.unitCode)，\(units[other].value.address)）"
            issues.append(.init(row: row, column: "单位名称", rule: "duplicate.likely", message: "可能与\(what)是同一单位，请核对；确认不是同一单位的可照常导入"))
        }
        return issues.sorted { $0.row < $1.row }
    }

    /// Units already registered under these credit codes (merged units excluded).
    static func registered(codes: [String], on db: any Database) async throws -> [String: SupervisedEntity] {
        var found: [String: SupervisedEntity] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 5000) {
            let slice = Array(codes[chunk..<min(chunk + 5000, codes.count)])
            for entity in try await SupervisedEntity.query(on: db).filter(\.$creditCode ~~ slice).filter(\.$status != .merged).all() {
                if let code = entity.creditCode { found[code] = entity }
            }
        }
        return found
    }
}
