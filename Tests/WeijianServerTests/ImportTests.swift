import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Import of units and licences")
struct ImportTests {
    static let header = "单位名称*,统一社会信用代码,法定代表人（负责人）,联系电话,经营地址*,行政区划代码*,专业类别*,从业人员数,床位数"

    static func run(_ app: Application, _ csv: String, dryRun: Bool = false, update: Bool = false, encoding: String.Encoding = .utf8) async throws -> ImportReport {
        try await EntityImport.run(data: csv.data(using: encoding)!, filename: "units.csv", options: .init(dryRun: dryRun, updateExisting: update),
                                   by: app.systemCaller)
    }

    @Test func aDryRunNamesEveryBadRowAndStoresNothing() async throws {
        try await withTestApp { app in
            // given
            let csv = """
            \(Self.header)
            阳光宾馆,91350100M000100Y43,张三,13800138000,鼓楼区五四路1号,350102,GG0101,10,50
            星光宾馆,91350100M000100Y4Z,李四,13800138001,鼓楼区五四路2号,350102,GG0101,10,50
            月光宾馆,914403001922038216,王五,12345,鼓楼区五四路3号,350102,GG0101,10,五十
            ,91440300708461136T,赵六,,鼓楼区五四路4号,999999,XX99,10,
            """
            // when
            let report = try await Self.run(app, csv, dryRun: true)
            // then
            #expect(!report.isValid)
            #expect(Set(report.issues.map(\.row)) == [3, 4, 5])
            #expect(report.issues.contains { $0.row == 3 && $0.column == "统一社会信用代码" })
            #expect(report.issues.contains { $0.row == 4 && $0.column == "联系电话" })
            #expect(report.issues.contains { $0.row == 4 && $0.column == "床位数" })
            #expect(report.issues.contains { $0.row == 5 && $0.column == "单位名称" })
            #expect(report.issues.contains { $0.row == 5 && $0.column == "行政区划代码" })
            #expect(report.issues.contains { $0.row == 5 && $0.column == "专业类别" })
            #expect(try await app.entityCount() == 0)
            let csvReport = String(decoding: report.csv, as: UTF8.self)
            #expect(csvReport.contains("行号,列,规则,规则代码,问题"))
            #expect(csvReport.contains("3,统一社会信用代码,统一社会信用代码校验,creditCode.checksum,"))
            #expect(csvReport.contains("5,单位名称,必填,required,"))
        }
    }

    @Test func aFieldTheKindDoesNotHaveIsNamedNotDropped() async throws {
        try await withTestApp { app in
            // given: a hairdresser with beds
            let csv = """
            \(Self.header)
            福州金剪美发店,,王五,,鼓楼区五四路3号,350102,GG0202,3,2
            """
            // when
            let report = try await Self.run(app, csv, dryRun: true)
            // then
            #expect(report.issues.map(\.column) == ["床位数"])
            #expect(report.issues.first?.message == "“理发店”没有此项，请留空")
        }
    }

    @Test func aValidFileCommitsOnceWithOneAuditEventAndIsSearchable() async throws {
        try await withTestApp { app in
            // given
            let csv = """
            \(Self.header)
            阳光宾馆,91350100M000100Y43,张三,13800138000,鼓楼区五四路1号,350102,GG0101,10,50
            星光泳池,914403001922038216,李四,,鼓楼区五四路2号,350102,GG0402,8,
            """
            // when
            let dry = try await Self.run(app, csv, dryRun: true)
            let report = try await Self.run(app, csv)
            // then
            #expect(dry.isValid && !dry.committed && dry.created == 2)
            #expect(report.committed && report.created == 2)
            #expect(try await app.entityCount() == 2)
            #expect(try await app.auditActions().filter { $0 == "import.units" }.count == 1)
            #expect(try await EntitySearch.list(.init(q: "泳池"), scope: .unrestricted, on: app.db).rows.map(\.name) == ["星光泳池"])
            let stored = try #require(try await SupervisedEntity.query(on: app.db).filter(\.$name == "阳光宾馆").first())
            #expect(stored.extensionValues["beds"] == "50")
            #expect(stored.source == "external")
            #expect(stored.contactPhoneCipher != nil && stored.contactPhoneCipher != "13800138000")
        }
    }

    @Test func aFileLargerThanABatchArrivesWholeWithOneNumberEach() async throws {
        try await withTestApp { app in
            // given: 11 rows written in batches of 3, each prepared while the one before is written
            let rows = (1...11).map { "第\($0)宾馆,,张三,,鼓楼区五四路\($0)号,\($0 % 2 == 0 ? "350102" : "350103"),GG0101,10,50" }
            let csv = ([Self.header] + rows).joined(separator: "\n")
            // when
            let report = try await EntityImport.run(data: Data(csv.utf8), filename: "units.csv", options: .init(dryRun: false, updateExisting: false, batchSize: 3),
                                                    by: app.systemCaller)
            // then
            #expect(report.committed && report.created == 11)
            let stored = try await SupervisedEntity.query(on: app.db).all()
            #expect(Set(stored.map(\.name)) == Set((1...11).map { "第\($0)宾馆" }))
            #expect(Set(stored.map(\.unitCode)).count == 11, "every unit has its own code")
            #expect(try await EntitySearch.list(.init(q: "宾馆"), scope: .unrestricted, on: app.db).total == 11)
            let ids = try #require(try await app.db.sql.select().column("ids").from("import_batches").first()?.decode(column: "ids", as: String.self))
            #expect(Set(ids.split(separator: ",").map(String.init)) == Set(stored.compactMap { $0.id?.uuidString }))
        }
    }

