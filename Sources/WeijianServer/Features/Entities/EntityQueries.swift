import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Registering, changing and reading supervised units; every change is kept in `entity_history`.
enum EntityQueries {
    struct Change: Codable, Sendable, Equatable {
        let field: String
        let from: String
        let to: String
    }

    /// Who made a change and how it reached the registry.
    struct Origin: Sendable {
        let actor: Actor
        let action: String
        let comment: String
        let source: InformationSource
    }

    static let historyActions: [String: String] = [
        "create": "登记", "update": "修改", "import": "批量导入", "import.update": "导入更新", "portal": "单位报送（审核通过）",
        "merge": "合并", "unmerge": "撤销合并", "absorbed": "被合并", "restored": "恢复（撤销合并）", "handover": "移交监督员",
    ]

    // MARK: writing

    /// Registers a new unit. The credit code must not belong to another unit already, and the unit
    /// must fall inside the caller's data scope: checked before anything is stored (issue 10).
    /// `checkingDuplicates`: compare with the registry first (the check at entry); set-up code that
    /// knows its data is new leaves it out.
    static func create(_ input: EntityInput, origin: Origin, by caller: Caller, checkingDuplicates: Bool = true) async throws -> SupervisedEntity {
        let context = try await EntityValidation.context(tables: caller.tables, on: caller.db)
        let valid = try EntityValidation.check(input, context: context)
        try requireInScope(valid, caller: caller)
        try await requireUniqueCreditCode(valid.creditCode, except: nil, on: caller.db)
        if checkingDuplicates {
            try await EntityDuplicates.requireChecked(valid, except: nil, confirmed: input.notDuplicateOf, caller: caller)
        }
        return try await caller.db.writeTransaction { tx in
            let entity = SupervisedEntity()
            entity.id = UUID()
            let sequence = try await Numbering.allocate(scheme: "entity", organ: valid.division.value, year: 0, on: tx)
            entity.unitCode = unitCode(division: valid.division.value, sequence: sequence)
            entity.createdAt = caller.now
            entity.source = origin.source.rawValue
            try apply(valid, to: entity, crypto: caller.crypto, divisions: caller.tables.divisionIndex, now: caller.now)
            do {
                try await entity.create(on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // A parallel registration of the same credit code was stored first.
                throw ValidationError(field: "统一社会信用代码", code: "creditCode.taken", message: "已被另一户同时登记的单位使用，请勿重复登记")
            }
            try await setInspectors(valid.inspectorIDs, entityID: entity.id!, on: tx)
            try await record(entityID: entity.id!, origin: origin, changes: [], on: tx, now: caller.now)
            try await reindex(entity, on: tx)
            try await caller.audit(.entityCreate, target: ("entity", entity.id!.uuidString),
                                   details: ["name": entity.name, "unitCode": entity.unitCode], on: tx)
            try await EntityDuplicates.recordConfirmed(entity.id!, different: input.notDuplicateOf, caller: caller.on(tx), on: tx)
            return entity
        }
    }

    /// Applies a change, records what changed, and keeps the search index current. The change and
    /// its audit event (`auditAction`; nil when a larger event covers it, e.g. an import) commit together.
    @discardableResult
    static func update(_ entity: SupervisedEntity, with input: EntityInput, origin: Origin, by caller: Caller,
                       auditAction: AuditAction? = .entityUpdate, checkingDuplicates: Bool = true) async throws -> [Change] {
        let context = try await EntityValidation.context(tables: caller.tables, on: caller.db)
        let valid = try EntityValidation.check(input, context: context)
        try requireInScope(valid, caller: caller)
        try await requireUniqueCreditCode(valid.creditCode, except: entity.id, on: caller.db)
        let entityID = try entity.requireID()
        if checkingDuplicates, valid.name != entity.name || valid.operatingAddress != entity.operatingAddress {
            try await EntityDuplicates.requireChecked(valid, except: entityID, confirmed: input.notDuplicateOf, caller: caller)
        }
        let beforeInspectors = try await inspectorIDs(entityID, on: caller.db)
        let before = try snapshot(entity, inspectors: beforeInspectors, crypto: caller.crypto)
        try apply(valid, to: entity, crypto: caller.crypto, divisions: caller.tables.divisionIndex, now: caller.now)
        let changes = diff(before, try snapshot(entity, inspectors: valid.inspectorIDs, crypto: caller.crypto))
        guard !changes.isEmpty else { return [] }
        try await caller.db.writeTransaction { tx in
            try await entity.save(on: tx)
            if Set(beforeInspectors) != Set(valid.inspectorIDs) { try await setInspectors(valid.inspectorIDs, entityID: entityID, on: tx) }
            try await record(entityID: entityID, origin: origin, changes: changes, on: tx, now: caller.now)
            try await reindex(entity, on: tx)
            if let auditAction {
                try await caller.audit(auditAction, target: ("entity", entityID.uuidString),
                                       details: ["name": entity.name, "fields": changes.map(\.field).joined(separator: "、")], on: tx)
            }
            try await EntityDuplicates.recordConfirmed(entityID, different: input.notDuplicateOf, caller: caller.on(tx), on: tx)
        }
        return changes
    }

    /// A unit may be registered or changed only into the caller's scope: its responsible department,
    /// its category and its area (the same three dimensions that decide what the caller may read).
    static func requireInScope(_ valid: ValidatedEntity, caller: Caller) throws {
        let scope = caller.scope
        var errors = ValidationCollector()
        if scope.departments != nil, !scope.allowsDepartment(valid.departmentID) {
            errors.add(ValidationError(field: "责任科室", code: "scope.department",
                                       message: valid.departmentID == nil ? "必填：您只能登记本人数据范围内科室的单位，请选择责任科室"
                                                                          : "所选科室不在您的数据范围内，只能登记或修改本人数据范围内科室的单位"))
        }
        if !scope.allowsCategory(CategoryNode.topLevel(of: valid.category.id ?? "")) {
            errors.add(ValidationError(field: "专业类别", code: "scope.category", message: "所选类别不在您的数据范围内"))
        }
        if !scope.allowsArea(division: valid.division.value, zone: valid.area) {
            errors.add(ValidationError(field: "行政区划代码", code: "scope.area", message: "所选区划或片区不在您的数据范围内"))
        }
        try errors.check()
    }

    /// Inserts many new units in a few statements (a bulk import): rows, history and search index.
    /// `extraSearchText` adds text to a unit's search document (its licence numbers, when they are
    /// inserted together with it).
    /// The columns a bulk insert writes (the benchmark's plain insert writes the same).
    static let storedColumns = ["id", "unit_code", "name", "short_name", "credit_code", "department_id", "merged_into", "legal_rep_name", "legal_rep_id_cipher",
                       "legal_rep_id_index", "legal_rep_phone_cipher", "legal_rep_phone_index", "contact_name", "contact_phone_cipher", "contact_phone_index",
                       "registered_address", "operating_address", "division_code", "township", "latitude", "longitude", "economic_type", "industry",
                       "category_code", "top_category", "business_scope", "employees", "certified_employees", "trained_employees", "grade", "risk_level",
                       "area", "extension", "source", "name_key", "address_key", "pinyin_key", "status", "created_at", "updated_at"]

    static func insertMany(_ entities: [EntityRow], origin: Origin, extraSearchText: [UUID: String] = [:], on db: any Database, now: Date) async throws {
        if entities.count > EntitySearchIndex.maxBatch {
            for start in stride(from: 0, to: entities.count, by: EntitySearchIndex.maxBatch) {
                try await insertMany(Array(entities[start..<min(start + EntitySearchIndex.maxBatch, entities.count)]), origin: origin,
                                     extraSearchText: extraSearchText, on: db, now: now)
            }
            return
        }
        // On SQLite each row is stored with its place in the ordered search index (not updated after).
        let ranks = try await EntitySearchIndex.ranksForNew(entities, on: db)
        let rows = entities.map { e in e.stored + (ranks.map { [.int($0[e.id].map(Int.init))] } ?? []) }
        let history: [[BulkInsert.Value]] = entities.map { e in
            [.uuid(e.id), .int(Int(now.millis)), .text(origin.actor.id), .text(origin.actor.name), .text(origin.action), .text("[]"), .text(origin.comment)]
        }
        try await BulkInsert.run(into: SupervisedEntity.schema, columns: storedColumns + (ranks == nil ? [] : ["search_rank"]), rows: rows, on: db)
        try await BulkInsert.run(into: "entity_history", columns: ["entity_id", "at", "actor_id", "actor_name", "action", "changes", "comment"], rows: history, on: db)
        try await EntitySearchIndex.indexNew(entities, ranks: ranks ?? [:], extraText: extraSearchText, on: db)
    }

    static func unitCode(division: String, sequence: Int) -> String {
        let digits = String(sequence)
        return division + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Creates the unique index on credit codes of units not merged, unless two such units share
    /// one (then the data-quality run lists them and the next start tries again).
    static func createUniqueCreditCodeIndexIfClean(on db: any Database) async throws {
        let clashes = try await db.sql.raw("""
            SELECT credit_code FROM entities WHERE credit_code IS NOT NULL AND status <> 'merged'
            GROUP BY credit_code HAVING COUNT(*) > 1 LIMIT 1
            """).first()
        guard clashes == nil else { return }
        try await db.sql.raw("""
            CREATE UNIQUE INDEX IF NOT EXISTS entities_credit_code_unique ON entities (credit_code)
            WHERE credit_code IS NOT NULL AND status <> 'merged'
            """).run()
    }

    static func requireUniqueCreditCode(_ code: CreditCode?, except id: UUID?, on db: any Database) async throws {
        guard let code else { return }
        var query = SupervisedEntity.query(on: db).filter(\.$creditCode == code.value).filter(\.$status != .merged)
        if let id { query = query.filter(\.$id != id) }
        if let other = try await query.first() {
            throw ValidationError(field: "统一社会信用代码", code: "creditCode.taken", message: "已登记为“\(other.name)”（单位编码\(other.unitCode)），请勿重复登记")
        }
    }

    static func apply(_ valid: ValidatedEntity, to entity: SupervisedEntity, crypto: FieldCrypto, divisions: DivisionIndex, now: Date) throws {
        try EntityRow.Values(valid, crypto: crypto, divisions: divisions).copy(into: entity, now: now)
    }

    /// The labelled values a change is compared on (from `EntityField`, then the inspectors and the
    /// category's extension fields). Personal data is compared by value and shown masked.
    static func snapshot(_ entity: SupervisedEntity, inspectors: [UUID], crypto: FieldCrypto) throws -> [(String, String, PersonalDataKind?)] {
        var values: [(String, String, PersonalDataKind?)] = try EntityField.all.map { field in
            if let personal = field.personal {
                return (field.label, try entity.cipher(of: personal).map { try crypto.decrypt($0, context: personal.context) } ?? "", personal.kind)
            }
            return (field.label, field.shown?(entity) ?? field.stored(entity) ?? "", nil)
        }
        values.append(("监督员", inspectors.map(\.uuidString).sorted().joined(separator: ","), nil))
        let ext = entity.extensionValues
        for field in CategoryExtensions.fields(forCategory: entity.categoryCode) { values.append((field.label, ext[field.key] ?? "", nil)) }
        return values
    }

    /// What changed. A natural person's datum is recorded masked on both sides (139****5678 →
    /// 139****1234), so most reviews need no reveal and the history holds no plaintext.
    static func diff(_ before: [(String, String, PersonalDataKind?)], _ after: [(String, String, PersonalDataKind?)]) -> [Change] {
        let old = Dictionary(before.map { ($0.0, $0) }, uniquingKeysWith: { first, _ in first })
        return after.compactMap { label, value, personal in
            let previous = old[label]?.1 ?? ""
            guard previous != value else { return nil }
            guard let personal else { return Change(field: label, from: previous, to: value) }
            return Change(field: label, from: previous.isEmpty ? "" : personal.mask(previous), to: value.isEmpty ? "（已清除）" : personal.mask(value))
        }
    }

    static func record(entityID: UUID, origin: Origin, changes: [Change], on db: any Database, now: Date) async throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(changes), as: UTF8.self)
        try await db.sql.insert(into: "entity_history")
            .columns("entity_id", "at", "actor_id", "actor_name", "action", "changes", "comment")
            .values(SQLBind(entityID), SQLBind(now.millis), SQLBind(origin.actor.id), SQLBind(origin.actor.name), SQLBind(origin.action),
                    SQLBind(json), SQLBind(origin.comment))
            .run()
    }

