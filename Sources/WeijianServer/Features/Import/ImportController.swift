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
        var shownWarnings: [ImportReport.Issue] = []
        var reportID = ""
        var kind = "units"
        /// A file that passed its trial run, kept for an hour: the real import is one click.
        var upload = ""
        var updateExisting = false
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
        /// The token of a file that passed its trial run (instead of choosing it again).
        var upload: String?
    }

    /// Largest file the web page takes (larger ones go through `weijian import`).
    static let maxUpload = 10 * 1024 * 1024

    @Sendable static func upload(req: Request) async throws -> Response {
        let upload = try req.content.decode(Upload.self)
        if let chosen = upload.file?.filename, let refused = req.refusedUploads?.message(for: chosen) {
            var page = Page(errors: ["文件：\(refused)。更大的文件请拆分，或由系统管理员用 weijian import 命令导入"])
            page.kind = upload.kind ?? "units"
            page.updateExisting = upload.updateExisting == "on"
            return try await req.renderPage("import/import", title: "批量导入", content: page).encodeResponse(status: .payloadTooLarge, for: req)
        }
        let kept = try upload.upload?.trimmed.nilIfEmpty.map { try KeptUpload.load($0, req: req) }
        let file = upload.file.flatMap { $0.data.readableBytes > 0 ? (name: $0.filename, data: Data(buffer: $0.data)) : nil }
            ?? kept.map { (name: $0.filename, data: $0.data) }
        guard let kind = ImportReport.Kind(rawValue: upload.kind ?? kept?.kind ?? ""), let file else {
            return try await req.renderPage("import/import", title: "批量导入", content: Page(errors: ["文件：请选择要导入的CSV或Excel（.xlsx）文件"]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let updateExisting = upload.updateExisting == "on" || upload.updateExisting == "true"
        let options = EntityImport.Options(dryRun: upload.mode != "commit", updateExisting: updateExisting)
        let caller = try req.caller
        let report = kind == .units
            ? try await EntityImport.run(data: file.data, filename: file.name, options: options, by: caller)
            : try await LicenseImport.run(data: file.data, filename: file.name, options: options, by: caller)
        let reportID = try saveReport(report, req: req)
        var page = Page(report: report, shownIssues: Array(report.issues.prefix(1000)), shownWarnings: Array(report.warnings.prefix(1000)),
                        reportID: reportID, kind: kind.rawValue, updateExisting: updateExisting)
        if report.isValid && options.dryRun {
            page.upload = try KeptUpload.save(file.data, filename: file.name, kind: kind.rawValue, req: req)
        }
        if report.committed, let token = upload.upload { KeptUpload.remove(token, req: req) }
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
        let header = kind == .units ? EntityImport.template : LicenseImport.template
        let notes = kind == .units ? EntityImport.notes : LicenseImport.notes
        var headers = HTTPHeaders()
        let xlsx = (try? req.query.get(String.self, at: "format")) == "xlsx"
        headers.add(name: .contentType, value: xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"\(kind.rawValue)-template.\(xlsx ? "xlsx" : "csv")\"")
        // The first sheet has only the header: the example and the rules are on the second, so a
        // sample row can never be imported by mistake (issue 11). The CSV template is the header alone.
        let data = xlsx ? try XLSXWriter.write(sheets: [(kind.chinese, header, []), ("填写说明", ["列名", "是否必填", "填写规则", "示例"], notes)])
            : CSVTable.write([header])
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

/// A file that passed its trial run, kept in the data folder for an hour under a random token so
/// that the real import is one click (issue 11: the file had to be chosen again). Only the user
/// who uploaded it may import it.
enum KeptUpload {
    struct Meta: Codable {
        let owner: UUID
        let filename: String
        let kind: String
        let sha256: String
        let keptAt: Date
    }

    static let lifetime: TimeInterval = 3600

    static func folder(_ req: Request) -> String { (req.settings.dataDirectory as NSString).appendingPathComponent("import-uploads") }

    static func save(_ data: Data, filename: String, kind: String, req: Request) throws -> String {
        let token = Sessions.randomToken(bytes: 18)
        let folder = folder(req)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let meta = Meta(owner: try req.currentUser.id, filename: filename, kind: kind, sha256: ImportReport.sha256(data), keptAt: req.now)
        try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(token + ".data")))
        try JSONEncoder().encode(meta).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(token + ".json")))
        return token
    }

    static func load(_ token: String, req: Request) throws -> (filename: String, kind: String, data: Data) {
        let expired = ValidationError(field: "文件", code: "upload.expired", message: "试导入的文件已过期（保留1小时）或不存在，请重新选择文件")
        guard token.count <= 40, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw expired }
        let base = (folder(req) as NSString).appendingPathComponent(token)
        guard let metaData = FileManager.default.contents(atPath: base + ".json"), let meta = try? JSONDecoder().decode(Meta.self, from: metaData),
              meta.owner == (try req.currentUser.id), req.now.timeIntervalSince(meta.keptAt) < lifetime,
              let data = FileManager.default.contents(atPath: base + ".data"), ImportReport.sha256(data) == meta.sha256 else { throw expired }
        return (meta.filename, meta.kind, data)
    }

    static func remove(_ token: String, req: Request) {
        let base = (folder(req) as NSString).appendingPathComponent(token)
        try? FileManager.default.removeItem(atPath: base + ".json")
        try? FileManager.default.removeItem(atPath: base + ".data")
    }

    /// Removes kept files older than their hour (the hourly clean-up job).
    static func purge(directory: String, now: Date) {
        let folder = (directory as NSString).appendingPathComponent("import-uploads")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = (folder as NSString).appendingPathComponent(name)
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date, now.timeIntervalSince(modified) > lifetime {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}
