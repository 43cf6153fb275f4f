import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Data cleaning (数据清洗, regulation 四(二)): the weekly or on-demand quality run that lists
/// duplicates, gaps and errors, and the merge of two units with its undo.
enum DataQualityQueries {
    /// Tables whose rows belong to a unit through an `entity_id` column and an `id` key: a merge
    /// moves them to the survivor and an undo moves them back. Features that link records to units
    /// add their table here.
    static let linkedTables: [(table: String, label: String)] = [
        ("health_licenses", "许可证"), ("submissions", "报送"), ("users", "门户账号"),
    ]

    struct RunSummary: Content {
        let id: Int64
        let startedAt: String
        let trigger: String
        let units: Int
        let duplicates: Int
        let gaps: Int
        let errors: Int
        let warnings: Int
    }

    struct UnitRow: Decodable {
        let id: UUID
        let name: String
        let operating_address: String
        let credit_code: String?
        let category_code: String
        let division_code: String
        let extensionJSON: String
        let legal_rep_name: String?

        enum CodingKeys: String, CodingKey {
            case id, name, operating_address, credit_code, category_code, division_code, legal_rep_name
            case extensionJSON = "extension"
        }
    }

    /// Checks every unit that is not merged: duplicate candidates (kept across runs, decided pairs
    /// stay decided), required fields of its category (gaps), codes no longer valid (errors) and
    /// data-quality warnings (the inner GB 11714 check), and licensed kinds without a valid licence.
    /// Runs the check; the run and its audit event commit together.
    static func run(trigger: String, by caller: Caller) async throws -> RunSummary {
        let (tables, db, now) = (caller.tables, caller.db, caller.now)
        let units = try await db.sql.select()
            .columns("id", "name", "operating_address", "credit_code", "category_code", "division_code", "extension", "legal_rep_name")
            .from(SupervisedEntity.schema).where("status", .notEqual, SupervisedEntity.Status.merged.rawValue)
            .all(decoding: UnitRow.self)
        let categories = try await LicenseQueries.categoryMap(on: db)
        let licensed = Set(try await db.sql.select().column("entity_id").from(HealthLicense.schema)
            .where("status", .equal, LicenseStatus.valid.rawValue).all().map { try $0.decode(column: "entity_id", as: UUID.self) })
        var found: [(UUID, String, String, String)] = []
        for unit in units {
            let ext = (try? JSONDecoder().decode([String: String].self, from: Data(unit.extensionJSON.utf8))) ?? [:]
            for field in CategoryExtensions.fields(forCategory: unit.category_code) where field.required && (ext[field.key] ?? "").isEmpty {
                found.append((unit.id, "gap", field.label, "\(categories[unit.category_code]?.name ?? unit.category_code)单位必须填写\(field.label)"))
            }
            if (unit.credit_code ?? "").isEmpty { found.append((unit.id, "gap", "统一社会信用代码", "未登记统一社会信用代码")) }
            if (unit.legal_rep_name ?? "").isEmpty { found.append((unit.id, "gap", "法定代表人（负责人）", "未登记法定代表人或负责人")) }
            if let code = unit.credit_code, !code.isEmpty {
                do {
                    let parsed = try CreditCode(code)
                    for warning in parsed.warnings { found.append((unit.id, "warning", "统一社会信用代码", warning)) }
                } catch let error as ValidationError {
                    found.append((unit.id, "error", "统一社会信用代码", error.message))
                }
            }
            do { _ = try tables.division(unit.division_code) } catch let error as ValidationError {
                found.append((unit.id, "error", "行政区划代码", error.message))
            }
            if let category = categories[unit.category_code], category.licensing != .none, !licensed.contains(unit.id) {
                found.append((unit.id, "gap", "卫生许可", "“\(category.name)”需\(category.licensing == .filing ? "备案" : "卫生许可")，但没有有效的\(category.licensing == .filing ? "备案" : "许可证")"))
            }
        }
        let issues = found
        let records = units.map { DuplicateRecord(id: $0.id, name: $0.name, address: $0.operating_address, creditCode: $0.credit_code) }
        let candidates = tables.duplicateMatcher.candidates(in: records)
        return try await db.writeTransaction { tx in
            let started = now.millis
            guard let row = try await tx.sql.insert(into: "quality_runs")
                .columns("started_at", "finished_at", "trigger", "units", "duplicates", "gaps", "errors", "warnings")
                .values(SQLBind(started), SQLBind(Date().millis), SQLBind(trigger), SQLBind(units.count), SQLBind(candidates.count),
                        SQLBind(issues.filter { $0.1 == "gap" }.count), SQLBind(issues.filter { $0.1 == "error" }.count), SQLBind(issues.filter { $0.1 == "warning" }.count))
                .returning("id").first() else { throw Abort(.internalServerError, reason: "无法记录数据质量检查") }
            let runID = try row.decode(column: "id", as: Int64.self)
            for chunk in stride(from: 0, to: issues.count, by: 200) {
                var insert = tx.sql.insert(into: "quality_issues").columns("run_id", "entity_id", "kind", "field", "message")
                for issue in issues[chunk..<min(chunk + 200, issues.count)] {
                    insert = insert.values(SQLBind(runID), SQLBind(issue.0), SQLBind(issue.1), SQLBind(issue.2), SQLBind(issue.3))
                }
                try await insert.run()
            }
            for candidate in candidates {
                let (first, second) = candidate.first.uuidString < candidate.second.uuidString ? (candidate.first, candidate.second) : (candidate.second, candidate.first)
                try await tx.sql.raw("""
                    INSERT INTO duplicate_pairs (first_id, second_id, reason, score, status, found_at)
                    VALUES (\(bind: first), \(bind: second), \(bind: candidate.reason.rawValue), \(bind: candidate.score), 'open', \(bind: started))
                    ON CONFLICT (first_id, second_id) DO NOTHING
                    """).run()
            }
            try await caller.audit(.qualityRun, target: ("quality_run", String(runID)),
                                   details: ["trigger": trigger, "units": "\(units.count)", "duplicates": "\(candidates.count)"], on: tx)
            return RunSummary(id: runID, startedAt: Format.dateTime(now), trigger: trigger, units: units.count, duplicates: candidates.count,
                              gaps: issues.filter { $0.1 == "gap" }.count, errors: issues.filter { $0.1 == "error" }.count,
                              warnings: issues.filter { $0.1 == "warning" }.count)
        }
    }