    static func setInspectors(_ ids: [UUID], entityID: UUID, on db: any Database) async throws {
        try await db.sql.delete(from: "entity_inspectors").where("entity_id", .equal, SQLBind(entityID)).run()
        for id in Set(ids) {
            try await db.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id").values(SQLBind(entityID), SQLBind(id)).run()
        }
    }

    static func inspectorIDs(_ entityID: UUID, on db: any Database) async throws -> [UUID] {
        try await db.sql.select().column("user_id").from("entity_inspectors").where("entity_id", .equal, SQLBind(entityID)).all()
            .map { try $0.decode(column: "user_id", as: UUID.self) }
    }

    /// Refreshes the unit's search entry (name, codes, addresses, licence numbers; never personal data).
    static func reindex(_ entity: SupervisedEntity, on db: any Database) async throws {
        try await EntitySearchIndex.reindex(entity, on: db)
    }

    // MARK: reading

    /// Masked contact phones of many units, for exports.
    static func maskedContactPhones(_ ids: [UUID], crypto: FieldCrypto, on db: any Database) async throws -> [String: String] {
        let field = SupervisedEntity.encryptedFields[2]
        var result: [String: String] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let rows = try await db.sql.select().columns("id", "contact_phone_cipher").from(SupervisedEntity.schema)
                .where("id", .in, SQLBind.group(Array(ids[chunk..<min(chunk + 500, ids.count)])))
                .where("contact_phone_cipher", .isNot, SQLLiteral.null).all()
            for row in rows {
                result[try row.decode(column: "id", as: UUID.self).uuidString] =
                    field.kind.mask(try crypto.decrypt(try row.decode(column: "contact_phone_cipher", as: String.self), context: field.context))
            }
        }
        return result
    }

    struct HistoryRow: Content {
        let at: String
        let actor: String
        let action: String
        let comment: String
        let changes: [Change]
    }

    /// A page of the unit's history, newest first, with its total.
    static func history(_ entityID: UUID, page: Int = 1, pageSize: Int = 50, on db: any Database,
                        names: [String: String] = [:]) async throws -> Paged<HistoryRow> {
        let query = db.sql.select().columns("at", "actor_name", "action", "changes", "comment").from("entity_history")
            .where("entity_id", .equal, SQLBind(entityID)).orderBy("id", .descending)
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { row in
                let changes = try JSONDecoder().decode([Change].self, from: Data(try row.decode(column: "changes", as: String.self).utf8))
                let action = try row.decode(column: "action", as: String.self)
                return HistoryRow(at: Format.dateTime(Date(millis: try row.decode(column: "at", as: Int64.self))),
                                  actor: try row.decode(column: "actor_name", as: String.self), action: historyActions[action] ?? action,
                                  comment: try row.decode(column: "comment", as: String.self),
                                  changes: changes.map { Change(field: $0.field, from: names[$0.from] ?? $0.from, to: names[$0.to] ?? $0.to) })
            }
        }
    }

    /// Loads a unit the caller may see; another department's, category's or area's unit is refused
    /// and the refusal audited, naming `record` (what was asked for: the unit itself, or its
    /// submission, licence or attachment).
    /// Records a unit's grade from its latest inspection (量化分级), shown on its file and used by the list filter.
    static func visible(_ id: UUID?, caller: Caller, asking record: (type: String, id: String)? = nil) async throws -> SupervisedEntity {
        guard let id, let entity = try await SupervisedEntity.find(id, on: caller.db) else { throw Abort(.notFound, reason: "被监督单位不存在") }
        guard caller.scope.allows(entity) else {
            try await caller.refuseOutOfScope(record?.type ?? "entity", id: record?.id ?? id.uuidString, name: entity.name)
        }
        return entity
    }
}

extension DataScope {
    /// The same rule as `apply(to:…)` for one loaded unit.
    func allows(_ entity: SupervisedEntity) -> Bool {
        allowsDepartment(entity.departmentID) && allowsCategory(entity.topCategory) && allowsArea(division: entity.divisionCode, zone: entity.area)
    }
}
