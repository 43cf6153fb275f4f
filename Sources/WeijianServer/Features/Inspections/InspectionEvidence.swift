import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// 执法全过程记录: photos, documents, audio and video attached to an inspection or one of its items,
/// stored like every attachment (checked by content, encrypted, named by SHA-256), with the capture
/// time from EXIF and the upload time. Audio and video (up to 500 MB) arrive through
/// `StreamedUpload`, sealed to disk as they stream. Each file's hash enters the audit chain in the
/// transaction that attaches it, so `audit-verify` later proves the evidence was not swapped.
enum InspectionEvidence {
    struct Row: Content, Sendable {
        let id: UUID
        let itemCode: String
        let fileName: String
        let contentType: String
        let size: String
        let capturedAt: String
        let uploadedBy: String
        let uploadedAt: String
        let sha256: String
    }

    static func attach(_ uploads: [Attachments.Upload], itemCode raw: String?, inspection: InspectionQueries.Record, checklist: Checklist,
                       directory: String, by caller: Caller) async throws -> [Row] {
        let itemCode = raw?.trimmed ?? ""
        var errors = ValidationCollector()
        if !itemCode.isEmpty && checklist.item(itemCode) == nil {
            errors.add(ValidationError(field: "所属检查项目", code: "item.unknown", message: "“\(itemCode)”不在本次检查使用的检查表版本中"))
        }
        let checked = Attachments.check(uploads)
        for error in checked.errors { errors.add(error) }
        if checked.files.isEmpty && checked.errors.isEmpty {
            errors.add(ValidationError(field: "证据文件", code: "required", message: "请选择要上传的照片或文件（JPEG、PNG、PDF）"))
        }
        try errors.check()
        try Attachments.write(checked.files, directory: directory, crypto: caller.crypto)
        let files = checked.files
        return try await caller.db.writeTransaction { tx in
            try await Attachments.link(files, ownerType: "inspection", ownerID: inspection.id, version: 1, actor: caller.actor, on: tx, now: caller.now)
            var rows: [Row] = []
            for file in files {
                let id = UUID()
                let captured = file.type == .jpeg ? ExifCaptureTime.read(file.bytes) : nil
                try await tx.sql.insert(into: "inspection_evidence")
                    .columns("id", "inspection_id", "item_code", "sha256", "file_name", "content_type", "size", "captured_at", "uploaded_by", "uploaded_at")
                    .values(SQLBind(id), SQLBind(inspection.id), SQLBind(itemCode), SQLBind(file.sha256), SQLBind(file.fileName), SQLBind(file.type.contentType),
                            SQLBind(file.bytes.count), SQLBind(captured), SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                    .run()
                try await caller.audit(.evidenceAttach, target: ("inspection", inspection.id.uuidString),
                                       details: ["file": file.fileName, "sha256": file.sha256, "item": itemCode.isEmpty ? "整体" : itemCode,
                                                 "captured": captured ?? "（无拍摄时间）"], on: tx)
                rows.append(Row(id: id, itemCode: itemCode, fileName: file.fileName, contentType: file.type.contentType, size: Format.bytes(file.bytes.count),
                                capturedAt: captured ?? "", uploadedBy: caller.actor.name, uploadedAt: Format.dateTime(millis: caller.now.millis), sha256: file.sha256))
            }
            return rows
        }
    }

    /// Records audio and video already sealed into the store by `StreamedUpload`. A file already
    /// kept for this inspection and item (a form sent twice) is not recorded again.
    static func attachMedia(_ files: [StreamedUpload.File], itemCode raw: String?, inspection: InspectionQueries.Record, checklist: Checklist,
                            by caller: Caller) async throws -> Int {
        let itemCode = raw?.trimmed ?? ""
        if !itemCode.isEmpty && checklist.item(itemCode) == nil {
            throw ValidationError(field: "所属检查项目", code: "item.unknown", message: "“\(itemCode)”不在本次检查使用的检查表版本中")
        }
        return try await caller.db.writeTransaction { tx in
            var added = 0
            for file in files {
                let known = try await tx.sql.select().column("id").from("inspection_evidence").where("inspection_id", .equal, SQLBind(inspection.id))
                    .where("item_code", .equal, SQLBind(itemCode)).where("sha256", .equal, SQLBind(file.stored.sha256)).first()
                if known != nil { continue }
                try await Attachments.link([(file.fileName, file.stored)], ownerType: "inspection", ownerID: inspection.id, version: 1,
                                           actor: caller.actor, on: tx, now: caller.now)
                try await tx.sql.insert(into: "inspection_evidence")
                    .columns("id", "inspection_id", "item_code", "sha256", "file_name", "content_type", "size", "captured_at", "uploaded_by", "uploaded_at")
                    .values(SQLBind(UUID()), SQLBind(inspection.id), SQLBind(itemCode), SQLBind(file.stored.sha256), SQLBind(file.fileName),
                            SQLBind(file.stored.contentType), SQLBind(file.stored.size), SQLBind(String?.none), SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                    .run()
                try await caller.audit(.evidenceAttach, target: ("inspection", inspection.id.uuidString),
                                       details: ["file": file.fileName, "sha256": file.stored.sha256, "item": itemCode.isEmpty ? "整体" : itemCode,
                                                 "size": String(file.stored.size)], on: tx)
                added += 1
            }
            return added
        }
    }

    static func rows(_ inspectionID: UUID, on db: any Database) async throws -> [Row] {
        try await db.sql.select().columns("id", "item_code", "file_name", "content_type", "size", "captured_at", "uploaded_by", "uploaded_at", "sha256")
            .from("inspection_evidence").where("inspection_id", .equal, SQLBind(inspectionID)).orderBy("uploaded_at").all().map { row in
                Row(id: try row.decode(column: "id", as: UUID.self), itemCode: try row.decode(column: "item_code", as: String.self),
                    fileName: try row.decode(column: "file_name", as: String.self), contentType: try row.decode(column: "content_type", as: String.self),
                    size: Format.bytes(try row.decode(column: "size", as: Int.self)), capturedAt: try row.decode(column: "captured_at", as: String?.self) ?? "",
                    uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
                    uploadedAt: Format.dateTime(millis: try row.decode(column: "uploaded_at", as: Int64.self)), sha256: try row.decode(column: "sha256", as: String.self))
            }
    }

    /// One file of an inspection's evidence, for download (audited).
    static func download(_ id: UUID?, inspection: InspectionQueries.Record, directory: String, caller: Caller) async throws -> Response {
        guard let id, let row = try await rows(inspection.id, on: caller.db).first(where: { $0.id == id }) else { throw Abort(.notFound, reason: "证据文件不存在") }
        try await caller.audit(.attachmentDownload, target: ("evidence", id.uuidString), details: ["file": row.fileName, "sha256": row.sha256])
        let bytes = try await caller.db.sql.select().column("size").from("inspection_evidence").where("id", .equal, SQLBind(id)).first()?
            .decode(column: "size", as: Int.self)
        return try Attachments.download(.init(id: row.id, fileName: row.fileName, size: row.size, contentType: row.contentType, version: 1,
                                              uploadedBy: row.uploadedBy, uploadedAt: row.uploadedAt, sha256: row.sha256),
                                        size: bytes, directory: directory, crypto: caller.crypto)
    }
}
