import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 双随机、一公开: a plan names the categories and the share of units to draw in each, and the
/// window; a draw takes the unit register and the inspector register as they are, with recusals,
/// records both with its seed and the algorithm, and gives each drawn inspector a task. Anyone may
/// repeat a draw from its record ("verify") and see the same result, or where it differs.
enum RandomCheckQueries {
    struct PlanInput: Content, Sendable {
        var year: Int?
        var name: String?
        /// `GG0402=20, YS03=50`: category code (or prefix) and percent.
        var shares: String?
        var windowStart: String?
        var windowEnd: String?
        var perTarget: Int?
    }

    struct Plan: Content, Sendable {
        let id: UUID
        let year: Int
        let name: String
        let shares: [String: Double]
        let sharesText: String
        let windowStart: String
        let windowEnd: String
        let perTarget: Int
        let createdBy: String
        let draws: Int
    }

    /// Reads `GG0402=20, YS03=3.5` into shares, naming a malformed part.
    static func parseShares(_ text: String?) throws -> [String: Double] {
        var shares: [String: Double] = [:]
        var errors = ValidationCollector()
        for part in (text ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "\n" || $0 == ";" || $0 == "；" }) {
            let pieces = part.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
            guard pieces.count == 2, !pieces[0].isEmpty, let percent = Double(pieces[1].replacingOccurrences(of: "%", with: "")) else {
                errors.add(ValidationError(field: "抽取比例", code: "draw.shareFormat", message: "“\(String(part).trimmed)”应写成“类别代码=百分比”，如 GG0402=20"))
                continue
            }
            shares[pieces[0].uppercased()] = percent
        }
        if shares.isEmpty && errors.errors.isEmpty { errors.add(ValidationError(field: "抽取比例", code: "required", message: "至少写一个类别，如 GG0402=20")) }
        try errors.check()
        return shares
    }

    static func create(_ input: PlanInput, by caller: Caller) async throws -> UUID {
        var errors = ValidationCollector()
        let today = LocalDate(instant: caller.now)
        let year = input.year ?? today.year
        if !(2000...2100).contains(year) { errors.add(ValidationError(field: "年度", code: "range", message: "应在2000到2100之间")) }
        let name = errors.text(input.name, field: "计划名称", max: 100, required: true)
        var shares: [String: Double] = [:]
        errors.run { shares = try parseShares(input.shares) }
        for (code, share) in shares.sorted(by: { $0.key < $1.key }) {
            if !(share > 0 && share <= 100) { errors.add(ValidationError(field: "抽取比例（\(code)）", code: "draw.share", message: "应大于0%且不超过100%")) }
            if try await SupervisionCategory.find(code, on: caller.db) == nil {
                errors.add(ValidationError(field: "抽取比例（\(code)）", code: "category.unknown", message: "不是有效的专业类别代码"))
            }
        }
        let start = errors.date(input.windowStart, field: "检查开始日期", required: true)
        let end = errors.date(input.windowEnd, field: "检查截止日期", required: true, notBefore: start)
        let perTarget = input.perTarget ?? 2
        if !(2...5).contains(perTarget) { errors.add(ValidationError(field: "每户监督员人数", code: "draw.pair", message: "应在2到5之间（至少2名执法人员）")) }
        try errors.check()
        let id = UUID()
        let json = String(decoding: try JSONEncoder.sorted.encode(shares), as: UTF8.self)
        try await caller.db.writeTransaction { tx in
            try await tx.sql.insert(into: "random_plans")
                .columns("id", "year", "name", "shares_json", "window_start", "window_end", "per_target", "created_by", "created_at")
                .values(SQLBind(id), SQLBind(year), SQLBind(name!), SQLBind(json), SQLBind(start!.description), SQLBind(end!.description), SQLBind(perTarget),
                        SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                .run()
            try await caller.audit(.randomPlanCreate, target: ("randomPlan", id.uuidString), details: ["name": name!, "shares": json], on: tx)
        }
        return id
    }

    static func decodePlan(_ row: any SQLRow) throws -> Plan {
        let shares = try JSONDecoder().decode([String: Double].self, from: Data(try row.decode(column: "shares_json", as: String.self).utf8))
        return Plan(id: try row.decode(column: "id", as: UUID.self), year: try row.decode(column: "year", as: Int.self), name: try row.decode(column: "name", as: String.self),
                    shares: shares, sharesText: shares.sorted { $0.key < $1.key }.map { "\($0.key)=\(Grading.text($0.value))%" }.joined(separator: "，"),
                    windowStart: try row.decode(column: "window_start", as: String.self), windowEnd: try row.decode(column: "window_end", as: String.self),
                    perTarget: try row.decode(column: "per_target", as: Int.self), createdBy: try row.decode(column: "created_by", as: String.self),
                    draws: try row.decode(column: "draws", as: Int.self))
    }

    static func planQuery(on db: any Database) -> SQLSelectBuilder {
        db.sql.select().columns("id", "year", "name", "shares_json", "window_start", "window_end", "per_target", "created_by", "created_at")
            .column(SQLRaw("(SELECT COUNT(*) FROM random_draws d WHERE d.plan_id = random_plans.id)"), as: "draws")
            .from("random_plans")
    }

    static func plans(page: Int, on db: any Database) async throws -> Paged<Plan> {
        try await Paged.read(planQuery(on: db).orderBy("year", .descending).orderBy("created_at", .descending), page: page, pageSize: 50, on: db) { try $0.map(decodePlan) }
    }

    static func plan(_ id: UUID?, on db: any Database) async throws -> Plan {
        guard let id, let row = try await planQuery(on: db).where("id", .equal, SQLBind(id)).first() else { throw Abort(.notFound, reason: "抽查计划不存在") }
        return try decodePlan(row)
    }

    // MARK: registers

    /// The unit register for a plan: open units of its categories, each tagged with the plan
    /// category it falls under (the longest matching code) and its recusals.
    static func unitRegister(_ plan: Plan, on db: any Database) async throws -> [RandomDraw.Unit] {
        let codes = plan.shares.keys.sorted { $0.count > $1.count }
        var recusals: [UUID: [String]] = [:]
        for row in try await db.sql.select().columns("user_id", "entity_id").from("random_recusals").all() {
            recusals[try row.decode(column: "entity_id", as: UUID.self), default: []].append(try row.decode(column: "user_id", as: UUID.self).uuidString)
        }
        var units: [RandomDraw.Unit] = []
        let query = db.sql.select().columns("id", "category_code").from("entities").where("status", .equal, SQLBind("operating")).where { group in
                var group = group
                for code in codes { group = group.orWhere("category_code", .like, SQLBind(code + "%")) }
                return group
            }
        for row in try await query.all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let category = try row.decode(column: "category_code", as: String.self)
            guard let code = codes.first(where: { category.hasPrefix($0) }) else { continue }
            units.append(RandomDraw.Unit(id: id.uuidString, category: code, recused: recusals[id] ?? []))
        }
        return units
    }

    /// The inspector register: active staff holding the inspector role with a certificate valid to the window's end.
    static func inspectorRegister(_ plan: Plan, on db: any Database) async throws -> [RandomDraw.Inspector] {
        let inspectors = Set(try await UserQueries.holders(of: .inspector, on: db))
        var register: [RandomDraw.Inspector] = []
        for profile in try await StaffProfile.query(on: db).filter(\.$certificateNumber != nil).with(\.$user).all() {
            guard let id = profile.user.id, inspectors.contains(id), !(profile.certificateNumber ?? "").isEmpty else { continue }
            if let expiry = profile.certificateExpiry, !expiry.isEmpty, expiry < plan.windowEnd { continue }
            register.append(RandomDraw.Inspector(id: id.uuidString, section: profile.user.$department.id?.uuidString ?? ""))
        }
        return register
    }

    // MARK: draws

    struct DrawRecord: Content, Sendable {
        let id: UUID
        let planID: UUID
        let seed: String
        let algorithm: String
        let snapshot: String
        let units: Int
        let inspectors: Int
        let targets: [TargetRow]
        let drawnBy: String
        let drawnAt: String
    }

    struct TargetRow: Content, Sendable {
        let entityID: String
        let entityName: String
        let category: String
        let inspectors: String
    }

    static func draw(_ plan: Plan, seed chosen: UInt64? = nil, app: Application, by caller: Caller) async throws -> DrawRecord {
        let db = caller.db
        let units = try await unitRegister(plan, on: db)
        let inspectors = try await inspectorRegister(plan, on: db)
        let seed = chosen ?? UInt64.random(in: 1...UInt64.max)
        let targets = try RandomDraw.draw(units: units, inspectors: inspectors, shares: plan.shares, perTarget: plan.perTarget, seed: seed)
        let id = UUID()
        let encoder = JSONEncoder.sorted
        let unitsJSON = String(decoding: try encoder.encode(units), as: UTF8.self)
        let inspectorsJSON = String(decoding: try encoder.encode(inspectors), as: UTF8.self)
        let targetsJSON = String(decoding: try encoder.encode(targets), as: UTF8.self)
        let snapshot = RandomDraw.snapshot(units: units, inspectors: inspectors)
        let names = try await entityNames(targets.map(\.unitID), on: db)
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "random_draws")
                .columns("id", "plan_id", "seed", "algorithm", "snapshot", "units_json", "inspectors_json", "targets_json", "drawn_by", "drawn_at")
                .values(SQLBind(id), SQLBind(plan.id), SQLBind(String(seed)), SQLBind(RandomDraw.algorithm), SQLBind(snapshot), SQLBind(unitsJSON),
                        SQLBind(inspectorsJSON), SQLBind(targetsJSON), SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                .run()
            // Each drawn inspector gets the inspection as a task (待办), due at the window's end.
            for target in targets {
                for inspector in target.inspectors.compactMap(UUID.init(uuidString:)) {
                    try await Inbox.notify(userID: inspector, kind: .task, title: "双随机抽查：\(names[target.unitID] ?? target.unitID)（\(plan.name)），请于\(plan.windowEnd)前完成检查",
                                           link: "/app/entities/\(target.unitID)/inspections/new?source=randomCheck", dueDate: plan.windowEnd,
                                           dedupeKey: "draw-\(id)-\(target.unitID)", on: tx, now: caller.now)
                }
            }
            try await caller.audit(.randomDraw, target: ("randomPlan", plan.id.uuidString),
                                   details: ["draw": id.uuidString, "seed": String(seed), "snapshot": snapshot, "targets": String(targets.count)], on: tx)
        }
        return try await record(id, on: db)
    }

    static func entityNames(_ ids: [String], on db: any Database) async throws -> [String: String] {
        let uuids = ids.compactMap(UUID.init(uuidString:))
        guard !uuids.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for chunk in stride(from: 0, to: uuids.count, by: 500).map({ Array(uuids[$0..<min($0 + 500, uuids.count)]) }) {
            for row in try await db.sql.select().columns("id", "name").from("entities").where("id", .in, SQLBind.group(chunk)).all() {
                names[try row.decode(column: "id", as: UUID.self).uuidString] = try row.decode(column: "name", as: String.self)
            }
        }
        return names
    }

    static func userNames(on db: any Database) async throws -> [String: String] {
        var names: [String: String] = [:]
        for user in try await User.query(on: db).filter(\.$kind == .staff).all() { names[user.id!.uuidString] = user.displayName }
        return names
    }

    static func record(_ id: UUID, on db: any Database) async throws -> DrawRecord {
        guard let row = try await db.sql.select().columns("id", "plan_id", "seed", "algorithm", "snapshot", "units_json", "inspectors_json", "targets_json", "drawn_by", "drawn_at")
            .from("random_draws").where("id", .equal, SQLBind(id)).first() else { throw Abort(.notFound, reason: "抽取记录不存在") }
        let stored = try stored(row)
        let names = try await entityNames(stored.targets.map(\.unitID), on: db)
        let people = try await userNames(on: db)
        let categories = Dictionary(stored.units.map { ($0.id, $0.category) }) { first, _ in first }
        return DrawRecord(id: id, planID: try row.decode(column: "plan_id", as: UUID.self), seed: try row.decode(column: "seed", as: String.self),
                          algorithm: try row.decode(column: "algorithm", as: String.self), snapshot: try row.decode(column: "snapshot", as: String.self),
                          units: stored.units.count, inspectors: stored.inspectors.count,
                          targets: stored.targets.map { TargetRow(entityID: $0.unitID, entityName: names[$0.unitID] ?? $0.unitID, category: categories[$0.unitID] ?? "",
                                                                  inspectors: $0.inspectors.map { people[$0] ?? $0 }.joined(separator: "、")) },
                          drawnBy: try row.decode(column: "drawn_by", as: String.self), drawnAt: Format.dateTime(millis: try row.decode(column: "drawn_at", as: Int64.self)))
    }

    static func stored(_ row: any SQLRow) throws -> (units: [RandomDraw.Unit], inspectors: [RandomDraw.Inspector], targets: [RandomDraw.Target]) {
        let decoder = JSONDecoder()
        return (try decoder.decode([RandomDraw.Unit].self, from: Data(try row.decode(column: "units_json", as: String.self).utf8)),
                try decoder.decode([RandomDraw.Inspector].self, from: Data(try row.decode(column: "inspectors_json", as: String.self).utf8)),
                try decoder.decode([RandomDraw.Target].self, from: Data(try row.decode(column: "targets_json", as: String.self).utf8)))
    }

    static func draws(planID: UUID, on db: any Database) async throws -> [DrawRecord] {
        var records: [DrawRecord] = []
        for row in try await db.sql.select().column("id").from("random_draws").where("plan_id", .equal, SQLBind(planID)).orderBy("drawn_at", .descending).all() {
            records.append(try await record(try row.decode(column: "id", as: UUID.self), on: db))
        }
        return records
    }

    struct Verification: Content, Sendable {
        let drawID: UUID
        let same: Bool
        let snapshotMatches: Bool
        let algorithmMatches: Bool
        let differences: [String]
        let summary: String
    }

    /// Repeats a draw from its record: the stored registers must still hash to the recorded
    /// snapshot, and the algorithm with the recorded seed must give the recorded targets.
    static func verify(_ id: UUID, on db: any Database) async throws -> Verification {
        guard let row = try await db.sql.select().columns("plan_id", "seed", "algorithm", "snapshot", "units_json", "inspectors_json", "targets_json")
            .from("random_draws").where("id", .equal, SQLBind(id)).first() else { throw Abort(.notFound, reason: "抽取记录不存在") }
        let plan = try await plan(try row.decode(column: "plan_id", as: UUID.self), on: db)
        let (units, inspectors, targets) = try stored(row)
        let snapshotMatches = RandomDraw.snapshot(units: units, inspectors: inspectors) == (try row.decode(column: "snapshot", as: String.self))
        let algorithmMatches = (try row.decode(column: "algorithm", as: String.self)) == RandomDraw.algorithm
        let seed = UInt64(try row.decode(column: "seed", as: String.self)) ?? 0
        let again = (try? RandomDraw.draw(units: units, inspectors: inspectors, shares: plan.shares, perTarget: plan.perTarget, seed: seed)) ?? []
        var differences: [String] = []
        let before = Dictionary(targets.map { ($0.unitID, $0.inspectors) }) { first, _ in first }
        let after = Dictionary(again.map { ($0.unitID, $0.inspectors) }) { first, _ in first }
        let names = try await entityNames(Array(Set(before.keys).union(after.keys)), on: db)
        for unit in Set(before.keys).union(after.keys).sorted() where before[unit] != after[unit] {
            let name = names[unit] ?? unit
            switch (before[unit], after[unit]) {
            case (_?, nil): differences.append("记录中有\(name)，重新抽取没有")
            case (nil, _?): differences.append("重新抽取有\(name)，记录中没有")
            default: differences.append("\(name)的监督员不同")
            }
        }
        if !snapshotMatches { differences.insert("保存的单位名录或监督员名录与抽取时的快照哈希不符（记录被改动）", at: 0) }
        if !algorithmMatches { differences.insert("抽取算法版本已变，重新抽取使用的是当前版本", at: 0) }
        let same = differences.isEmpty && again.count == targets.count
        return Verification(drawID: id, same: same, snapshotMatches: snapshotMatches, algorithmMatches: algorithmMatches, differences: differences,
                            summary: same ? "按记录的种子\(seed)、名录快照和算法重新抽取，结果与记录完全一致（\(targets.count)户）。"
                                : "重新抽取的结果与记录不一致：" + differences.prefix(20).joined(separator: "；"))
    }

    /// Declares that an inspector must not inspect a unit (a conflict of interest), for every later draw.
    static func recuse(userID: UUID, entity: SupervisedEntity, reason raw: String?, by caller: Caller) async throws {
        let reason = raw?.trimmed ?? ""
        guard reason.count >= 2, reason.count <= 200 else { throw ValidationError(field: "回避原因", code: "reason.required", message: "必填，2到200个字符") }
        let entityID = try entity.requireID()
        try await caller.db.writeTransaction { tx in
            try await tx.sql.raw("""
                INSERT INTO random_recusals (id, user_id, entity_id, reason, declared_by, declared_at)
                VALUES (\(bind: UUID()), \(bind: userID), \(bind: entityID), \(bind: reason), \(bind: caller.actor.name), \(bind: caller.now.millis))
                ON CONFLICT (user_id, entity_id) DO UPDATE SET reason = excluded.reason
                """).run()
            try await caller.audit(.randomRecusal, target: ("entity", entityID.uuidString), details: ["user": userID.uuidString, "reason": reason], on: tx)
        }
    }
}

