import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

/// The enforcement-document engine (DESIGN.md "Documents"): issuing allocates the 文号 from
/// Numbering, renders the PDF from the record, stores it frozen in the attachment store and records
/// its SHA-256 in the audit chain — one transaction, so a number is never given twice or skipped,
/// and a document that exists has its number and its bytes. A reprint returns the stored bytes;
/// voiding keeps the number in the void register with its reason.
enum Documents {
    struct Issued: Content, Sendable {
        let id: UUID
        let kind: String
        let kindName: String
        let number: String
        let sha256: String
        let size: Int
        let status: String
        let statusName: String
        let ownerType: String
        let ownerID: UUID
        let entityID: UUID
        let entityName: String
        let issuedBy: String
        let issuedAt: String
        let voidReason: String?
        let voidedBy: String?
        let voidedAt: String?
    }

    /// The font every document embeds (a subset of it), read once.
    static func font(_ app: Application) throws -> TrueTypeFont {
        if let font = app.storage[FontKey.self] { return font }
        let root = app.weijianSettings.resourcesDirectory ?? app.directory.workingDirectory
        let path = (root as NSString).appendingPathComponent("Resources/Fonts/wqy-microhei.ttc")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Abort(.internalServerError, reason: "找不到文书字体（Resources/Fonts/wqy-microhei.ttc），请检查安装")
        }
        let font = try TrueTypeFont(bytes: Array(data))
        app.storage[FontKey.self] = font
        return font
    }

    struct FontKey: StorageKey { typealias Value = TrueTypeFont }

    /// What a feature hands the engine to issue one document.
    struct Request: Sendable {
        let kind: DocumentKind
        let ownerType: String
        let ownerID: UUID
        let entity: SupervisedEntity
        /// Placeholder values of the number pattern besides 地区 and 年份 (e.g. 类别 公).
        var numberValues: [String: String] = [:]
        /// Builds the document once its number is known.
        let layout: @Sendable (_ number: String, _ settings: DocumentSettings) -> OfficialDocument
    }

    static func scheme(_ kind: DocumentKind) -> String { "document." + kind.rawValue }

    /// Issues a document: number, PDF, frozen store, register row and audit event in one transaction.
    static func issue(_ request: Request, app: Application, by caller: Caller) async throws -> Issued {
        guard caller.scope.allows(request.entity) else {
            try await caller.refuseOutOfScope("entity", id: try request.entity.requireID().uuidString, name: request.entity.name)
        }
        let font = try font(app)
        let settings = try await DocumentSettings.load(on: caller.db)
        let directory = app.weijianSettings.attachmentsDirectory
        let today = LocalDate(instant: caller.now)
        let id = UUID()
        let entityID = try request.entity.requireID()
        return try await caller.db.writeTransaction { tx in
            let sequence = try await Numbering.allocate(scheme: scheme(request.kind), organ: settings.organ, year: today.year, on: tx)
            var values = request.numberValues
            values["地区"] = settings.regionAbbreviation
            let number = settings.pattern(request.kind).render(sequence: sequence, year: today.year, values: values)
            let document = request.layout(number, settings)
            let compactDate = String(format: "%04d%02d%02d", today.year, today.month, today.day)
            let pdf = try document.render(font: font, date: compactDate)
            let sha = Hex.encode(SHA256.hash(data: pdf))
            let file = Attachments.Checked(fileName: "\(request.kind.chinese)\(number).pdf", bytes: pdf, type: .pdf, sha256: sha)
            try Attachments.write([file], directory: directory, crypto: caller.crypto)
            try await Attachments.link([file], ownerType: "document", ownerID: id, version: 1, actor: caller.actor, on: tx, now: caller.now)
            try await tx.sql.insert(into: "enforcement_documents")
                .columns("id", "kind", "organ", "year", "sequence", "number", "owner_type", "owner_id", "entity_id", "sha256", "size",
                         "status", "issued_by", "issued_at")
                .values(SQLBind(id), SQLBind(request.kind.rawValue), SQLBind(settings.organ), SQLBind(today.year), SQLBind(sequence), SQLBind(number),
                        SQLBind(request.ownerType), SQLBind(request.ownerID), SQLBind(entityID), SQLBind(sha), SQLBind(pdf.count),
                        SQLBind("issued"), SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                .run()
            // The hash enters the audit chain with the issue: a later swap of the stored file shows.
            try await caller.audit(.documentIssue, target: ("document", id.uuidString),
                                   details: ["kind": request.kind.chinese, "number": number, "sha256": sha, "owner": "\(request.ownerType)/\(request.ownerID.uuidString)"], on: tx)
            return Issued(id: id, kind: request.kind.rawValue, kindName: request.kind.chinese, number: number, sha256: sha, size: pdf.count,
                          status: "issued", statusName: "已签发", ownerType: request.ownerType, ownerID: request.ownerID, entityID: entityID,
                          entityName: request.entity.name, issuedBy: caller.actor.name, issuedAt: Format.dateTime(millis: caller.now.millis),
                          voidReason: nil, voidedBy: nil, voidedAt: nil)
        }
    }

    static let columns = ["d.id", "d.kind", "d.number", "d.sha256", "d.size", "d.status", "d.owner_type", "d.owner_id", "d.entity_id",
                          "d.issued_by", "d.issued_at", "d.void_reason", "d.voided_by", "d.voided_at", "e.name"]

    static func select(on db: any Database) -> SQLSelectBuilder {
        db.sql.select().columns(columns.map { SQLColumn.path($0) as any SQLExpression }).from(SQLAlias(SQLIdentifier("enforcement_documents"), as: SQLIdentifier("d")))
            .join(SQLAlias(SQLIdentifier("entities"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner, on: SQLColumn("entity_id", table: "d"), .equal, SQLColumn("id", table: "e"))
    }

    static func decode(_ row: any SQLRow) throws -> Issued {
        let kind = DocumentKind(rawValue: try row.decode(column: "kind", as: String.self))
        let status = try row.decode(column: "status", as: String.self)
        return Issued(id: try row.decode(column: "id", as: UUID.self), kind: kind?.rawValue ?? "", kindName: kind?.chinese ?? "",
                      number: try row.decode(column: "number", as: String.self), sha256: try row.decode(column: "sha256", as: String.self),
                      size: try row.decode(column: "size", as: Int.self), status: status, statusName: status == "voided" ? "已作废" : "已签发",
                      ownerType: try row.decode(column: "owner_type", as: String.self), ownerID: try row.decode(column: "owner_id", as: UUID.self),
                      entityID: try row.decode(column: "entity_id", as: UUID.self), entityName: try row.decode(column: "name", as: String.self),
                      issuedBy: try row.decode(column: "issued_by", as: String.self),
                      issuedAt: Format.dateTime(millis: try row.decode(column: "issued_at", as: Int64.self)),
                      voidReason: try row.decode(column: "void_reason", as: String?.self), voidedBy: try row.decode(column: "voided_by", as: String?.self),
                      voidedAt: try row.decode(column: "voided_at", as: Int64?.self).map { Format.dateTime(millis: $0) })
    }

    /// One document, after the scope check on its unit (out of scope: 403 and audited).
    static func find(_ id: UUID?, caller: Caller) async throws -> Issued {
        guard let id, let row = try await select(on: caller.db).where(SQLColumn("id", table: "d"), .equal, SQLBind(id)).first() else {
            throw Abort(.notFound, reason: "执法文书不存在")
        }
        let document = try decode(row)
        _ = try await EntityQueries.visible(document.entityID, caller: caller, asking: ("document", id.uuidString))
        return document
    }

    /// The documents of one record, newest first.
    static func of(ownerType: String, ownerID: UUID, on db: any Database) async throws -> [Issued] {
        try await select(on: db).where(SQLColumn("owner_type", table: "d"), .equal, SQLBind(ownerType))
            .where(SQLColumn("owner_id", table: "d"), .equal, SQLBind(ownerID))
            .orderBy(SQLColumn("issued_at", table: "d"), SQLDirection.descending).all().map(decode)
    }

    /// The register (all documents, or the void register), within the caller's scope, paged.
    static func register(voided: Bool?, page: Int, caller: Caller) async throws -> Paged<Issued> {
        var query = caller.scope.applyToUnits(select(on: caller.db))
        if let voided { query = query.where(SQLColumn("status", table: "d"), .equal, SQLBind(voided ? "voided" : "issued")) }
        return try await Paged.read(query.orderBy(SQLColumn("issued_at", table: "d"), SQLDirection.descending).orderBy(SQLColumn("number", table: "d")),
                                    page: page, pageSize: 50, on: caller.db) { try $0.map(decode) }
    }

    /// The frozen bytes of an issued document: the same on every reprint, checked against the
    /// stored SHA-256. A voided document is not printed.
    static func pdf(_ document: Issued, app: Application, caller: Caller) async throws -> [UInt8] {
        if document.status == "voided" {
            throw Abort(.gone, reason: "文书\(document.number)已于\(document.voidedAt ?? "")作废（原因：\(document.voidReason ?? "")），不能再打印；其编号保留在作废登记中")
        }
        let bytes: [UInt8]
        do {
            bytes = try Attachments.content(sha256: document.sha256, fileName: document.number, directory: app.weijianSettings.attachmentsDirectory,
                                            crypto: caller.crypto)
        } catch let error as Attachments.FixityError {
            throw Abort(.conflict, reason: error.description + "，请联系系统管理员从备份恢复")
        }
        try await caller.audit(.documentPrint, target: ("document", document.id.uuidString), details: ["number": document.number])
        return bytes
    }

    static func response(_ bytes: [UInt8], document: Issued) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        let name = "\(document.kindName)\(document.number).pdf".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document.pdf"
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"document.pdf\"; filename*=UTF-8''\(name)")
        headers.replaceOrAdd(name: "X-Content-SHA256", value: document.sha256)
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }

    /// Voids an issued document: its number goes to the void register with the reason and is never reused.
    static func void(_ document: Issued, reason raw: String?, by caller: Caller) async throws {
        let reason = raw?.trimmed ?? ""
        guard reason.count >= 2, reason.count <= 500 else {
            throw ValidationError(field: "作废原因", code: "reason.required", message: "必填，2到500个字符")
        }
        let row = try await caller.db.sql.select().columns("kind", "organ", "year", "sequence").from("enforcement_documents")
            .where("id", .equal, SQLBind(document.id)).first()
        guard let row else { throw Abort(.notFound, reason: "执法文书不存在") }
        try await caller.db.writeTransaction { tx in
            // One statement moves issued → voided, so two voids at once cannot both succeed.
            let changed = try await tx.sql.raw("""
                UPDATE enforcement_documents SET status = 'voided', void_reason = \(bind: reason), voided_by = \(bind: caller.actor.name), voided_at = \(bind: caller.now.millis)
                WHERE id = \(bind: document.id) AND status = 'issued' RETURNING id
                """).all()
            guard !changed.isEmpty else { throw ValidationError(field: "文书状态", code: "document.voided", message: "文书\(document.number)已作废") }
            try await Numbering.void(scheme: try row.decode(column: "kind", as: String.self).nilIfEmpty.map { "document." + $0 } ?? "",
                                     organ: try row.decode(column: "organ", as: String.self), year: try row.decode(column: "year", as: Int.self),
                                     value: try row.decode(column: "sequence", as: Int.self), reason: reason, by: caller.on(tx))
            try await caller.audit(.documentVoid, target: ("document", document.id.uuidString), details: ["number": document.number, "reason": reason], on: tx)
        }
    }
}

extension Documents.Issued: APIExample {
    static let example = Documents.Issued(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, kind: "supervisionOpinion", kindName: "卫生监督意见书",
                                          number: "X卫公监意〔2026〕12号", sha256: String(repeating: "ab", count: 32), size: 48_213, status: "issued",
                                          statusName: "已签发", ownerType: "inspection", ownerID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3302")!,
                                          entityID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3303")!, entityName: "福州阳光游泳馆有限公司",
                                          issuedBy: "陈志强(jiandu1)", issuedAt: "2026-12-03 10:20", voidReason: nil, voidedBy: nil, voidedAt: nil)
}
