import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

extension Application {
    /// An inspector with an enforcement certificate valid until `expiry`.
    @discardableResult
    func makeInspector(_ username: String, name: String, certificate: String, expiry: String = "2030-12-31", department: UUID? = nil) async throws -> User {
        let user = try await makeUser(username, name: name, roles: [.inspector], department: department)
        let profile = StaffProfile()
        profile.$user.id = try user.requireID()
        profile.certificateNumber = certificate
        profile.certificateExpiry = expiry
        try await profile.create(on: db)
        return user
    }

    /// A swimming pool (游泳场（馆）) in the given department.
    func makePool(name: String = "福州清波游泳馆有限公司", department: UUID? = nil) async throws -> SupervisedEntity {
        try await makeEntity(.fixture(name: name, creditCode: nil, address: "福州市鼓楼区湖东路88号", category: "GG0402", department: department))
    }
}

/// Every item of a checklist conforming except the ones named as failing.
func results(_ checklist: Checklist, failing: [String: String] = [:]) -> [InspectionQueries.ItemInput] {
    checklist.items.map { item in
        failing[item.code].map { InspectionQueries.ItemInput(item: item.code, result: "nonconform", finding: $0) }
            ?? InspectionQueries.ItemInput(item: item.code, result: "conform", finding: nil)
    }
}

/// Runs a poppler tool on a PDF; nil when poppler-utils is not installed.
func poppler(_ tool: String, _ pdf: [UInt8]) throws -> String? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") else { return nil }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("weijian-\(UUID().uuidString).pdf")
    try Data(pdf).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
    process.arguments = tool == "pdftotext" ? [file.path, "-"] : [file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self)
}

@Suite("监督检查：现场检查、评分、执法文书")
struct InspectionTests {
    struct Setup {
        let pool: SupervisedEntity
        let inspectors: [User]
        var caller: Caller
    }

    static func setup(_ app: Application) async throws -> Setup {
        app.clock.set(LocalDate("2026-12-03")!.noonInChina)
        let department = try await app.makeDepartment("GW", "公共卫生监督科")
        let first = try await app.makeInspector("jiandu1", name: "陈志强", certificate: "闽卫执0012", department: department.id)
        let second = try await app.makeInspector("jiandu2", name: "林海燕", certificate: "闽卫执0031", department: department.id)
        let pool = try await app.makePool(department: department.id)
        return Setup(pool: pool, inspectors: [first, second], caller: try await app.caller(for: first))
    }

    static func header(_ setup: Setup, date: String = "2026-12-03", source: String = "routine") -> InspectionQueries.Input {
        InspectionQueries.Input(source: source, inspectedOn: date, startTime: "09:00", endTime: "10:30",
                                inspectorIDs: setup.inspectors.map { $0.id!.uuidString }, representative: "王建国（经理）")
    }

    /// Records and submits an inspection of the pool; `failing` items are 不符合.
    static func record(_ app: Application, _ setup: Setup, failing: [String: String] = ["3.2": "深水区余氯0.1 mg/L"],
                       input: InspectionQueries.Input? = nil) async throws -> InspectionQueries.Record {
        let id = try await InspectionQueries.create(input ?? header(setup), entity: setup.pool, app: app, by: setup.caller)
        let record = try #require(try await InspectionQueries.record(id, on: app.db))
        let checklist = try #require(try await ChecklistQueries.find(record.checklistID, on: app.db)).checklist
        try await InspectionQueries.saveResults(results(checklist, failing: failing), inspection: record, checklist: checklist, by: setup.caller)
        var finish = input ?? header(setup)
        finish.conclusion = failing.isEmpty ? "未发现问题。" : "池水余氯不符合要求，责令限期改正。"
        finish.rectificationDeadline = "2026-12-10"
        finish.samples = [.init(item: "池水", quantity: "500 mL×2", recordNumber: "CY2026-0012")]
        try await InspectionQueries.submit(finish, inspection: record, checklist: checklist, by: setup.caller)
        return try #require(try await InspectionQueries.record(id, on: app.db))
    }

