import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Issue 12's benchmarks, each against a baseline in the same run:
/// - every unit's next due inspection (grade frequency) as the product reads it, and recomputing
///   it from all inspections, against the plain SQL aggregation of each unit's latest inspection;
/// - issuing a PDF document over HTTP against rendering the unit's page;
/// - recording an inspection of 40 items through the API against a plain insert of the same rows.
enum InspectionBench {
    static func run(_ app: Application, units: Int, perUnit: Int, requests: Int, port: Int, console: any Console) async throws -> [BenchCommand.Line] {
        var lines: [BenchCommand.Line] = []
        let now = app.clock.now()
        let today = LocalDate(instant: now)
        let department = try await DepartmentQueries.create(code: "B\(UUID().uuidString.prefix(5))", name: "基准科室\(UUID().uuidString.prefix(4))", isBusiness: true,
                                                            by: .system(app))
        let departmentID = try department.requireID()

        // The schedule: `units` units with `perUnit` submitted inspections each, written in bulk.
        let existing = try await SupervisedEntity.query(on: app.db).count()
        if existing < units {
            console.output(text: "检查基准：补足到\(units)户……")
            _ = try await DemoLoader(app: app, seed: 99).insertUnits(count: units - existing, departmentIDs: [:], inspectors: [:], on: app.db, now: now)
        }
        let checklist = try await ChecklistQueries.current(on: app.db)[0].id
        let unitIDs = try await app.db.sql.select().column("id").from("entities").limit(units).all().map { try $0.decode(column: "id", as: UUID.self) }
        console.output(text: "检查基准：写入\(unitIDs.count * perUnit)次检查……")
        var random = SeededRandom(seed: 12)
        let grades = ["A", "B", "C", "none"]
        var batch: [[BulkInsert.Value]] = []
        var written = 0
        for unit in unitIDs {
            for _ in 0..<perUnit {
                let day = today.adding(days: -Int(random.next() % 1400)).description
                written += 1
                batch.append([.uuid(UUID()), .text("B\(written)"), .uuid(unit), .uuid(checklist), .text("routine"), .text("submitted"), .text(day), .text("09:00"),
                              .text("10:00"), .text("负责人"), .bool(false), .text(""), .text("符合"), .text(day), .bool(false), .text("bench"),
                              .int(Int(now.millis)), .int(Int(now.millis) + written), .text(grades[Int(random.next() % 4)]), .int(900), .int(100), .int(90)])
                if batch.count == 5000 {
                    try await insertInspections(batch, on: app.db)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        try await insertInspections(batch, on: app.db)
        // The plain aggregation: each unit's latest inspection date, one SQL statement.
        var plain = 0
        let aggregation = try await timed {
            plain = try await app.db.sql.raw("""
                SELECT e.id, e.name, m.last FROM entities e
                JOIN (SELECT entity_id, MAX(inspected_on) AS last FROM inspections WHERE status = 'submitted' GROUP BY entity_id) m ON m.entity_id = e.id
                """).all().count
        }
        // Computing every unit's grade frequency and next due date from all inspections and writing
        // it onto the units — what the upgrade and a repair do (the bulk insert skipped submission).
        var rebuilt = 0
        let rebuild = try await timed { rebuilt = try await InspectionSchedule.rebuild(on: app.db) }
        // What the product reads day to day: the schedule each submission keeps on the unit.
        var scheduled = 0
        let schedule = try await timed { scheduled = try await InspectionSchedule.all(today: today, on: app.db).count }
        guard scheduled == plain, rebuilt == plain else { throw CommandError(message: "下次应检校验失败：重算\(rebuilt)户，读取\(scheduled)户，SQL聚合\(plain)户") }
        lines.append(.init(name: "全部单位的下次应检（提交时保存在单位上，\(plain)户，\(written)次检查）", value: Double(plain) / schedule, unit: "户/秒",
                           baselineName: "同样聚合的一条SQL（每户最近检查日期）", baseline: Double(plain) / aggregation))
        lines.append(.init(name: "从全部检查重算量化分级频次与下次应检并写回单位（升级、修复）", value: Double(plain) / rebuild, unit: "户/秒",
                           baselineName: "同样聚合的一条SQL（每户最近检查日期）", baseline: Double(plain) / aggregation))

        // A pool of the bench department with a submitted inspection, and two inspectors.
        let inspectors = try await benchInspectors(app, department: departmentID)
        let pool = try await EntityQueries.create(EntityInput(name: "基准游泳馆\(UUID().uuidString.prefix(6))", operatingAddress: "福州市鼓楼区湖东路1号", divisionCode: "350102",
                                                              categoryCode: "GG0402", departmentID: departmentID.uuidString),
                                                  origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: .system(app), checkingDuplicates: false)
        let caller = Caller.acting(as: inspectors.0, app)
        let header = InspectionQueries.Input(source: "routine", inspectedOn: today.description, startTime: "09:00", endTime: "10:00",
                                             inspectorIDs: [inspectors.0.id.uuidString, inspectors.1.id.uuidString], representative: "负责人")
        let id = try await InspectionQueries.create(header, entity: pool, app: app, by: caller)
        let record = try await InspectionQueries.record(id, on: app.db)!
        let pooled = try await ChecklistQueries.find(record.checklistID, on: app.db)!.checklist
        try await InspectionQueries.saveResults(pooled.items.map { .init(item: $0.code, result: "conform") }, inspection: record, checklist: pooled, by: caller)
        var finish = header
        finish.conclusion = "符合"
        try await InspectionQueries.submit(finish, inspection: record, checklist: pooled, by: caller)

        // A 40-item checklist for a category of its own, and a unit of it to record against.
        var sections: [Checklist.Section] = []
        for section in 1...4 {
            sections.append(.init(title: "第\(section)部分", items: (1...10).map { .init(code: "\(section).\($0)", text: "检查项目\(section)-\($0)", score: 5, basis: "基准") }))
        }
        let forty = Checklist(sections: sections)
        _ = try await ChecklistQueries.save(code: "BENCH40", .init(name: "基准检查表", categories: "GG0502", sections: sections), by: .system(app))
        let hall = try await EntityQueries.create(EntityInput(name: "基准博物馆\(UUID().uuidString.prefix(6))", operatingAddress: "福州市鼓楼区湖东路2号", divisionCode: "350102",
                                                              categoryCode: "GG0502", departmentID: departmentID.uuidString),
                                                  origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: .system(app), checkingDuplicates: false)

        let session = try await benchSession(app, user: inspectors.0)
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        let base = "http://127.0.0.1:\(port)"
        var issue: [Double] = []
        var page: [Double] = []
        for _ in 0..<3 {
            page.append(try await load(app, method: .GET, url: base + "/app/entities/\(pool.id!)", session: session, body: nil, requests: max(30, requests / 6)))
            issue.append(try await load(app, method: .POST, url: base + "/app/inspections/\(id)/documents", session: session,
                                        body: "_csrf=\(session.csrf)&kind=supervisionOpinion", requests: max(30, requests / 6)))
        }
        lines.append(.init(name: "签发卫生监督意见书（PDF，三轮取中位数）", value: issue.sorted()[1], unit: "请求/秒",
                           baselineName: "单位档案页（同一单位）", baseline: page.sorted()[1]))

        // Recording 40 items through the API against the same rows inserted plainly.
        let token = try await benchToken(app, user: inspectors.0)
        var body = header
        body.entityID = hall.id!.uuidString
        body.results = forty.items.map { .init(item: $0.code, result: $0.code == "1.1" ? "nonconform" : "conform", finding: $0.code == "1.1" ? "基准不符合" : nil) }
        body.conclusion = "基准"
        body.rectificationDeadline = today.adding(days: 15).description
        let json = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        let recordings = max(30, requests / 6)
        let recorded = try await load(app, method: .POST, url: base + "/api/v1/inspections", session: (token, ""), body: json, requests: recordings, bearer: true)
        await app.server.shutdown()
        let insert = try await timed {
            for _ in 0..<recordings { try await plainRecording(hall.id!, checklist: checklist, items: forty.items.map(\.code), inspectors: [inspectors.0.id, inspectors.1.id], on: app.db) }
        }
        lines.append(.init(name: "记录一次40项检查（接口：校验、编号、评分、审计）", value: recorded, unit: "次/秒",
                           baselineName: "直接插入同样的行（一个事务）", baseline: Double(recordings) / insert))
        return lines
    }

    static let columns = ["id", "number", "entity_id", "checklist_id", "source", "status", "inspected_on", "start_time", "end_time", "representative",
                          "representative_refused", "refusal_note", "conclusion", "entry_due", "late", "created_by", "created_at", "submitted_at", "grade",
                          "score_tenths", "score_applicable", "score_actual"]

    static func insertInspections(_ rows: [[BulkInsert.Value]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        try await db.writeTransaction { tx in try await BulkInsert.run(into: "inspections", columns: columns, rows: rows, on: tx) }
    }

    static func plainRecording(_ entity: UUID, checklist: UUID, items: [String], inspectors: [UUID], on db: any Database) async throws {
        try await db.writeTransaction { tx in
            let id = UUID()
            let now = Date().millis
            try await BulkInsert.run(into: "inspections", columns: columns, rows: [[.uuid(id), .text("P\(id.uuidString.prefix(12))"), .uuid(entity), .uuid(checklist),
                .text("routine"), .text("submitted"), .text("2026-12-03"), .text("09:00"), .text("10:00"), .text("负责人"), .bool(false), .text(""), .text("基准"),
                .text("2026-12-10"), .bool(false), .text("bench"), .int(Int(now)), .int(Int(now)), .text("B"), .int(975), .int(200), .int(195)]], on: tx)
            try await BulkInsert.run(into: "inspection_inspectors", columns: ["inspection_id", "position", "user_id", "name", "certificate_number", "certificate_expiry"],
                                     rows: inspectors.enumerated().map { [.uuid(id), .int($0.offset), .uuid($0.element), .text("监督员"), .text("闽卫执0001"), .text("")] }, on: tx)
            try await BulkInsert.run(into: "inspection_results", columns: ["inspection_id", "item_code", "result", "finding"],
                                     rows: items.map { [.uuid(id), .text($0), .text($0 == "1.1" ? "nonconform" : "conform"), .text($0 == "1.1" ? "基准不符合" : "")] }, on: tx)
        }
    }

    static func benchInspectors(_ app: Application, department: UUID) async throws -> (CurrentUser, CurrentUser) {
        var made: [CurrentUser] = []
        for index in 0..<2 {
            var input = UserQueries.NewUser(username: "bench-\(UUID().uuidString.prefix(6).lowercased())-\(index)", displayName: "基准监督员\(index + 1)", departmentID: department)
            input.roles = [.inspector]
            input.profile = .init(title: "监督员", certificateNumber: "闽卫执基准\(index)")
            let (user, _) = try await UserQueries.create(input, by: .system(app), app: app)
            user.mustChangePassword = false
            try await user.save(on: app.db)
            made.append(try await CurrentUser.load(user, sessionID: nil, csrfToken: nil, on: app.db))
        }
        return (made[0], made[1])
    }

    static func benchSession(_ app: Application, user: CurrentUser) async throws -> (token: String, csrf: String) {
        let token = Sessions.randomToken()
        let session = UserSession()
        session.tokenHash = Sessions.hash(token)
        session.$user.id = user.id
        session.stage = .active
        session.csrfToken = Sessions.randomToken(bytes: 24)
        session.secondFactorDone = true
        session.ip = "127.0.0.1"
        session.createdAt = app.clock.now()
        session.lastSeenAt = app.clock.now()
        try await session.create(on: app.db)
        return (token, session.csrfToken)
    }

    static func benchToken(_ app: Application, user: CurrentUser) async throws -> String {
        let token = "wjt_bench_" + Sessions.randomToken()
        let record = APIToken()
        record.name = "bench"
        record.tokenHash = Sessions.hash(token)
        record.prefix = String(token.prefix(10))
        record.$user.id = user.id
        record.createdAt = app.clock.now()
        try await record.create(on: app.db)
        return token
    }

    /// Sequential requests (a document is issued one at a time per inspection; the API records one by one).
    static func load(_ app: Application, method: HTTPMethod, url: String, session: (token: String, csrf: String), body: String?, requests: Int,
                     bearer: Bool = false) async throws -> Double {
        var headers = HTTPHeaders()
        if bearer {
            headers.bearerAuthorization = .init(token: session.token)
            headers.contentType = .json
        } else {
            headers.add(name: .cookie, value: "\(Sessions.cookieName)=\(session.token)")
            if body != nil { headers.contentType = .urlEncodedForm }
        }
        let fixed = headers
        let seconds = try await timed {
            for _ in 0..<requests {
                let response = try await app.client.send(method, headers: fixed, to: URI(string: url)) { request in
                    if let body { request.body = ByteBuffer(string: body) }
                }
                guard [.ok, .seeOther, .created].contains(response.status) else {
                    throw CommandError(message: "\(url) 返回 \(response.status.code)：\(response.body.map { String(buffer: $0).prefix(300) } ?? "")")
                }
            }
        }
        return Double(requests) / seconds
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
