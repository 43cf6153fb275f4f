import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// A multipart form body as a browser sends it.
func multipartForm(_ fields: [(String, String)], files: [(name: String, fileName: String, bytes: [UInt8])], boundary: String = "WeijianBoundary7MA4YWxk") -> ByteBuffer {
    var body = ByteBuffer()
    for (name, value) in fields {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }
    for file in files {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n")
    }
    body.writeString("--\(boundary)--\r\n")
    return body
}

extension HTTPHeaders {
    static func multipartHeaders(cookie: String, boundary: String = "WeijianBoundary7MA4YWxk") -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.add(name: .cookie, value: "\(WeijianServer.Sessions.cookieName)=\(cookie)")
        return headers
    }
}

@Suite("Attachments: checked, encrypted, content-addressed, audited on download, verified")
struct AttachmentTests {
    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% 营业执照（变更后）\n%%EOF\n".utf8)

    @Test func aUnitAttachesAReportTheReviewerDownloadsItAndADisguisedFileIsRefused() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let inspector = try await app.makeUser("insp1", roles: [.inspector])
            try await DataScopeGrant(userID: inspector.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let entity = try await app.makeEntity(inspectors: [inspector.id!])
            let unit = try await app.signIn(try await SubmissionTests.portalUser(app, for: entity))
            let officer = try await app.signIn(inspector)
            let other = try await app.makeEntity(.fixture(name: "另一宾馆", creditCode: "914403001922038216", address: "东街1号"))
            let stranger = try await app.signIn(try await SubmissionTests.portalUser(app, for: other, name: "unit2"))
            let fields = [("_csrf", unit.csrf), ("kind", "selfInspection"), ("payload[inspectionDate]", "2026-11-20"), ("payload[content]", "消毒记录齐全")]
            // when: an executable named .pdf and an empty file are refused, naming the file and the rule; nothing is stored
            try await app.testing().test(.POST, "/portal/submissions", headers: .multipartHeaders(cookie: unit.cookie),
                                         body: multipartForm(fields, files: [("files[]", "报告.pdf", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]), ("files[]", "空.png", [])])) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("附件1"))
                #expect(res.body.string.contains("不是PDF文件"))
                #expect(res.body.string.contains("附件2"))
                #expect(res.body.string.contains("空文件"))
            }
            #expect(try await Submission.query(on: app.db).count() == 0)
            #expect(try await app.db.sql.select().column("id").from("attachments").all().isEmpty)
            // a good report goes in with the submission
            var path = ""
            try await app.testing().test(.POST, "/portal/submissions", headers: .multipartHeaders(cookie: unit.cookie),
                                         body: multipartForm(fields, files: [("files[]", "自查报告.pdf", Self.pdf)])) { res async in
                #expect(res.status == .seeOther)
                path = res.headers.first(name: .location) ?? ""
            }
            let submissionID = path.split(separator: "/").last.map(String.init) ?? ""
            let ownerID = try #require(UUID(uuidString: submissionID))
            let stored = try #require(try await Attachments.rows(ownerType: "submission", ownerID: ownerID, on: app.db).first)
            // then: the file on disk is encrypted and named by its hash
            let sha = Hex.encode(SHA256.hash(data: Self.pdf))
            #expect(stored.sha256 == sha)
            let onDisk = try #require(FileManager.default.contents(atPath: Attachments.path(of: sha, in: app.weijianSettings.attachmentsDirectory)))
            #expect(!String(decoding: onDisk, as: UTF8.self).contains("营业执照"), "the content is not stored in clear")
            // the reviewer sees it and downloads the same bytes; the download is audited
            try await app.testing().test(.GET, "/app/submissions/\(submissionID)", headers: officer.headers) { res async in
                #expect(res.body.string.contains("自查报告.pdf"))
            }
            try await app.testing().test(.GET, "/app/submissions/\(submissionID)/attachments/\(stored.id)", headers: officer.headers) { res async in
                #expect(res.status == .ok)
                #expect(Array(res.body.readableBytesView) == Self.pdf)
                #expect(res.headers.first(name: .contentType) == "application/pdf")
                #expect(res.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            }
            #expect(try await app.auditActions().contains("attachment.download"))
            // another unit cannot fetch it, not even by guessing both ids
            try await app.testing().test(.GET, "/portal/submissions/\(submissionID)/attachments/\(stored.id)", headers: stranger.headers) { res async in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/portal/submissions/\(submissionID)/attachments/\(stored.id)", headers: unit.headers) { res async in
                #expect(Array(res.body.readableBytesView) == Self.pdf)
            }
        }
    }

    @Test func theFixityCheckFindsAnAlteredOrMissingFile() async throws {
        try await withTestApp { app in
            // given
            let entity = try await app.makeEntity()
            let user = try await CurrentUser.load(try await SubmissionTests.portalUser(app, for: entity), sessionID: nil, csrfToken: nil, on: app.db)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
            let directory = app.weijianSettings.attachmentsDirectory
            _ = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-20", content: "消毒记录齐全"),
                                                   files: .init(uploads: [.init(fileName: "现场.png", bytes: png), .init(fileName: "报告.pdf", bytes: Self.pdf)], directory: directory),
                                                   entity: entity, by: .acting(as: user, app))
            let intact = try await Attachments.verifyAll(directory: directory, crypto: app.keyStore.fieldCrypto, on: app.db)
            // when: one file is altered by a byte and the other removed
            let pdfPath = Attachments.path(of: Hex.encode(SHA256.hash(data: Self.pdf)), in: directory)
            var bytes = Array(try #require(FileManager.default.contents(atPath: pdfPath)))
            bytes[bytes.count - 1] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: pdfPath))
            try FileManager.default.removeItem(atPath: Attachments.path(of: Hex.encode(SHA256.hash(data: png)), in: directory))
            let broken = try await Attachments.verifyAll(directory: directory, crypto: app.keyStore.fieldCrypto, on: app.db)
            // then
            #expect(intact.checked == 2 && intact.problems.isEmpty)
            #expect(broken.problems.count == 2)
            #expect(broken.problems.contains { $0.contains("报告.pdf") && $0.contains("损坏") })
            #expect(broken.problems.contains { $0.contains("现场.png") && $0.contains("不存在") })
        }
    }

    @Test func theFixityCheckRemovesOldFilesNoRowNamesAndKeepsNamedAndRecentOnes() async throws {
        try await withTestApp { app in
            // given: one named file, an orphan from a day and a half ago, a fresh orphan, an old temporary file
            let entity = try await app.makeEntity()
            let user = try await CurrentUser.load(try await SubmissionTests.portalUser(app, for: entity), sessionID: nil, csrfToken: nil, on: app.db)
            let directory = app.weijianSettings.attachmentsDirectory
            _ = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: "2026-11-20", content: "消毒记录齐全"),
                                                   files: .init(uploads: [.init(fileName: "报告.pdf", bytes: Self.pdf)], directory: directory),
                                                   entity: entity, by: .acting(as: user, app))
            let named = Attachments.path(of: Hex.encode(SHA256.hash(data: Self.pdf)), in: directory)
            let old = Attachments.path(of: String(repeating: "a", count: 64), in: directory)
            let fresh = Attachments.path(of: String(repeating: "b", count: 64), in: directory)
            let temporary = named + ".tmp-" + UUID().uuidString
            let manager = FileManager.default
            for file in [old, fresh] { try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true) }
            for file in [old, fresh, temporary] { #expect(manager.createFile(atPath: file, contents: Data([1, 2, 3]))) }
            let longAgo = Date().addingTimeInterval(-36 * 3600)
            for file in [old, temporary, named] { try manager.setAttributes([.modificationDate: longAgo], ofItemAtPath: file) }

            // when
            let report = try await Attachments.verifyAll(directory: directory, crypto: app.keyStore.fieldCrypto, on: app.db)

            // then: the named file stays (however old), the fresh orphan stays, the old ones are gone
            #expect(report.removedOrphans == 2)
            #expect(report.problems.isEmpty)
            #expect(manager.fileExists(atPath: named))
            #expect(manager.fileExists(atPath: fresh))
            #expect(!manager.fileExists(atPath: old))
            #expect(!manager.fileExists(atPath: temporary))
        }
    }
}