    @Test("A failed key item at a pool: submitted, numbered, no grade; the unit is marked 不予评级 with an open rectification")
    func failedKeyItemGivesNoGrade() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)

            // when
            let record = try await Self.record(app, setup)

            // then
            #expect(record.status == .submitted)
            #expect(record.number == "JC202600001")
            #expect(record.score?.grade == Grading.Grade.none)
            #expect(record.late == false)
            #expect(record.entryDue == "2026-12-10", "5 working days after Thursday 2026-12-03")
            let unit = try #require(try await SupervisedEntity.find(setup.pool.id, on: app.db))
            #expect(unit.grade == "不予评级")
            let summary = try await InspectionQueries.unitSummary(setup.pool.id!, today: LocalDate("2026-12-03")!, on: app.db)
            #expect(summary.open.map(\.itemCode) == ["3.2"])
            #expect(summary.gradeName == "不予评级")
            #expect(summary.nextDue == "2027-04-03", "ungraded units are visited like C units: every four months")
            #expect(try await app.auditActions().contains("inspection.submit"))
        }
    }

    @Test("The 意见书 is issued with its 文号 as a PDF poppler reads; a reprint is the same bytes; a voided one is refused")
    func opinionIsIssuedFrozenAndVoided() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let record = try await Self.record(app, setup)

            // when
            let issued = try await InspectionDocuments.issue(.supervisionOpinion, record: record, entity: setup.pool, app: app, by: setup.caller)
            let first = try await Documents.pdf(issued, app: app, caller: setup.caller)
            let again = try await Documents.pdf(try await Documents.find(issued.id, caller: setup.caller), app: app, caller: setup.caller)

            // then
            #expect(issued.number == "X卫公监意〔2026〕1号")
            #expect(first == again)
            #expect(first.starts(with: Array("%PDF-".utf8)))
            let text = try #require(try poppler("pdftotext", first), "poppler-utils is needed (apt-get install poppler-utils)").filter { !$0.isWhitespace }
            #expect(text.contains("福州清波游泳馆有限公司"))
            #expect(text.contains("X卫公监意〔2026〕1号"))
            #expect(text.contains("责令你单位于2026年12月10日前改正"))
            let fonts = try #require(try poppler("pdffonts", first)).split(separator: "\n").dropFirst(2)
            #expect(!fonts.isEmpty && fonts.allSatisfy { $0.contains("yes yes yes") }, "every font embedded as a subset with a ToUnicode map")
            let chained = try await app.db.sql.select().column("details").from("audit_events").where("action", .equal, "document.issue").first()?
                .decode(column: "details", as: String.self)
            #expect(chained?.contains(issued.sha256) == true, "the PDF's hash is in the audit chain")

            // when: voided
            try await Documents.void(issued, reason: "当事人地址有误", by: setup.caller)
            let voided = try await Documents.find(issued.id, caller: setup.caller)
            let refusal = await #expect(throws: Abort.self) { _ = try await Documents.pdf(voided, app: app, caller: setup.caller) }

            // then
            #expect(refusal?.status == .gone)
            #expect(refusal?.reason.contains("作废（原因：当事人地址有误）") == true)
            #expect(try await Numbering.isVoided(scheme: "document.supervisionOpinion", organ: "某某市卫生健康委员会", year: 2026, value: 1, on: app.db))
            let register = try await Documents.register(voided: true, page: 1, caller: setup.caller)
            #expect(register.rows.map(\.number) == ["X卫公监意〔2026〕1号"])
            let next = try await InspectionDocuments.issue(.supervisionOpinion, record: record, entity: setup.pool, app: app, by: setup.caller)
            #expect(next.number == "X卫公监意〔2026〕2号", "a voided number is never reused")
        }
    }

    @Test("50 concurrent issuings give 50 different 文号 with no gap")
    func concurrentIssuingIsGapFree() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let record = try await Self.record(app, setup)

            // when
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await InspectionDocuments.issue(.inspectionRecord, record: record, entity: setup.pool, app: app, by: setup.caller).number
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }

            // then
            let expected = Set((1...50).map { "X卫监检〔2026〕\($0)号" })
            #expect(Set(numbers) == expected)
            let stored = try await app.db.sql.select().column("sequence").from("enforcement_documents").all().map { try $0.decode(column: "sequence", as: Int.self) }
            #expect(stored.sorted() == Array(1...50))
        }
    }

    @Test("Bad input is refused naming the field and the rule, and nothing is stored", arguments: [
        ("one", "监督员", "至少需要2名执法人员"),
        ("expired", "监督员", "已于2026-11-30过期"),
        ("endBeforeStart", "结束时间", "应晚于开始时间10:30"),
        ("future", "检查日期", "不能晚于2026-12-03"),
        ("refusedWithoutNote", "拒绝签字说明", "须写明情况"),
    ])
    func badHeaders(kind: String, field: String, message: String) async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            var input = Self.header(setup)
            switch kind {
            case "one": input.inspectorIDs = [setup.inspectors[0].id!.uuidString]
            case "expired":
                let expired = try await app.makeInspector("jiandu3", name: "王过期", certificate: "闽卫执0099", expiry: "2026-11-30")
                input.inspectorIDs = [setup.inspectors[0].id!.uuidString, expired.id!.uuidString]
            case "endBeforeStart": (input.startTime, input.endTime) = ("10:30", "09:00")
            case "future": input.inspectedOn = "2026-12-04"
            default: (input.representativeRefused, input.refusalNote) = (true, "")
            }

            // when
            let error = await #expect(throws: ValidationErrors.self) {
                _ = try await InspectionQueries.create(input, entity: setup.pool, app: app, by: setup.caller)
            }

            // then
            #expect(error?.errors.contains { $0.field == field && $0.message.contains(message) } == true, "\(error?.description ?? "")")
            #expect(try await app.db.sql.select().column("id").from("inspections").all().isEmpty)
        }
    }

    @Test("A result for an item not in the checklist version, or a 不符合 without a finding, is refused and nothing saved")
    func badResults() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let id = try await InspectionQueries.create(Self.header(setup), entity: setup.pool, app: app, by: setup.caller)
            let record = try #require(try await InspectionQueries.record(id, on: app.db))
            let checklist = try #require(try await ChecklistQueries.find(record.checklistID, on: app.db)).checklist

            // when
            let error = await #expect(throws: ValidationErrors.self) {
                try await InspectionQueries.saveResults([.init(item: "1.1", result: "conform"), .init(item: "9.9", result: "conform"),
                                                         .init(item: "3.1", result: "nonconform", finding: " ")],
                                                        inspection: record, checklist: checklist, by: setup.caller)
            }
            let submitError = await #expect(throws: ValidationErrors.self) {
                try await InspectionQueries.submit(.init(conclusion: "结论"), inspection: record, checklist: checklist, by: setup.caller)
            }

            // then
            #expect(error?.errors.map(\.field) == ["检查项目9.9", "检查项目3.1"])
            #expect(error?.errors.first?.message == "不在本次检查使用的检查表版本中")
            #expect(try await InspectionQueries.results(id, on: app.db).isEmpty)
            #expect(submitError?.errors.first?.message.hasPrefix("还有\(checklist.items.count)个项目未填写") == true)
        }
    }

    @Test("A follow-up records each open item as corrected or not, and may not predate the original")
    func followUpClosesRectifications() async throws {
        try await withTestApp { app in
            // given
            var setup = try await Self.setup(app)
            let original = try await Self.record(app, setup, failing: ["3.2": "余氯不足", "4.2": "未设禁止入池标志"], input: Self.header(setup, date: "2026-12-01"))
            app.clock.set(LocalDate("2026-12-11")!.noonInChina)
            setup.caller = try await app.caller(for: setup.inspectors[0])
            var early = Self.header(setup, date: "2026-11-30", source: "followUp")
            early.followUpOf = original.id.uuidString

            // when
            let refused = await #expect(throws: ValidationError.self) {
                _ = try await InspectionQueries.create(early, entity: setup.pool, app: app, by: setup.caller)
            }
            var followUp = Self.header(setup, date: "2026-12-11", source: "followUp")
            followUp.followUpOf = original.id.uuidString
            followUp.corrected = ["3.2"]
            let second = try await Self.record(app, setup, failing: [:], input: followUp)

            // then
            #expect(refused?.field == "检查日期")
            #expect(second.followUpOf == original.id)
            let items = try await InspectionQueries.rectifications(inspectionID: original.id, on: app.db)
            #expect(items.map(\.status) == ["corrected", "notCorrected"])
            #expect(items.allSatisfy { $0.followUpID == second.id })
            #expect(try await InspectionQueries.unitSummary(setup.pool.id!, today: LocalDate("2026-12-11")!, on: app.db).grade == "A")
        }
    }

    @Test("Editing a checklist makes a new version; an inspection keeps the version it used")
    func checklistVersions() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let officer = try await app.makeUser("xinxi", roles: [.infoOfficer])
            let before = try await Self.record(app, setup)
            let current = try #require(try await ChecklistQueries.forCategory("GG0402", on: app.db))
            var edited = current.checklist
            edited.sections[0].items.append(.init(code: "1.9", text: "新增项目", score: 5, basis: "新规范"))

            // when
            let saved = try await ChecklistQueries.save(code: current.code, .init(name: current.name, categories: "GG0402", text: edited.text),
                                                        by: try await app.caller(for: officer))
            let after = try await InspectionPages.detail(before, entity: setup.pool, on: app.db)

            // then
            #expect(saved.version == 2)
            #expect(try await ChecklistQueries.forCategory("GG0402", on: app.db)?.id == saved.id)
            #expect(after.checklist.hasSuffix("（第1版）"))
            #expect(!after.sections[0].items.contains { $0.code == "1.9" })
        }
    }

    @Test("Another department's inspector cannot open the inspection or its document: 403, audited")
    func outOfScope() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await Self.setup(app)
            let record = try await Self.record(app, setup)
            let document = try await InspectionDocuments.issue(.supervisionOpinion, record: record, entity: setup.pool, app: app, by: setup.caller)
            let other = try await app.makeDepartment("ZY", "职业卫生监督科")
            let stranger = try await app.makeInspector("jiandu9", name: "外科室", certificate: "闽卫执0900", department: other.id)
            let browser = try await app.signIn(stranger)

            // when / then
            try await app.testing().test(.GET, "/app/inspections/\(record.id)", headers: browser.headers) { res async in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/app/documents/\(document.id)/pdf", headers: browser.headers) { res async in
                #expect(res.status == .forbidden)
            }
            let denials = try await app.db.sql.select().column("target_type").from("audit_events").where("action", .equal, "access.outOfScope").all()
                .map { try $0.decode(column: "target_type", as: String.self) }
            #expect(denials.contains("inspection") && denials.contains("document"))
        }
    }

    @Test("On the tablet forms: header, each section saved as a draft, submission, the 意见书 issued and printed")
    func recordThroughTheForms() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await Self.setup(app)
            let browser = try await app.signIn(setup.inspectors[0])
            let pool = setup.pool.id!.uuidString
            let checklist = try #require(try await ChecklistQueries.forCategory("GG0402", on: app.db)).checklist
            var location = ""

            // when: the header
            var fields = ["_csrf": browser.csrf, "_once": "ins-1", "source": "routine", "inspectedOn": "2026-12-03", "startTime": "09:00", "endTime": "10:30",
                          "representative": "王建国"]
            var body = form(fields)
            body.writeString("&inspectorIDs%5B%5D=\(setup.inspectors[0].id!.uuidString)&inspectorIDs%5B%5D=\(setup.inspectors[1].id!.uuidString)")
            try await app.testing().test(.POST, "/app/entities/\(pool)/inspections", headers: .formHeaders(cookie: browser.cookie), body: body) { res async in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasSuffix("/sections/1"))
            let inspection = String(location.split(separator: "/")[2])

            // when: every section, the key item 3.2 failing
            for (index, section) in checklist.sections.enumerated() {
                try await app.testing().test(.GET, "/app/inspections/\(inspection)/sections/\(index + 1)", headers: browser.headers) { res async in
                    #expect(res.status == .ok)
                    #expect(res.body.string.contains("name=\"result-\(section.items[0].code)\""))
                }
                fields = ["_csrf": browser.csrf, "go": "next"]
                for item in section.items {
                    fields["result-\(item.code)"] = item.code == "3.2" ? "nonconform" : "conform"
                    if item.code == "3.2" { fields["finding-\(item.code)"] = "深水区余氯0.1 mg/L" }
                }
                try await app.testing().test(.POST, "/app/inspections/\(inspection)/sections/\(index + 1)", headers: .formHeaders(cookie: browser.cookie),
                                             body: form(fields)) { res async in
                    #expect(res.status == .seeOther)
                }
            }
            try await app.testing().test(.GET, "/app/inspections/\(inspection)/finish", headers: browser.headers) { res async in
                #expect(res.body.string.contains("关键项3.2不符合"))
            }
            fields = ["_csrf": browser.csrf, "_once": "ins-2", "representative": "王建国", "conclusion": "池水余氯不符合要求。", "rectificationDeadline": "2026-12-10",
                      "sample-item-0": "池水", "sample-quantity-0": "500 mL", "sample-record-0": "CY-1"]
            try await app.testing().test(.POST, "/app/inspections/\(inspection)/submit", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                #expect(res.status == .seeOther)
            }
            fields = ["_csrf": browser.csrf, "_once": "ins-3", "kind": "supervisionOpinion"]
            try await app.testing().test(.POST, "/app/inspections/\(inspection)/documents", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                #expect(res.status == .seeOther)
            }

            // then
            var pdfLink = ""
            try await app.testing().test(.GET, "/app/inspections/\(inspection)", headers: browser.headers) { res async in
                let html = res.body.string
                #expect(html.contains("X卫公监意〔2026〕1号"))
                #expect(html.contains("CY-1"))
                #expect(html.contains("不予评级"))
                if let range = html.range(of: #"/app/documents/[0-9A-F-]+/pdf"#, options: .regularExpression) { pdfLink = String(html[range]) }
            }
            try await app.testing().test(.GET, pdfLink, headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.description == "application/pdf")
            }
            try await app.testing().test(.GET, "/app/entities/\(pool)", headers: browser.headers) { res async in
                let html = res.body.string
                #expect(html.contains("id=\"open-rectifications\""))
                #expect(html.contains("JC202600001"))
            }
        }
    }

    @Test("The administrator's number pattern shapes the 文号; a pattern without {序号} or {年份} is refused naming the kind")
    func documentSettings() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let record = try await Self.record(app, setup)
            let admin = try await app.makeUser("sys", roles: [.sysadmin])

            // when
            let bad = #expect(throws: ValidationErrors.self) {
                _ = try DocumentSettings.validated(organ: "榕城区卫生健康局", abbreviation: "榕", patterns: ["supervisionOpinion": "{地区}卫监意{序号}号"])
            }
            let good = try DocumentSettings.validated(organ: "榕城区卫生健康局", abbreviation: "榕",
                                                      patterns: ["supervisionOpinion": "{地区}卫{类别}监意〔{年份}〕{序号:3}号"])
            try await good.save(by: try await app.caller(for: admin))
            let issued = try await InspectionDocuments.issue(.supervisionOpinion, record: record, entity: setup.pool, app: app, by: setup.caller)

            // then
            #expect(bad?.errors.map(\.field) == ["卫生监督意见书文号格式"])
            #expect(issued.number == "榕卫公监意〔2026〕001号")
            #expect(try await app.auditActions().contains("settings.documents"))
        }
    }

    @Test("The API records and submits in one request; a bad item leaves no draft behind")
    func recordThroughTheAPI() async throws {
        try await withTestApp { app in
            // given
            let setup = try await Self.setup(app)
            let (_, token) = try await AccountController.issue(.init(name: "tablet", validDays: 1), userID: setup.inspectors[0].requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .json
            let checklist = try #require(try await ChecklistQueries.forCategory("GG0402", on: app.db)).checklist
            var input = Self.header(setup)
            input.entityID = setup.pool.id!.uuidString
            input.results = results(checklist) + [.init(item: "9.9", result: "conform")]
            input.conclusion = "符合要求"

            // when
            try await app.testing().test(.POST, "/api/v1/inspections", headers: headers, body: ByteBuffer(data: try JSONEncoder().encode(input))) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("检查项目9.9"))
            }
            #expect(try await app.db.sql.select().column("id").from("inspections").all().isEmpty)

            // when
            input.results = results(checklist)
            try await app.testing().test(.POST, "/api/v1/inspections", headers: headers, body: ByteBuffer(data: try JSONEncoder().encode(input))) { res async in
                // then
                #expect(res.status == .created)
                let detail = try? JSONDecoder().decode(InspectionPages.Detail.self, from: Data(res.body.string.utf8))
                #expect(detail?.gradeName == "A级")
                #expect(detail?.number == "JC202600001")
            }
        }
    }
}