    static func latestRun(on db: any Database) async throws -> RunSummary? {
        guard let row = try await db.sql.select().columns("id", "started_at", "trigger", "units", "duplicates", "gaps", "errors", "warnings")
            .from("quality_runs").orderBy("id", .descending).limit(1).first() else { return nil }
        return RunSummary(id: try row.decode(column: "id", as: Int64.self), startedAt: Format.dateTime(millis: try row.decode(column: "started_at", as: Int64.self)),
                          trigger: try row.decode(column: "trigger", as: String.self), units: try row.decode(column: "units", as: Int.self),
                          duplicates: try row.decode(column: "duplicates", as: Int.self), gaps: try row.decode(column: "gaps", as: Int.self),
                          errors: try row.decode(column: "errors", as: Int.self), warnings: try row.decode(column: "warnings", as: Int.self))
    }

    struct IssueRow: Content {
        let entityID: String
        let entityName: String
        let kind: String
        let field: String
        let message: String
    }

    static let kindNames = ["gap": "缺项", "error": "错误", "warning": "提示"]

    /// The latest run's findings within the reader's scope, one page with the total.
    static func issues(runID: Int64, kind: String?, scope: DataScope, page: Int = 1, pageSize: Int = 100, on db: any Database) async throws -> Paged<IssueRow> {
        var query = db.sql.select().column(SQLColumn("entity_id", table: "i")).column(SQLColumn("name", table: "e"))
            .column(SQLColumn("kind", table: "i")).column(SQLColumn("field", table: "i")).column(SQLColumn("message", table: "i"))
            .from(SQLAlias(SQLIdentifier("quality_issues"), as: SQLIdentifier("i")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("entity_id", table: "i"), .equal, SQLColumn("id", table: "e"))
            .where(SQLColumn("run_id", table: "i"), .equal, SQLBind(runID))
            .where(SQLColumn("status", table: "e"), .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
        if let kind { query = query.where(SQLColumn("kind", table: "i"), .equal, SQLBind(kind)) }
        query = scope.applyToUnits(query).orderBy(SQLColumn("pinyin_key", table: "e")).orderBy(SQLColumn("id", table: "i"))
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { row in
                IssueRow(entityID: try row.decode(column: "entity_id", as: UUID.self).uuidString, entityName: try row.decode(column: "name", as: String.self),
                         kind: kindNames[try row.decode(column: "kind", as: String.self)] ?? "", field: try row.decode(column: "field", as: String.self),
                         message: try row.decode(column: "message", as: String.self))
            }
        }
    }

    struct PairRow: Content {
        let id: Int64
        let reason: String
        let score: String
        let status: String
        let first: Side
        let second: Side
    }

    struct Side: Content {
        let id: String
        let name: String
        let creditCode: String
        let address: String
        let licences: Int
    }

    /// Candidate pairs still open (both units unmerged), or all pairs when `includeDecided`, where
    /// both units are in the reader's scope: one query with both units and their licence counts,
    /// the scope as SQL (it used to take four queries a pair and filter in Swift).
    static func pairs(includeDecided: Bool, scope: DataScope, page: Int = 1, pageSize: Int = 50, on db: any Database) async throws -> Paged<PairRow> {
        var query = db.sql.select()
            .column(SQLColumn("id", table: "p")).column(SQLColumn("reason", table: "p")).column(SQLColumn("score", table: "p")).column(SQLColumn("status", table: "p"))
            .column(SQLAlias(SQLColumn("id", table: "a"), as: SQLIdentifier("a_id"))).column(SQLAlias(SQLColumn("name", table: "a"), as: SQLIdentifier("a_name")))
            .column(SQLAlias(SQLColumn("credit_code", table: "a"), as: SQLIdentifier("a_code"))).column(SQLAlias(SQLColumn("operating_address", table: "a"), as: SQLIdentifier("a_address")))
            .column(SQLAlias(SQLColumn("id", table: "b"), as: SQLIdentifier("b_id"))).column(SQLAlias(SQLColumn("name", table: "b"), as: SQLIdentifier("b_name")))
            .column(SQLAlias(SQLColumn("credit_code", table: "b"), as: SQLIdentifier("b_code"))).column(SQLAlias(SQLColumn("operating_address", table: "b"), as: SQLIdentifier("b_address")))
            .column(SQLAlias(SQLRaw("(SELECT COUNT(*) FROM \(HealthLicense.schema) la WHERE la.entity_id = a.id)"), as: SQLIdentifier("a_licences")))
            .column(SQLAlias(SQLRaw("(SELECT COUNT(*) FROM \(HealthLicense.schema) lb WHERE lb.entity_id = b.id)"), as: SQLIdentifier("b_licences")))
            .from(SQLAlias(SQLIdentifier("duplicate_pairs"), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("a")), method: SQLJoinMethod.inner,
                  on: SQLColumn("first_id", table: "p"), .equal, SQLColumn("id", table: "a"))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("b")), method: SQLJoinMethod.inner,
                  on: SQLColumn("second_id", table: "p"), .equal, SQLColumn("id", table: "b"))
        if !includeDecided {
            query = query.where(SQLColumn("status", table: "p"), .equal, SQLBind("open"))
                .where(SQLColumn("status", table: "a"), .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
                .where(SQLColumn("status", table: "b"), .notEqual, SQLBind(SupervisedEntity.Status.merged.rawValue))
        }
        query = scope.applyToUnits(scope.applyToUnits(query, alias: "a"), alias: "b")
            .orderBy(SQLColumn("score", table: "p"), SQLDirection.descending).orderBy(SQLColumn("id", table: "p"))
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { row in
                func side(_ prefix: String) throws -> Side {
                    Side(id: try row.decode(column: "\(prefix)_id", as: UUID.self).uuidString, name: try row.decode(column: "\(prefix)_name", as: String.self),
                         creditCode: try row.decode(column: "\(prefix)_code", as: String?.self) ?? "",
                         address: try row.decode(column: "\(prefix)_address", as: String.self), licences: try row.decode(column: "\(prefix)_licences", as: Int.self))
                }
                let status = try row.decode(column: "status", as: String.self)
                return PairRow(id: try row.decode(column: "id", as: Int64.self), reason: try row.decode(column: "reason", as: String.self),
                               score: String(format: "%.2f", try row.decode(column: "score", as: Double.self)),
                               status: ["open": "待处理", "merged": "已合并", "different": "确认不同"][status] ?? status,
                               first: try side("a"), second: try side("b"))
            }
        }
    }

    /// Marks a pair as two different units; later runs do not raise it again.
    static func markDifferent(pairID: Int64, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await db.writeTransaction { tx in
            try await tx.sql.update("duplicate_pairs").set("status", to: SQLBind("different")).set("decided_by", to: SQLBind(actor.name))
                .set("decided_at", to: SQLBind(now.millis)).where("id", .equal, SQLBind(pairID)).run()
            try await caller.audit(.qualityDifferent, target: ("duplicate_pair", "\(pairID)"), on: tx)
        }
    }

    struct Moved: Codable {
        var rows: [String: [UUID]] = [:]
        var inspectors: [UUID] = []
    }

    /// Merges `absorbed` into `survivor`: every linked record moves to the survivor; the absorbed
    /// unit stays, marked merged, so the merge can be undone.
    static func merge(survivorID: UUID, absorbedID: UUID, pairID: Int64?, by caller: Caller) async throws -> UUID {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        guard survivorID != absorbedID, let survivor = try await SupervisedEntity.find(survivorID, on: db),
              let absorbed = try await SupervisedEntity.find(absorbedID, on: db) else {
            throw ValidationError(field: "合并", code: "merge.units", message: "请选择两户不同的单位")
        }
        guard survivor.status != .merged, absorbed.status != .merged else {
            throw ValidationError(field: "合并", code: "merge.state", message: "已合并的单位不能再合并")
        }
        let mergeID = UUID()
        try await db.writeTransaction { tx in
            var moved = Moved()
            for link in linkedTables {
                let ids = try await tx.sql.select().column("id").from(link.table).where("entity_id", .equal, SQLBind(absorbedID)).all()
                    .map { try $0.decode(column: "id", as: UUID.self) }
                moved.rows[link.table] = ids
                if !ids.isEmpty {
                    try await tx.sql.update(link.table).set("entity_id", to: SQLBind(survivorID)).where("entity_id", .equal, SQLBind(absorbedID)).run()
                }
            }
            let survivorInspectors = Set(try await EntityQueries.inspectorIDs(survivorID, on: tx))
            for inspector in try await EntityQueries.inspectorIDs(absorbedID, on: tx) where !survivorInspectors.contains(inspector) {
                try await tx.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id").values(SQLBind(survivorID), SQLBind(inspector)).run()
                moved.inspectors.append(inspector)
            }
            let previousStatus = absorbed.status
            absorbed.status = .merged
            absorbed.mergedInto = survivorID
            absorbed.updatedAt = now
            try await absorbed.save(on: tx)
            try await tx.sql.insert(into: "entity_merges")
                .columns("id", "pair_id", "survivor_id", "absorbed_id", "absorbed_status", "moved", "at", "actor_name")
                .values(SQLBind(mergeID), SQLBind(pairID), SQLBind(survivorID), SQLBind(absorbedID), SQLBind(previousStatus.rawValue),
                        SQLBind(try SubmissionQueries.encode(moved)), SQLBind(now.millis), SQLBind(actor.name))
                .run()
            if let pairID {
                try await tx.sql.update("duplicate_pairs").set("status", to: SQLBind("merged")).set("decided_by", to: SQLBind(actor.name))
                    .set("decided_at", to: SQLBind(now.millis)).where("id", .equal, SQLBind(pairID)).run()
            }
            let summary = linkedTables.map { "\($0.label)\(moved.rows[$0.table]?.count ?? 0)" }.joined(separator: "，")
            try await EntityQueries.record(entityID: survivorID, origin: .init(actor: actor, action: "merge", comment: "并入“\(absorbed.name)”（\(absorbed.unitCode)）：\(summary)", source: .internal),
                                           changes: [], on: tx, now: now)
            try await EntityQueries.record(entityID: absorbedID, origin: .init(actor: actor, action: "absorbed", comment: "并入“\(survivor.name)”（\(survivor.unitCode)）", source: .internal),
                                           changes: [.init(field: "经营状态", from: previousStatus.chinese, to: SupervisedEntity.Status.merged.chinese)], on: tx, now: now)
            try await EntitySearchIndex.remove(absorbedID, on: tx)
            try await EntityQueries.reindex(survivor, on: tx)
            try await caller.audit(.entityMerge, target: ("entity", survivorID.uuidString),
                                      details: ["absorbed": absorbedID.uuidString, "merge": mergeID.uuidString, "moved": summary], on: tx)
        }
        return mergeID
    }

    /// Undoes a merge: the absorbed unit returns with the records that were moved; records added to
    /// the survivor since, and edits made to it, stay on the survivor.
    static func undo(mergeID: UUID, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        guard let row = try await db.sql.select().columns("survivor_id", "absorbed_id", "absorbed_status", "moved", "undone_at", "pair_id")
            .from("entity_merges").where("id", .equal, SQLBind(mergeID)).first() else { throw Abort(.notFound, reason: "合并记录不存在") }
        guard try row.decode(column: "undone_at", as: Int64?.self) == nil else {
            throw ValidationError(field: "撤销合并", code: "merge.undone", message: "该合并已撤销")
        }
        let survivorID = try row.decode(column: "survivor_id", as: UUID.self)
        let absorbedID = try row.decode(column: "absorbed_id", as: UUID.self)
        let moved = try JSONDecoder().decode(Moved.self, from: Data(try row.decode(column: "moved", as: String.self).utf8))
        guard let absorbed = try await SupervisedEntity.find(absorbedID, on: db), let survivor = try await SupervisedEntity.find(survivorID, on: db) else {
            throw Abort(.notFound, reason: "单位不存在")
        }
        if !caller.scope.allows(survivor) { try await caller.refuseOutOfScope("entityMerge", id: mergeID.uuidString, name: survivor.name) }
        try await db.writeTransaction { tx in
            for (table, ids) in moved.rows where !ids.isEmpty && linkedTables.contains(where: { $0.table == table }) {
                try await tx.sql.update(table).set("entity_id", to: SQLBind(absorbedID))
                    .where("entity_id", .equal, SQLBind(survivorID)).where("id", .in, SQLBind.group(ids)).run()
            }
            for inspector in moved.inspectors {
                try await tx.sql.delete(from: "entity_inspectors").where("entity_id", .equal, SQLBind(survivorID)).where("user_id", .equal, SQLBind(inspector)).run()
            }
            absorbed.status = SupervisedEntity.Status(rawValue: try row.decode(column: "absorbed_status", as: String.self)) ?? .operating
            absorbed.mergedInto = nil
            absorbed.updatedAt = now
            try await absorbed.save(on: tx)
            try await tx.sql.update("entity_merges").set("undone_at", to: SQLBind(now.millis)).set("undone_by", to: SQLBind(actor.name))
                .where("id", .equal, SQLBind(mergeID)).run()
            if let pairID = try row.decode(column: "pair_id", as: Int64?.self) {
                try await tx.sql.update("duplicate_pairs").set("status", to: SQLBind("open")).where("id", .equal, SQLBind(pairID)).run()
            }
            try await EntityQueries.record(entityID: survivorID, origin: .init(actor: actor, action: "unmerge", comment: "“\(absorbed.name)”恢复为独立单位", source: .internal),
                                           changes: [], on: tx, now: now)
            try await EntityQueries.record(entityID: absorbedID, origin: .init(actor: actor, action: "restored", comment: "撤销与“\(survivor.name)”的合并", source: .internal),
                                           changes: [.init(field: "经营状态", from: SupervisedEntity.Status.merged.chinese, to: absorbed.status.chinese)], on: tx, now: now)
            try await EntityQueries.reindex(absorbed, on: tx)
            try await EntityQueries.reindex(survivor, on: tx)
            try await caller.audit(.entityUnmerge, target: ("entity", survivorID.uuidString),
                                      details: ["absorbed": absorbedID.uuidString, "merge": mergeID.uuidString], on: tx)
        }
    }

    struct MergeRow: Content {
        let id: String
        let survivorID: String
        let survivor: String
        let absorbedID: String
        let absorbed: String
        let at: String
        let actor: String
        let undone: String
    }

    /// Merges of units in the reader's scope, newest first, one page with the total.
    static func merges(scope: DataScope, page: Int = 1, pageSize: Int = 50, on db: any Database) async throws -> Paged<MergeRow> {
        let query = scope.applyToUnits(db.sql.select()
            .column(SQLColumn("id", table: "m")).column(SQLColumn("survivor_id", table: "m")).column(SQLColumn("absorbed_id", table: "m"))
            .column(SQLColumn("at", table: "m")).column(SQLColumn("actor_name", table: "m")).column(SQLColumn("undone_at", table: "m"))
            .column(SQLColumn("undone_by", table: "m"))
            .column(SQLAlias(SQLColumn("name", table: "e"), as: SQLIdentifier("survivor_name"))).column(SQLAlias(SQLColumn("name", table: "a"), as: SQLIdentifier("absorbed_name")))
            .from(SQLAlias(SQLIdentifier("entity_merges"), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("survivor_id", table: "m"), .equal, SQLColumn("id", table: "e"))
            .join(SQLAlias(SQLIdentifier(SupervisedEntity.schema), as: SQLIdentifier("a")), method: SQLJoinMethod.inner,
                  on: SQLColumn("absorbed_id", table: "m"), .equal, SQLColumn("id", table: "a")))
            .orderBy(SQLColumn("at", table: "m"), SQLDirection.descending).orderBy(SQLColumn("id", table: "m"))
        return try await Paged.read(query, page: page, pageSize: pageSize, on: db) { rows in
            try rows.map { row in
                MergeRow(id: try row.decode(column: "id", as: UUID.self).uuidString, survivorID: try row.decode(column: "survivor_id", as: UUID.self).uuidString,
                         survivor: try row.decode(column: "survivor_name", as: String.self), absorbedID: try row.decode(column: "absorbed_id", as: UUID.self).uuidString,
                         absorbed: try row.decode(column: "absorbed_name", as: String.self),
                         at: Format.dateTime(millis: try row.decode(column: "at", as: Int64.self)), actor: try row.decode(column: "actor_name", as: String.self),
                         undone: try row.decode(column: "undone_at", as: Int64?.self).map { "\(Format.dateTime(millis: $0))，由\(try row.decode(column: "undone_by", as: String?.self) ?? "")撤销" } ?? "")
            }
        }
    }
}
