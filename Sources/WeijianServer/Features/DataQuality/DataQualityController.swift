import Fluent
import Foundation
import Vapor
import WeijianCore

/// The information officer's data-cleaning desk: the latest quality run's findings, the duplicate
/// review queue (merge or mark different), and the merges with their undo.
enum DataQualityController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "quality", access: .permission(.dataQuality), use: overview)
        web.endpoint(.POST, "app", "quality", "run", access: .permission(.dataQuality), use: runNow)
        web.endpoint(.GET, "app", "quality", "duplicates", access: .permission(.dataQuality), use: duplicates)
        web.endpoint(.POST, "app", "quality", "pairs", ":pairID", "merge", access: .permission(.dataQuality), use: merge)
        web.endpoint(.POST, "app", "quality", "pairs", ":pairID", "different", access: .permission(.dataQuality), use: different)
        web.endpoint(.GET, "app", "quality", "merges", access: .permission(.dataQuality), use: merges)
        web.endpoint(.POST, "app", "quality", "merges", ":mergeID", "undo", access: .permission(.dataQuality), use: undo)
        api.endpoint(.POST, "quality", "run", access: .permission(.dataQuality),
                     doc: APIDoc("立即进行数据质量检查（重复、缺项、错误）", response: DataQualityQueries.RunSummary.self), use: runAPI)
        api.endpoint(.GET, "quality", "duplicates", access: .permission(.dataQuality),
                     doc: APIDoc("待处理的疑似重复单位（数据范围内，每页50对，附总数）", query: [.page], response: Paged<DataQualityQueries.PairRow>.self), use: duplicatesAPI)
    }

    struct Overview: Encodable, Sendable {
        let run: DataQualityQueries.RunSummary?
        let issues: [DataQualityQueries.IssueRow]
        let pager: Pager?
        let kind: String
    }

    @Sendable static func overview(req: Request) async throws -> View {
        let kind = (try? req.query.get(String.self, at: "kind")).flatMap { DataQualityQueries.kindNames[$0] == nil ? nil : $0 }
        let run = try await DataQualityQueries.latestRun(on: req.db)
        let issues = try await run.asyncMap { try await DataQualityQueries.issues(runID: $0.id, kind: kind, scope: try req.currentUser.scope, page: req.pageNumber, on: req.db) }
        return try await req.renderPage("quality/overview", title: "数据清洗",
                                        content: Overview(run: run, issues: issues?.rows ?? [], pager: issues.map { Pager($0, path: "/app/quality", query: ["kind": kind]) },
                                                          kind: kind ?? ""))
    }

    static func run(_ req: Request) async throws -> DataQualityQueries.RunSummary {
        try await DataQualityQueries.run(trigger: "手动（\(try req.currentUser.displayName)）", by: try req.caller)
    }

    @Sendable static func runNow(req: Request) async throws -> Response {
        let summary = try await run(req)
        return try await req.redirect(to: "/app/quality", flash: "检查完成：\(summary.units)户单位，疑似重复\(summary.duplicates)对，缺项\(summary.gaps)条，错误\(summary.errors)条，提示\(summary.warnings)条")
    }

    @Sendable static func runAPI(req: Request) async throws -> DataQualityQueries.RunSummary { try await run(req) }

    struct DuplicatesPage: Encodable, Sendable {
        let pairs: [DataQualityQueries.PairRow]
        let pager: Pager
        let all: Bool
    }

    @Sendable static func duplicates(req: Request) async throws -> View {
        let all = (try? req.query.get(String.self, at: "all")) == "1"
        let pairs = try await DataQualityQueries.pairs(includeDecided: all, scope: try req.currentUser.scope, page: req.pageNumber, on: req.db)
        return try await req.renderPage("quality/duplicates", title: "疑似重复单位",
                                        content: DuplicatesPage(pairs: pairs.rows, pager: Pager(pairs, path: "/app/quality/duplicates", query: ["all": all ? "1" : nil]), all: all))
    }

    @Sendable static func duplicatesAPI(req: Request) async throws -> Paged<DataQualityQueries.PairRow> {
        try await DataQualityQueries.pairs(includeDecided: false, scope: try req.currentUser.scope, page: req.pageNumber, on: req.db)
    }

    static func pair(_ req: Request) async throws -> (Int64, UUID, UUID) {
        guard let id = req.parameters.get("pairID", as: Int64.self),
              let row = try await req.db.sql.select().columns("first_id", "second_id").from("duplicate_pairs").where("id", .equal, id).first() else {
            throw Abort(.notFound, reason: "疑似重复记录不存在")
        }
        let first = try row.decode(column: "first_id", as: UUID.self)
        let second = try row.decode(column: "second_id", as: UUID.self)
        let caller = try req.caller
        _ = try await EntityQueries.visible(first, caller: caller, asking: ("duplicatePair", String(id)))
        _ = try await EntityQueries.visible(second, caller: caller, asking: ("duplicatePair", String(id)))
        return (id, first, second)
    }

    struct MergeInput: Content {
        var survivor: String?
    }

    @Sendable static func merge(req: Request) async throws -> Response {
        let (pairID, first, second) = try await pair(req)
        guard let survivor = try req.content.decode(MergeInput.self).survivor.flatMap(UUID.init(uuidString:)), [first, second].contains(survivor) else {
            throw ValidationError(field: "保留单位", code: "merge.survivor", message: "请选择合并后保留的单位")
        }
        let absorbed = survivor == first ? second : first
        _ = try await DataQualityQueries.merge(survivorID: survivor, absorbedID: absorbed, pairID: pairID, by: try req.caller)
        return try await req.redirect(to: "/app/entities/\(survivor)", flash: "已合并：关联的许可证、报送和门户账号已转到本单位。可在“合并记录”中撤销。")
    }

    @Sendable static func different(req: Request) async throws -> Response {
        let (pairID, _, _) = try await pair(req)
        try await DataQualityQueries.markDifferent(pairID: pairID, by: try req.caller)
        return try await req.redirect(to: "/app/quality/duplicates", flash: "已确认为不同单位，以后的检查不再提示这一对")
    }

    struct MergesPage: Encodable, Sendable {
        let rows: [DataQualityQueries.MergeRow]
        let pager: Pager
    }

    @Sendable static func merges(req: Request) async throws -> View {
        let paged = try await DataQualityQueries.merges(scope: try req.currentUser.scope, page: req.pageNumber, on: req.db)
        return try await req.renderPage("quality/merges", title: "合并记录", content: MergesPage(rows: paged.rows, pager: Pager(paged, path: "/app/quality/merges")))
    }

    @Sendable static func undo(req: Request) async throws -> Response {
        guard let id = req.parameters.get("mergeID").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound, reason: "合并记录不存在") }
        try await DataQualityQueries.undo(mergeID: id, by: try req.caller)
        return try await req.redirect(to: "/app/quality/merges", flash: "已撤销合并，被合并单位及其原有记录已恢复")
    }
}

extension DataQualityQueries.RunSummary: APIExample {
    static let example = DataQualityQueries.RunSummary(id: 7, startedAt: "2026-12-02 03:00", trigger: "每周定时", units: 3000, duplicates: 4, gaps: 12, errors: 1, warnings: 3)
}

extension DataQualityQueries.PairRow: APIExample {
    static let example = DataQualityQueries.PairRow(id: 3, reason: "名称与地址相近", score: "0.93", status: "待处理",
                                                    first: .init(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", name: "福州阳光宾馆有限公司", creditCode: "91350100M000100Y43",
                                                                 address: "福州市鼓楼区五四路12号", licences: 1),
                                                    second: .init(id: "3F2504E0-4F89-11D3-9A0C-0305E82C3302", name: "福州阳光宾馆", creditCode: "",
                                                                  address: "鼓楼区五四路12号", licences: 0))
}