@Suite("监督检查：复查任务")
struct FollowUpTaskTests {
    @Test("On the deadline the inspectors get a follow-up task (once), and the department head's list shows it; the follow-up clears it")
    func taskOnTheDeadline() async throws {
        try await withTestApp { app in
            // given
            let setup = try await InspectionTests.setup(app)
            let original = try await InspectionTests.record(app, setup)
            app.clock.set(LocalDate("2026-12-09")!.noonInChina)
            try await FollowUps.remind(app)
            let before = try await Inbox.items(for: setup.inspectors[0].id!, on: app.db)

            // when: the deadline, 2026-12-10
            app.clock.set(LocalDate("2026-12-10")!.noonInChina)
            try await FollowUps.remind(app)
            try await FollowUps.remind(app)
            let head = try await app.makeUser("ggkz", roles: [.departmentHead], department: setup.pool.departmentID)
            let due = try await FollowUps.due(today: LocalDate("2026-12-10")!, page: 1, caller: try await app.caller(for: head))

            // then
            #expect(before.isEmpty)
            for inspector in setup.inspectors {
                let tasks = try await Inbox.items(for: inspector.id!, on: app.db).filter { $0.title.hasPrefix("复查：") }
                #expect(tasks.count == 1)
                #expect(tasks.first?.link == "/app/entities/\(setup.pool.id!)/inspections/new?followUp=\(original.id)")
            }
            #expect(due.total == 1 && due.rows.first?.items == 1)

            // when: the follow-up
            var caller = setup
            caller.caller = try await app.caller(for: setup.inspectors[0])
            var input = InspectionTests.header(setup, date: "2026-12-10", source: "followUp")
            (input.followUpOf, input.corrected) = (original.id.uuidString, ["3.2"])
            _ = try await InspectionTests.record(app, caller, failing: [:], input: input)

            // then
            #expect(try await FollowUps.due(today: LocalDate("2026-12-10")!, page: 1, caller: try await app.caller(for: head)).total == 0)
        }
    }
}