    @Test func twoRowsWithOneCreditCodeAreBothErrorsAndARegisteredCodeIsReportedOrUpdated() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity(.fixture(name: "阳光宾馆", creditCode: "91350100M000100Y43"))
            let twice = """
            \(Self.header)
            甲宾馆,914403001922038216,张三,,鼓楼区1号,350102,GG0101,10,
            乙宾馆,914403001922038216,李四,,鼓楼区2号,350102,GG0101,10,
            """
            let existing = """
            \(Self.header)
            阳光大酒店,91350100M000100Y43,王五,,鼓楼区五四路12号,350102,GG0101,40,
            """
            // when
            let duplicate = try await Self.run(app, twice)
            let refused = try await Self.run(app, existing)
            let updated = try await Self.run(app, existing, update: true)
            // then
            #expect(duplicate.issues.filter { $0.rule == "creditCode.duplicateInFile" }.map(\.row) == [2, 3])
            #expect(refused.issues.map(\.rule) == ["creditCode.taken"])
            #expect(updated.committed && updated.updated == 1 && updated.created == 0)
            let stored = try #require(try await SupervisedEntity.query(on: app.db).filter(\.$creditCode == "91350100M000100Y43").first())
            #expect(stored.name == "阳光大酒店")
            #expect(stored.legalRepIDCipher != nil, "personal data missing from the row is kept")
            let history = try await EntityQueries.history(stored.id!, on: app.db).rows
            #expect(history.first?.action == "导入更新")
            #expect(try await app.entityCount() == 1)
        }
    }

    /// The text in GBK, as Excel on a Chinese Windows saves a CSV (through the system's iconv).
    static func gbk(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GBK"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test func gbkAndXLSXFilesReadLikeUTF8() async throws {
        try await withTestApp { app in
            // given
            let rows = [Self.header.components(separatedBy: ","), ["阳光宾馆", "91350100M000100Y43", "张三", "", "鼓楼区五四路1号", "350102", "GG0101", "10", ""]]
            let gbk = try Self.gbk(rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n"))
            let xlsx = try XLSXWriter.write(header: rows[0], rows: [rows[1]], sheetName: "单位")
            // when
            let fromGBK = try await EntityImport.run(data: gbk, filename: "units.csv", options: .init(dryRun: true, updateExisting: false), by: app.systemCaller)
            let fromXLSX = try await EntityImport.run(data: xlsx, filename: "units.xlsx", options: .init(dryRun: true, updateExisting: false), by: app.systemCaller)
            // then
            #expect(fromGBK.isValid && fromGBK.created == 1 && fromGBK.format.contains("GB18030"))
            #expect(fromXLSX.isValid && fromXLSX.created == 1 && fromXLSX.format == "XLSX")
        }
    }

    @Test func licencesImportAgainstRegisteredUnits() async throws {
        try await withTestApp { app in
            // given
            try await app.makeEntity()
            let csv = """
            统一社会信用代码,许可证号*,许可项目,发证机关*,发证日期*,有效期至
            91350100M000100Y43,闽卫公证字〔2026〕第0001号,住宿,卫生健康委员会,2026-03-01,
            91440300708461136T,闽卫公证字〔2026〕第0002号,住宿,卫生健康委员会,2026-03-01,
            """
            // when
            let report = try await LicenseImport.run(data: Data(csv.utf8), filename: "licences.csv", options: .init(dryRun: false, updateExisting: false),
                                                     by: app.systemCaller)
            // then
            #expect(report.issues.map(\.row) == [3])
            #expect(report.issues.first?.rule == "entity.unknown")
            #expect(try await HealthLicense.query(on: app.db).count() == 0)
        }
    }

    @Test func theWebImportShowsTheReportAndOffersItForDownload() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("info1", roles: [.infoOfficer])
            let browser = try await app.signIn(officer)
            let boundary = "----weijian"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nunits\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ncommit\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            body.writeString("\(Self.header)\r\n星光宾馆,91350100M000100Y4Z,李四,,鼓楼区2号,350102,GG0101,10,\r\n")
            body.writeString("--\(boundary)--\r\n")
            var headers = browser.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            var reportLink = ""
            // when
            try await app.testing().test(.POST, "/app/import", headers: headers, body: body) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("未导入任何数据"))
                #expect(res.body.string.contains("统一社会信用代码"))
                if let range = res.body.string.range(of: "/app/import/reports/") {
                    reportLink = String(res.body.string[range.lowerBound...].prefix { $0 != "\"" })
                }
            }
            try await app.testing().test(.GET, reportLink, headers: browser.headers) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("creditCode"))
            }
            let other = try await app.signIn(try await app.makeUser("info2", roles: [.infoOfficer]))
            try await app.testing().test(.GET, reportLink, headers: other.headers) { res async in
                #expect(res.status == .notFound, "another officer cannot fetch someone else's report")
            }
            #expect(try await app.entityCount() == 0)
        }
    }
}
