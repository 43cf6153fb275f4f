import Fluent
import Foundation
import Vapor
import WeijianCore

/// The staff directory (人员信息) within the reader's department scope, with personal data masked
/// and revealed one field at a time for a stated purpose (regulation 六(一)2, 七(二)).
enum StaffController {
    static func register(web: RoutesBuilder, api: RoutesBuilder) {
        web.endpoint(.GET, "app", "staff", access: .permission(.staffDirectoryRead), use: list)
        web.endpoint(.POST, "app", "staff", ":userID", "reveal", access: .permission(.personalDataReveal), use: revealWeb)
        api.endpoint(.GET, "staff", access: .permission(.staffDirectoryRead),
                     doc: APIDoc("人员信息（个人信息已脱敏，按数据范围过滤）", query: [.text("q", "姓名、用户名、证件号、电话", maxLength: 40), .page],
                                 response: Paged<StaffQueries.DirectoryRow>.self), use: listAPI)
        api.endpoint(.POST, "staff", ":userID", "reveal", access: .permission(.personalDataReveal),
                     doc: APIDoc("查看一项个人信息明文（须说明用途，已审计）", body: RevealInput.self, required: ["field", "purpose"],
                                 response: Revealed.self), use: revealAPI)
    }

    struct ListPage: Encodable, Sendable {
        let rows: [StaffQueries.DirectoryRow]
        let pager: Pager
        let q: String
        let canReveal: Bool
        let purposes: [String]
        var revealed: Revealed?
        var error: String?
    }

    struct Revealed: Encodable, Sendable, Content {
        let userID: String
        let displayName: String
        let field: String
        let fieldName: String
        let value: String
        let purpose: String
    }

    static let purposes = ["执法联络", "案件办理", "投诉处理", "人事管理", "信息核对"]

    static func rows(_ req: Request, q: String?) async throws -> Paged<StaffQueries.DirectoryRow> {
        let user = try req.currentUser
        return try await StaffQueries.directory(scope: user.scope, search: q, page: req.pageNumber, crypto: req.fieldCrypto,
                                                today: req.application.clock.today, on: req.db)
    }

    static func listPage(_ req: Request, q: String) async throws -> ListPage {
        let paged = try await rows(req, q: q)
        return ListPage(rows: paged.rows, pager: Pager(paged, path: "/app/staff", query: ["q": q]), q: q,
                        canReveal: try req.currentUser.can(.personalDataReveal), purposes: purposes)
    }

    @Sendable static func list(req: Request) async throws -> View {
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        return try await req.renderPage("internal/staff", title: "人员信息", content: try await listPage(req, q: q))
    }

    @Sendable static func listAPI(req: Request) async throws -> Paged<StaffQueries.DirectoryRow> {
        try await rows(req, q: try? req.query.get(String.self, at: "q"))
    }

    struct RevealInput: Content {
        var field: String?
        var purpose: String?
    }

    /// Reveals one field: checks scope, requires a purpose, and audits the reveal in the same
    /// transaction that reads the plaintext.
    static func reveal(_ req: Request) async throws -> Revealed {
        let user = try req.currentUser
        let input = try req.content.decode(RevealInput.self)
        var errors = ValidationCollector()
        let purpose = input.purpose?.trimmed ?? ""
        if purpose.count < 2 { errors.add(ValidationError(field: "查询用途", code: "reveal.purpose", message: "必填，请说明查看明文的用途（至少2个字）")) }
        if purpose.count > 100 { errors.add(ValidationError(field: "查询用途", code: "length", message: "不能超过100个字符")) }
        try errors.check()
        guard let targetID = req.parameters.get("userID").flatMap(UUID.init(uuidString:)),
              let target = try await User.find(targetID, on: req.db), target.kind == .staff else {
            throw Abort(.notFound, reason: "人员不存在")
        }
        guard user.scope.allowsDepartment(target.$department.id) else {
            try await req.caller.refuseOutOfScope("staff", id: targetID.uuidString)
        }
        let crypto = req.fieldCrypto
        return try await req.db.writeTransaction { tx in
            let (spec, value) = try await StaffQueries.reveal(userID: targetID, field: input.field ?? "", crypto: crypto, on: tx)
            guard let value else { throw Abort(.notFound, reason: "\(spec.kind.chinese)：未登记") }
            try await req.audit(.personalReveal, target: ("staff", targetID.uuidString), details: ["field": spec.name, "purpose": purpose], on: tx)
            return Revealed(userID: targetID.uuidString, displayName: target.displayName, field: spec.name, fieldName: spec.kind.chinese,
                            value: value, purpose: purpose)
        }
    }

    @Sendable static func revealWeb(req: Request) async throws -> Response {
        var page = try await listPage(req, q: "")
        do {
            page.revealed = try await reveal(req)
            return try await req.renderPage("internal/staff", title: "人员信息", content: page).encodeResponse(for: req)
        } catch let error as ValidationErrors {
            page.error = error.description
            return try await req.renderPage("internal/staff", title: "人员信息", content: page).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable static func revealAPI(req: Request) async throws -> Revealed {
        try await reveal(req)
    }
}

extension StaffController.RevealInput: APIExample {
    static let example = StaffController.RevealInput(field: "phone", purpose: "执法联络")
}

extension StaffController.Revealed: APIExample {
    static let example = StaffController.Revealed(userID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", displayName: "张三", field: "phone",
                                                  fieldName: "联系电话", value: "13800138000", purpose: "执法联络")
}

extension StaffQueries.DirectoryRow: APIExample {
    static let example = StaffQueries.DirectoryRow(userID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", username: "zhangsan", displayName: "张三",
                                                   department: "公共场所卫生监督科", title: "监督员", certificateNumber: "闽卫执证01234",
                                                   certificateExpiry: "2028-12-31", certificateExpired: false, phoneMasked: "138****8000",
                                                   idNumberMasked: "110105********002X", hasPhone: true, hasIDNumber: true)
}