@Suite("监督检查：执法全过程记录")
struct EvidenceTests {
    /// A JPEG start with EXIF DateTimeOriginal (big-endian TIFF), enough for type detection and the capture time.
    static let photo: [UInt8] = {
        var tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8]
        tiff += [0, 1, 0x87, 0x69, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]
        tiff += [0, 1, 0x90, 0x03, 0, 2, 0, 0, 0, 20, 0, 0, 0, 44, 0, 0, 0, 0]
        tiff += Array("2026:12:03 09:41:07".utf8) + [0]
        let app1 = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8((app1.count + 2) >> 8), UInt8((app1.count + 2) & 0xFF)] + app1 + [0xFF, 0xDA, 0, 2, 0xFF, 0xD9]
    }()

    @Test("A photo for item 3.2 is stored with its capture time; its hash is in the audit chain, which still verifies")
    func photoEvidence() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await InspectionTests.setup(app)
            let record = try await InspectionTests.record(app, setup)
            let browser = try await app.signIn(setup.inspectors[0])

            // when
            let body = multipartForm([("_csrf", browser.csrf), ("itemCode", "3.2")], files: [(name: "files[]", fileName: "余氯检测.jpg", bytes: Self.photo)])
            try await app.testing().test(.POST, "/app/inspections/\(record.id)/evidence", headers: .multipartHeaders(cookie: browser.cookie), body: body) { res async in
                #expect(res.status == .seeOther)
            }
            let bad = multipartForm([("_csrf", browser.csrf), ("itemCode", "9.9")], files: [(name: "files[]", fileName: "x.jpg", bytes: Self.photo)])
            try await app.testing().test(.POST, "/app/inspections/\(record.id)/evidence", headers: .multipartHeaders(cookie: browser.cookie), body: bad) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("所属检查项目：“9.9”不在本次检查使用的检查表版本中"))
            }

            // then
            let rows = try await InspectionEvidence.rows(record.id, on: app.db)
            #expect(rows.count == 1)
            #expect(rows.first?.capturedAt == "2026-12-03 09:41:07")
            #expect(rows.first?.itemCode == "3.2")
            let details = try await app.db.sql.select().column("details").from("audit_events").where("action", .equal, "evidence.attach").all()
                .map { try $0.decode(column: "details", as: String.self) }
            #expect(details.count == 1 && details[0].contains(rows[0].sha256))
            #expect(try await AuditLog.verify(on: app.db, keys: app.keyStore).isIntact)
            try await app.testing().test(.GET, "/app/inspections/\(record.id)/evidence/\(rows[0].id)", headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(Array(res.body.readableBytesView) == Self.photo)
            }
        }
    }
}

