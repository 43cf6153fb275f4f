import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// Holds every route to `Fixtures/access-matrix.txt`, for every role and for anonymous callers.
/// A refusal is a 401, a 403, or the redirect to sign in that carries `?next=`.
@Suite("Access matrix")
struct AccessMatrixTests {
    static let columns: [Role?] = [nil, .sysadmin, .securityAdmin, .auditor, .leader, .departmentHead, .inspector, .infoOfficer, .archivist, .intakeClerk, .entityUser]

    struct Row {
        let method: String
        let path: String
        let allowed: [Bool]
    }

    static func load() throws -> [Row] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/access-matrix.txt")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line -> Row? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#"), fields.count == 2 + columns.count else { return nil }
            return Row(method: fields[0], path: fields[1], allowed: fields[2...].map { $0 == "Y" })
        }
    }

    @Test func everyRouteIsInTheMatrixAndEveryRoleGetsWhatTheMatrixSays() async throws {
        let rows = try Self.load()
        try await withTestApp { app in
            // given
            let listed = Set(rows.map { "\($0.method) \($0.path)" })
            let registered = app.routes.all.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") }
            let unlisted = registered.filter { !listed.contains($0) }
            #expect(unlisted.isEmpty, "routes missing from access-matrix.txt: \(unlisted)")
            let stale = listed.subtracting(registered)
            #expect(stale.isEmpty, "matrix rows with no route: \(stale)")
            var users: [Role: User] = [:]
            var tokens: [Role: String] = [:]
            for case let role? in Self.columns {
                let user = try await app.makeUser("m-\(role.rawValue.lowercased())", roles: [role])
                users[role] = user
                let token = "wjt_matrix_\(role.rawValue)"
                let record = APIToken()
                record.name = "matrix"; record.tokenHash = WeijianServer.Sessions.hash(token); record.prefix = "wjt_matrix"
                record.$user.id = try user.requireID(); record.createdAt = app.clock.now()
                try await record.create(on: app.db)
                tokens[role] = token
            }
            // The unit's account belongs to a unit, as every portal account does.
            let unit = try await app.makeEntity()
            users[.entityUser]?.entityID = unit.id
            try await users[.entityUser]?.save(on: app.db)
            // when
            var mismatches: [String] = []
            for row in rows {
                let path = row.path.replacingOccurrences(of: ":itemID", with: "1").replacingOccurrences(of: ":day", with: "2031-01-01").replacingOccurrences(of: ":year", with: "2031")
                    .split(separator: "/").map { $0.hasPrefix(":") ? UUID().uuidString : String($0) }.joined(separator: "/")
                for (index, role) in Self.columns.enumerated() {
                    var headers = HTTPHeaders()
                    var csrf = ""
                    if path.hasPrefix("api/") {
                        if let role, let token = tokens[role] { headers.bearerAuthorization = .init(token: token) }
                        headers.contentType = .json
                    } else {
                        if let role, let user = users[role] {
                            let browser = try await app.signIn(user)
                            headers = browser.headers
                            csrf = browser.csrf
                        } else {
                            try await app.testing().test(.GET, "/app/login") { res async in
                                if let cookie = cookieValue(res, WeijianServer.Sessions.cookieName) {
                                    headers.add(name: .cookie, value: "\(WeijianServer.Sessions.cookieName)=\(cookie)")
                                }
                                csrf = csrfToken(in: res.body.string) ?? ""
                            }
                        }
                        headers.contentType = .urlEncodedForm
                    }
                    let body = path.hasPrefix("api/") ? ByteBuffer(string: "{}") : ByteBuffer(string: "_csrf=\(csrf)")
                    try await app.testing().test(HTTPMethod(rawValue: row.method), "/" + path, headers: headers, body: body) { res async in
                        let refused = res.status == .unauthorized || res.status == .forbidden
                            || (res.status == .seeOther && (res.headers.first(name: .location) ?? "").hasPrefix("/app/login?next="))
                        if refused == row.allowed[index] {
                            mismatches.append("\(role?.rawValue ?? "anonymous") \(row.method) \(row.path): expected \(row.allowed[index] ? "allowed" : "refused"), got \(res.status.code)")
                        }
                    }
                }
            }
            // then
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }
}
