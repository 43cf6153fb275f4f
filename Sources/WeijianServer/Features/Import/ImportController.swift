import Foundation
import Vapor
import WeijianCore

/// The web import (数据采集): template download, a trial run that stores nothing, the real import,
/// and the validation report as a downloadable file.
enum ImportController {
    static func register(web: RoutesBuilder) {
        web.endpoint(.GET, "app", "import", access: .permission(.dataImport), use: page)
        web.endpoint(.POST, "app", "import", access: .permission(.dataImport), use: upload)
        web.endpoint(.GET, "app", "import", "templates", ":kind", access: .permission(.dataImport), use: template)
        web.endpoint(.GET, "app", "import", "reports", ":reportID", access: .permission(.dataImport), use: report)
    }

    struct Page: Encodable, Sendable {
        var report: ImportReport?
        var shownIssues: [ImportReport.Issue] = []
        var reportID = ""
        var kind = "units"
        var errors: [String] = []
    }

    @Sendable static func page(req: Request) async throws -> View {
        try await req.renderPage("import/import", title: "批量导入", content: Page())
    }

    struct Upload: Content {
        var kind: String?
        var mode: String?
        var updateExisting: String?
        var file: File?
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        let upload = try req.content.decode(Upload.self)
        guard let kind = ImportReport.Kind(rawValue: upload.kind ?? ""), let file = upload.file, file.data.readableBytes > 0 else {
            return try await req.renderPage("import/import", title: "批量导入", content: Page(errors: ["文件：请选择要导入的CSV或Excel（.xlsx）文件"]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let data = Data(buffer: file.data)
        let options = EntityImport.Options(dryRun: upload.mode != "commit", updateExisting: upload.updateExisting == "on")
        let caller = try req.caller
        let report = kind == .units
            ? try await EntityImport.run(data: data, filename: file.filename, options: options, by: caller)
            : try await LicenseImport.run(data: data, filename: file.filename, options: options, by: caller)
        let reportID = try saveReport(report, req: req)
        let page = Page(report: report, shownIssues: Array(report.issues.prefix(1000)), reportID: reportID, kind: kind.rawValue)
        return try await req.renderPage("import/import", title: "批量导入", content: page)
            .encodeResponse(status: report.isValid ? .ok : .unprocessableEntity, for: req)
    }

    /// Keeps the report as a file in the data folder for download by the person who ran it.
    static func saveReport(_ report: ImportReport, req: Request) throws -> String {
        let folder = (req.settings.dataDirectory as NSString).appendingPathComponent("import-reports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let id = "\(try req.currentUser.id.uuidString.prefix(8).lowercased())-\(UUID().uuidString.lowercased())"
        try report.csv.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(id + ".csv")))
        return id
    }

    @Sendable static func report(req: Request) async throws -> Response {
        let id = req.parameters.get("reportID") ?? ""
        // Report names start with the owner's id: one user cannot fetch another's report.
        guard id.hasPrefix(try req.currentUser.id.uuidString.prefix(8).lowercased() + "-"), id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw Abort(.notFound, reason: "报告不存在")
        }
        let path = (req.settings.dataDirectory as NSString).appendingPathComponent("import-reports/\(id).csv")
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound, reason: "报告不存在") }
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "text/csv; charset=utf-8")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"import-report.csv\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    @Sendable static func template(req: Request) async throws -> Response {
        let kind = ImportReport.Kind(rawValue: req.parameters.get("kind") ?? "")
        guard let kind else { throw Abort(.notFound, reason: "模板不存在") }
        let rows = kind == .units ? EntityImport.template : LicenseImport.template
        var headers = HTTPHeaders()
        let xlsx = (try? req.query.get(String.self, at: "format")) == "xlsx"
        headers.add(name: .contentType, value: xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"\(kind.rawValue)-template.\(xlsx ? "xlsx" : "csv")\"")
        let data = xlsx ? try XLSXWriter.write(header: rows[0], rows: Array(rows.dropFirst()), sheetName: kind.chinese) : CSVTable.write(rows)
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