@Suite("监督检查：录音录像（流式上传）")
struct MediaEvidenceTests {
    /// A fake MP4 of `size` bytes: an ftyp box, then pseudo-random bytes (with CR, LF and dashes).
    static func video(_ size: Int, seed: UInt64 = 7) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        let head: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
        return head + (0..<(size - head.count)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    @Test("A 3.5 MB video is sealed to disk in chunks, listed, audited and downloaded unchanged; sent twice it is kept once; damage is found")
    func videoRoundTrip() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await InspectionTests.setup(app)
            let record = try await InspectionTests.record(app, setup)
            let browser = try await app.signIn(setup.inspectors[0])
            let video = Self.video(3_500_000)
            let body = multipartForm([("_csrf", browser.csrf), ("itemCode", "3.2")], files: [(name: "media[]", fileName: "执法记录仪20261203.mp4", bytes: video)])

            // when
            try await app.testing().test(.POST, "/app/inspections/\(record.id)/media", headers: .multipartHeaders(cookie: browser.cookie), body: body) { res async in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.POST, "/app/inspections/\(record.id)/media", headers: .multipartHeaders(cookie: browser.cookie), body: body) { res async in
                #expect(res.status == .seeOther, "the same form again is answered, not refused")
            }

            // then: one row, the hash audited, the store holds a sealed stream without the plaintext
            let rows = try await InspectionEvidence.rows(record.id, on: app.db)
            #expect(rows.count == 1)
            #expect(rows.first?.contentType == "video/mp4")
            #expect(rows.first?.sha256 == Hex.encode(SHA256.hash(data: video)))
            let audited = try await app.db.sql.select().column("details").from("audit_events").where("action", .equal, "evidence.attach").all()
            #expect(audited.count == 1)
            let path = Attachments.path(of: rows[0].sha256, in: app.weijianSettings.attachmentsDirectory)
            let stored = try #require(FileManager.default.contents(atPath: path))
            #expect(stored.starts(with: Array("wjs1:A256GCM:".utf8)))
            #expect(stored.count == video.count + 28 * 4 + stored.prefix(100).firstIndex(of: 0x0A)! + 1, "4 records of at most 1 MiB")
            #expect(Data(stored).range(of: Data(video[100_000..<100_064])) == nil)
            #expect(try await AuditLog.verify(on: app.db, keys: app.keyStore).isIntact)
            try await app.testing().test(.GET, "/app/inspections/\(record.id)/evidence/\(rows[0].id)", headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .contentLength) == String(video.count))
                #expect(Array(res.body.readableBytesView) == video)
            }
            var report = try await Attachments.verifyAll(directory: app.weijianSettings.attachmentsDirectory, crypto: app.keyStore.fieldCrypto, on: app.db)
            #expect(report.problems.isEmpty)

            // when: one byte of the third record is changed on disk
            var damaged = Array(stored)
            damaged[stored.count / 2] ^= 0x01
            try Data(damaged).write(to: URL(fileURLWithPath: path))

            // then
            report = try await Attachments.verifyAll(directory: app.weijianSettings.attachmentsDirectory, crypto: app.keyStore.fieldCrypto, on: app.db)
            #expect(report.problems.count == 1 && report.problems[0].contains("执法记录仪20261203.mp4"))
        }
    }

    @Test("A PDF named .mp4, a file before the form's token, an unknown item: refused with the rule, nothing kept")
    func refusals() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await InspectionTests.setup(app)
            let record = try await InspectionTests.record(app, setup)
            let browser = try await app.signIn(setup.inspectors[0])
            let url = "/app/inspections/\(record.id)/media"

            // when / then: the content is not MP4
            let renamed = multipartForm([("_csrf", browser.csrf)], files: [(name: "media[]", fileName: "录像.mp4", bytes: Array("%PDF-1.7 not a video".utf8))])
            try await app.testing().test(.POST, url, headers: .multipartHeaders(cookie: browser.cookie), body: renamed) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("录音录像1：“录像.mp4”的内容不是MP4文件"))
            }
            // when / then: no token before the file
            let tokenless = multipartForm([], files: [(name: "media[]", fileName: "录像.mp4", bytes: Self.video(2000))])
            try await app.testing().test(.POST, url, headers: .multipartHeaders(cookie: browser.cookie), body: tokenless) { res async in
                #expect(res.status == .forbidden)
            }
            // when / then: an item the checklist does not have
            let unknown = multipartForm([("_csrf", browser.csrf), ("itemCode", "9.9")], files: [(name: "media[]", fileName: "录像.mp4", bytes: Self.video(2000))])
            try await app.testing().test(.POST, url, headers: .multipartHeaders(cookie: browser.cookie), body: unknown) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("所属检查项目：“9.9”不在本次检查使用的检查表版本中"))
            }
            // when / then: another department's inspector may not add to it
            let other = try await app.makeDepartment("ZY", "职业卫生监督科")
            let outsider = try await app.makeInspector("zy1", name: "周立", certificate: "闽卫执0099", department: other.id)
            let stranger = try await app.signIn(outsider)
            let body = multipartForm([("_csrf", stranger.csrf)], files: [(name: "media[]", fileName: "录像.mp4", bytes: Self.video(2000))])
            try await app.testing().test(.POST, url, headers: .multipartHeaders(cookie: stranger.cookie), body: body) { res async in
                #expect(res.status == .forbidden)
            }

            // then
            #expect(try await InspectionEvidence.rows(record.id, on: app.db).isEmpty)
            let left = FileManager.default.enumerator(atPath: app.weijianSettings.attachmentsDirectory)?.allObjects.compactMap { $0 as? String } ?? []
            #expect(!left.contains { $0.contains(".tmp-") }, "no temporary file is left behind: \(left)")
        }
    }
}