extension RandomCheckQueries.PlanInput: APIExample {
    static let example = RandomCheckQueries.PlanInput(year: 2026, name: "2026年公共场所双随机抽查", shares: "GG0402=20, GG01=3", windowStart: "2026-03-01",
                                                      windowEnd: "2026-11-30", perTarget: 2)
}

extension RandomCheckQueries.Plan: APIExample {
    static let example = RandomCheckQueries.Plan(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, year: 2026, name: "2026年公共场所双随机抽查",
                                                 shares: ["GG0402": 20, "GG01": 3], sharesText: "GG01=3%，GG0402=20%", windowStart: "2026-03-01", windowEnd: "2026-11-30",
                                                 perTarget: 2, createdBy: "王海(ggkz)", draws: 1)
}

extension RandomCheckQueries.DrawRecord: APIExample {
    static let example = RandomCheckQueries.DrawRecord(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!, planID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!,
                                                       seed: "1234567890123", algorithm: RandomDraw.algorithm, snapshot: String(repeating: "ab", count: 32), units: 120, inspectors: 8,
                                                       targets: [.init(entityID: "3F2504E0-4F89-11D3-9A0C-0305E82C3303", entityName: "福州清波游泳馆有限公司", category: "GG0402",
                                                                       inspectors: "李强、周杰")],
                                                       drawnBy: "王海(ggkz)", drawnAt: "2026-03-01 09:00")
}

extension RandomCheckQueries.Verification: APIExample {
    static let example = RandomCheckQueries.Verification(drawID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!, same: true, snapshotMatches: true,
                                                         algorithmMatches: true, differences: [], summary: "按记录的种子重新抽取，结果与记录完全一致（24户）。")
}
