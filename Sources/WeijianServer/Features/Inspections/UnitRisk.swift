import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The facts the risk score reads for units (风险分级), gathered with one aggregate query, and the
/// ranked list that orders targeted inspections.
enum UnitRisk {
    struct Row: Content, Sendable {
        let entityID: UUID
        let entityName: String
        let categoryCode: String
        let score: Double
        let level: String
        let factors: [RiskScore.Factor]
    }

    /// Aggregates per unit over its submitted inspections of the last two years.
    static func query(on db: any Database, since: LocalDate) -> SQLSelectBuilder {
        db.sql.select()
            .column(SQLColumn("id", table: "e")).column(SQLColumn("name", table: "e")).column(SQLColumn("category_code", table: "e"))
            .column(SQLColumn("grade", table: "e"))
            .column(SQLRaw("(SELECT MAX(i.inspected_on) FROM inspections i WHERE i.entity_id = e.id AND i.status = 'submitted')"), as: "last_on")
            .column(SQLRaw("""
                (SELECT COUNT(*) FROM inspection_results r JOIN inspections i ON i.id = r.inspection_id
                 WHERE i.entity_id = e.id AND i.status = 'submitted' AND r.result = 'nonconform' AND i.inspected_on >= '\(since.description)')
                """), as: "violations")
            .column(SQLRaw("""
                (SELECT COUNT(*) FROM inspections i WHERE i.entity_id = e.id AND i.status = 'submitted' AND i.grade = 'none'
                 AND i.score_tenths = 0 AND i.score_applicable > 0 AND i.inspected_on >= '\(since.description)')
                """), as: "key_failures")
            // A category that needs a licence, and no valid licence: the unit page and the list read the same fact.
            .column(SQLRaw("""
                (CASE WHEN EXISTS (SELECT 1 FROM supervision_categories c WHERE c.code = e.category_code AND c.licensing <> 'none')
                 AND NOT EXISTS (SELECT 1 FROM health_licenses l WHERE l.entity_id = e.id AND l.status = 'valid') THEN 1 ELSE 0 END)
                """), as: "licence_problem")
            .from(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")))
    }

    static func score(_ row: any SQLRow, weights: RiskScore.Weights, today: LocalDate) throws -> Row {
        let id = try row.decode(column: "id", as: UUID.self)
        let category = try row.decode(column: "category_code", as: String.self)
        var facts = RiskScore.Facts()
        facts.violations = try row.decode(column: "violations", as: Int.self)
        facts.keyViolations = try row.decode(column: "key_failures", as: Int.self)
        facts.grade = try row.decode(column: "grade", as: String?.self).flatMap { $0 == "不予评级" ? Grading.Grade.none : Grading.Grade(rawValue: $0) }
        facts.daysSinceInspection = try row.decode(column: "last_on", as: String?.self).flatMap(LocalDate.init).map { $0.days(until: today) }
        facts.licenceProblem = try row.decode(column: "licence_problem", as: Int.self) != 0
        facts.categoryRisk = RiskScore.categoryRisk(for: category)
        let result = RiskScore.score(facts, weights: weights)
        return Row(entityID: id, entityName: try row.decode(column: "name", as: String.self), categoryCode: category, score: result.score, level: result.level,
                   factors: result.factors)
    }

    /// One unit's score, for its page.
    static func unit(_ entity: SupervisedEntity, today: LocalDate, on db: any Database) async throws -> Row? {
        let weights = try await InspectionSettings.load(on: db).riskWeights
        guard let id = entity.id, let row = try await query(on: db, since: today.adding(days: -730)).where(SQLColumn("id", table: "e"), .equal, SQLBind(id)).first() else {
            return nil
        }
        return try score(row, weights: weights, today: today)
    }

    /// Units of a category (code or prefix) within the caller's scope, highest risk first, paged.
    static func ranked(category: String, page: Int, today: LocalDate, caller: Caller) async throws -> Paged<Row> {
        let weights = try await InspectionSettings.load(on: caller.db).riskWeights
        let rows = try await caller.scope.applyToUnits(query(on: caller.db, since: today.adding(days: -730)))
            .where(SQLColumn("category_code", table: "e"), .like, SQLBind(category + "%"))
            .where(SQLColumn("status", table: "e"), .equal, SQLBind("operating")).all()
        let scored = try rows.map { try score($0, weights: weights, today: today) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.entityName < $1.entityName }
        let size = 50
        let shape = Paged<Row>(rows: [], total: scored.count, page: page, pageSize: size)
        return Paged(rows: Array(scored.dropFirst((shape.page - 1) * size).prefix(size)), total: scored.count, page: shape.page, pageSize: size)
    }
}

extension UnitRisk.Row: APIExample {
    static let example = UnitRisk.Row(entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, entityName: "福州清波游泳馆有限公司", categoryCode: "GG0402",
                                      score: 62.5, level: "高",
                                      factors: [.init(name: "违法违规记录", detail: "近两年不符合项3项，关键项不符合1次", points: 60, weighted: 18, share: 28.8)])
}