@Suite("双随机：计划、抽取、核验")
struct RandomCheckTests {
    @Test("A draw is repeated from its record with the same result; a recused inspector is never drawn; the drawn get tasks; a changed record shows")
    func drawAndVerify() async throws {
        try await withTestApp { app in
            // given: 6 pools, 4 inspectors in two departments, one recusal
            let setup = try await InspectionTests.setup(app)
            let other = try await app.makeDepartment("YS", "生活饮用水卫生监督科")
            let third = try await app.makeInspector("jiandu3", name: "周杰", certificate: "闽卫执0040", department: other.id)
            _ = try await app.makeInspector("jiandu4", name: "陈晨", certificate: "闽卫执0041", department: other.id)
            var pools = [setup.pool]
            for index in 1..<6 { pools.append(try await app.makePool(name: "福州第\(index)游泳馆有限公司", department: setup.pool.departmentID)) }
            let head = try await app.makeUser("ggkz", roles: [.departmentHead], department: setup.pool.departmentID)
            let caller = try await app.caller(for: head)
            try await RandomCheckQueries.recuse(userID: third.id!, entity: pools[0], reason: "亲属在该单位任职", by: try await app.caller(for: third))
            let planID = try await RandomCheckQueries.create(.init(year: 2026, name: "2026年游泳场所抽查", shares: "GG0402=100", windowStart: "2026-12-03",
                                                                   windowEnd: "2026-12-31"), by: caller)
            let plan = try await RandomCheckQueries.plan(planID, on: app.db)

            // when
            var draws: [RandomCheckQueries.DrawRecord] = []
            for seed in UInt64(1)...20 { draws.append(try await RandomCheckQueries.draw(plan, seed: seed, app: app, by: caller)) }

            // then
            for draw in draws {
                #expect(draw.targets.count == 6)
                let pool = try #require(draw.targets.first { $0.entityID == pools[0].id!.uuidString })
                #expect(!pool.inspectors.contains("周杰"), "seed \(draw.seed): the recused inspector was drawn")
                #expect(try await RandomCheckQueries.verify(draw.id, on: app.db).same)
            }
            let tasks = try await Inbox.items(for: setup.inspectors[0].id!, on: app.db).filter { $0.title.hasPrefix("双随机抽查：") }
            #expect(!tasks.isEmpty)

            // when: someone edits the stored result
            try await app.db.sql.raw("UPDATE random_draws SET targets_json = '[]' WHERE id = \(bind: draws[0].id)").run()
            let changed = try await RandomCheckQueries.verify(draws[0].id, on: app.db)

            // then
            #expect(!changed.same)
            #expect(changed.differences.count == 6)
        }
    }

    @Test("A share over 100 %, an unknown category and a unit with fewer than 2 eligible inspectors are refused, naming the field")
    func refusals() async throws {
        try await withTestApp { app in
            // given
            let setup = try await InspectionTests.setup(app)
            let head = try await app.makeUser("ggkz", roles: [.departmentHead], department: setup.pool.departmentID)
            let caller = try await app.caller(for: head)

            // when
            let bad = await #expect(throws: ValidationErrors.self) {
                _ = try await RandomCheckQueries.create(.init(name: "计划", shares: "GG0402=120, ZZ99=5", windowStart: "2026-12-03", windowEnd: "2026-12-31"), by: caller)
            }
            try await RandomCheckQueries.recuse(userID: setup.inspectors[0].id!, entity: setup.pool, reason: "曾在该单位任职", by: setup.caller)
            let planID = try await RandomCheckQueries.create(.init(name: "计划", shares: "GG0402=100", windowStart: "2026-12-03", windowEnd: "2026-12-31"), by: caller)
            let few = await #expect(throws: ValidationErrors.self) {
                _ = try await RandomCheckQueries.draw(try await RandomCheckQueries.plan(planID, on: app.db), app: app, by: caller)
            }

            // then
            #expect(bad?.errors.map(\.field) == ["抽取比例（GG0402）", "抽取比例（ZZ99）"])
            #expect(few?.errors.first?.message.contains("少于每户2名") == true)
            #expect(try await app.db.sql.select().column("id").from("random_draws").all().isEmpty)
        }
    }
}

@Suite("风险排序")
struct RiskRankingTests {
    @Test("A pool with a failed key item ranks above a clean one; the unit page shows each factor's share; weights are a setting")
    func ranking() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            var setup = try await InspectionTests.setup(app)
            _ = try await InspectionTests.record(app, setup)
            let clean = try await app.makePool(name: "福州碧水游泳馆有限公司", department: setup.pool.departmentID)
            let risky = setup.pool
            setup = InspectionTests.Setup(pool: clean, inspectors: setup.inspectors, caller: setup.caller)
            _ = try await InspectionTests.record(app, setup, failing: [:])

            // when
            let ranked = try await UnitRisk.ranked(category: "GG0402", page: 1, today: LocalDate("2026-12-03")!, caller: setup.caller)

            // then
            #expect(ranked.rows.map(\.entityID) == [risky.id!, clean.id!])
            #expect(ranked.rows[0].factors.first?.detail == "近两年不符合项1项，关键项不符合1次")
            let browser = try await app.signIn(setup.inspectors[0])
            try await app.testing().test(.GET, "/app/entities/\(risky.id!)", headers: browser.headers) { res async in
                #expect(res.body.string.contains("id=\"risk\""))
                #expect(res.body.string.contains("违法违规记录"))
            }

            // when: the violations weigh nothing
            var settings = try await InspectionSettings.load(on: app.db)
            settings.riskWeights.violations = 0
            settings.riskWeights.grade = 0
            try await settings.save(by: app.systemCaller)
            let reweighed = try await UnitRisk.ranked(category: "GG0402", page: 1, today: LocalDate("2026-12-03")!, caller: setup.caller)

            // then: the two differ only in what no longer counts
            #expect(reweighed.rows[0].score == reweighed.rows[1].score)
        }
    }
}

@Suite("量化分级：下次应检与逾期未检")
struct InspectionScheduleTests {
    @Test("An ungraded pool inspected 2026-08-03 is due 2026-12-03 and overdue the day after; an A unit is not")
    func overdueList() async throws {
        try await withTestApp { app in
            // given
            var setup = try await InspectionTests.setup(app)
            _ = try await InspectionTests.record(app, setup, input: InspectionTests.header(setup, date: "2026-08-03"))
            let good = try await app.makePool(name: "福州碧水游泳馆有限公司", department: setup.pool.departmentID)
            setup = InspectionTests.Setup(pool: good, inspectors: setup.inspectors, caller: setup.caller)
            _ = try await InspectionTests.record(app, setup, failing: [:], input: InspectionTests.header(setup, date: "2026-08-03"))

            // when
            let onTheDay = try await InspectionSchedule.overdue(today: LocalDate("2026-12-03")!, page: 1, caller: setup.caller)
            let dayAfter = try await InspectionSchedule.overdue(today: LocalDate("2026-12-04")!, page: 1, caller: setup.caller)

            // then
            #expect(onTheDay.total == 0)
            #expect(dayAfter.rows.map(\.entityName) == ["福州清波游泳馆有限公司"])
            #expect(dayAfter.rows.first?.nextDue == "2026-12-03")
            #expect(try await InspectionSchedule.all(today: LocalDate("2026-12-04")!, on: app.db).first { $0.entityID == good.id }?.nextDue == "2027-08-03")
        }
    }
}

extension InspectionScheduleTests {
    @Test("A pool licensed 2026-06-01 waits for its grade: two inspections under 3 months apart leave it 待评级, the third (3 months after the first) grades it")
    func newLicensee() async throws {
        try await withTestApp { app in
            // given
            let setup = try await InspectionTests.setup(app)
            _ = try await LicenseQueries.issue(.init(number: "闽卫公证字〔2026〕第0101号", scope: "游泳场（馆）", issuingOrgan: "卫生健康委员会", issueDate: "2026-06-01"),
                                               entity: setup.pool, by: app.systemCaller)

            // when: the first inspection, all conforming
            let first = try await InspectionTests.record(app, setup, failing: [:], input: InspectionTests.header(setup, date: "2026-07-01"))

            // then: scored A but the unit is not graded; the next visit is due 3 months on
            #expect(first.score?.grade == .a)
            #expect(first.gradeNote?.contains("已有1次") == true)
            var summary = try await InspectionQueries.unitSummary(setup.pool.id!, today: LocalDate("2026-12-03")!, on: app.db)
            #expect(summary.grade == "")
            #expect(summary.gradeName == "未评级")
            #expect(summary.awaitingGrade.contains("新发证单位"))
            #expect(summary.nextDue == "2026-10-01")
            #expect(try await SupervisedEntity.find(setup.pool.id, on: app.db)?.grade == nil)

            // when: a second one two months later
            let second = try await InspectionTests.record(app, setup, failing: [:], input: InspectionTests.header(setup, date: "2026-09-01"))

            // then: still waiting, naming the gap
            #expect(second.gradeNote?.contains("不足3个月") == true)
            #expect(try await SupervisedEntity.find(setup.pool.id, on: app.db)?.grade == nil)

            // when: a third, more than 3 months after the first
            let third = try await InspectionTests.record(app, setup, failing: [:], input: InspectionTests.header(setup, date: "2026-10-08"))

            // then: graded A, due a year later
            #expect(third.gradeNote == nil)
            summary = try await InspectionQueries.unitSummary(setup.pool.id!, today: LocalDate("2026-12-03")!, on: app.db)
            #expect(summary.grade == "A")
            #expect(summary.awaitingGrade == "")
            #expect(summary.nextDue == "2027-10-08")
        }
    }

    @Test("An older inspection entered late moves neither the grade nor the schedule back; rebuilding from all inspections gives what submissions kept")
    func lateEntryAndRebuild() async throws {
        try await withTestApp { app in
            // given: an A inspection in November
            let setup = try await InspectionTests.setup(app)
            _ = try await InspectionTests.record(app, setup, failing: [:], input: InspectionTests.header(setup, date: "2026-11-20"))

            // when: a failing inspection of September is entered afterwards
            _ = try await InspectionTests.record(app, setup, input: InspectionTests.header(setup, date: "2026-09-10"))

            // then
            let unit = try #require(try await SupervisedEntity.find(setup.pool.id, on: app.db))
            #expect(unit.grade == "A")
            let kept = try await InspectionSchedule.all(today: LocalDate("2026-12-03")!, on: app.db)
            #expect(kept.map(\.nextDue) == ["2027-11-20"])
            #expect(kept.map(\.lastInspected) == ["2026-11-20"])

            // when: the columns are wiped and rebuilt
            try await app.db.sql.raw("UPDATE entities SET next_due = NULL, last_inspected_on = NULL").run()
            #expect(try await InspectionSchedule.all(today: LocalDate("2026-12-03")!, on: app.db).isEmpty)
            let rebuilt = try await InspectionSchedule.rebuild(on: app.db)

            // then
            #expect(rebuilt == 1)
            #expect(try await InspectionSchedule.all(today: LocalDate("2026-12-03")!, on: app.db).map(\.nextDue) == ["2027-11-20"])
        }
    }
}

@Suite("监督检查：导出")
struct InspectionExportTests {
    @Test("The list exports as CSV with every row in scope, and the export is audited")
    func exportList() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let setup = try await InspectionTests.setup(app)
            _ = try await InspectionTests.record(app, setup)
            let head = try await app.makeUser("ggkz", roles: [.departmentHead], department: setup.pool.departmentID)
            let browser = try await app.signIn(head)

            // when / then
            try await app.testing().test(.GET, "/app/inspections/export?format=csv", headers: browser.headers) { res async in
                #expect(res.status == .ok)
                let text = res.body.string
                #expect(text.contains("JC202600001"))
                #expect(text.contains("福州清波游泳馆有限公司"))
                #expect(text.contains("不予评级"))
            }
            #expect(try await app.auditActions().contains("data.export"))
        }
    }
}
