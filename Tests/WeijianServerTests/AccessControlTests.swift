import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

@Suite("Access control")
struct AccessControlTests {
    @Test func aChangeOfGrantsAppliesToAnOpenSessionAtItsNextRequest() async throws {
        try await withTestApp { app in
            // given: an inspector signed in, roles and scope resolved and kept by this node
            let first = try await app.makeDepartment("JD1", "监督一科")
            let second = try await app.makeDepartment("JD2", "监督二科")
            _ = try await app.makeEntity(.fixture(name: "一科宾馆", creditCode: nil, department: first.id))
            _ = try await app.makeEntity(.fixture(name: "二科宾馆", creditCode: nil, address: "鼓楼区东街88号", department: second.id))
            let user = try await app.makeUser("insp1", roles: [.inspector], department: first.id)
            let browser = try await app.signIn(user)
            try await app.testing().test(.GET, "/app/entities?q=宾馆", headers: browser.headers) { res async in
                #expect(res.body.string.contains("一科宾馆") && !res.body.string.contains("二科宾馆"))
            }
            // when: the security administrator widens the scope, then takes the role away
            try await GrantQueries.setGrants(for: user, roles: [.inspector], scopes: [(.department, "*")], by: app.systemCaller)
            try await app.testing().test(.GET, "/app/entities?q=宾馆", headers: browser.headers) { res async in
                // then
                #expect(res.body.string.contains("二科宾馆"), "the wider scope applies at once")
            }
            try await GrantQueries.setGrants(for: user, roles: [], scopes: [], by: app.systemCaller)
            try await app.testing().test(.GET, "/app/entities", headers: browser.headers) { res async in
                #expect(res.status == .forbidden, "a role taken away is gone at the next request")
            }
        }
    }

    @Test func everyApplicationAndAPIRouteDeclaresTheAccessItNeeds() async throws {
        try await withTestApp { app in
            let undeclared = app.routes.all.filter { $0.userInfo["access"] == nil }.map { "\($0.method) /\($0.path.map(\.description).joined(separator: "/"))" }
            #expect(undeclared.isEmpty, "routes without an access declaration: \(undeclared)")
        }
    }

    @Test func everyAPIRouteIsDocumentedWithItsSchemas() async throws {
        try await withTestApp { app in
            // given
            let operations = OpenAPIDocument.operations(app.routes.all)
            // then: every API route carries its documentation
            #expect(operations.count > 20)
            for (route, path, doc) in operations { #expect(doc != nil, "\(route.method.rawValue) \(path) has no APIDoc") }
            var json: [String: Any] = [:]
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res async in
                #expect(res.status == .ok)
                json = (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any]) ?? [:]
            }
            let paths = try #require(json["paths"] as? [String: [String: Any]])
            for (route, path, doc) in operations {
                let operation = try #require(paths[path]?[route.method.rawValue.lowercased()] as? [String: Any], "\(path) missing")
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                // every response but 204 has a JSON schema (a file answer, such as a PDF, has its media type's schema)
                for (status, response) in responses where status != "204" {
                    let content = response["content"] as? [String: [String: Any]]
                    let media = doc?.binary != nil && status.hasPrefix("2") ? doc!.binary! : "application/json"
                    #expect(content?[media]?["schema"] != nil, "\(route.method.rawValue) \(path) \(status) has no schema")
                }
            }
            let entity = try #require((paths["/entities/{entityID}"]?["get"] as? [String: Any])?["responses"] as? [String: [String: Any]])
            let schema = try #require(((entity["200"]?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
            #expect((schema["required"] as? [String])?.contains("unitCode") == true)
        }
    }

    @Test func aParameterOfTheWrongTypeIsRefusedNamingItAndAWrongMethodIs405() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("off", roles: [.leader])
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: officer.requireID(), by: app.systemCaller)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            // when / then
            try await app.testing().test(.GET, "/api/v1/calendar/holidays?year=%C2%82x", headers: headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("\"field\":\"year\""))
            }
            try await app.testing().test(.GET, "/api/v1/entities/not-a-uuid", headers: headers) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("entityID"))
            }
            try await app.testing().test(.DELETE, "/api/v1/entities", headers: headers) { res async in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: "Allow") == "GET, POST")
            }
        }
    }

    /// role → (path, expected status). Anonymous web users are sent to sign in; API callers get 401.
    @Test func theRoleMatrixHolds() async throws {
        try await withTestApp { app in
            // given
            let department = try await app.makeDepartment("JD", "监督一科")
            let users: [String: User] = [
                "sysadmin": try await app.makeUser("m-sys", roles: [.sysadmin]),
                "securityAdmin": try await app.makeUser("m-sec", roles: [.securityAdmin]),
                "auditor": try await app.makeUser("m-aud", roles: [.auditor]),
                "inspector": try await app.makeUser("m-ins", roles: [.inspector], department: department.id),
                "leader": try await app.makeUser("m-lead", roles: [.leader]),
            ]
            let matrix: [(path: String, expected: [String: HTTPStatus])] = [
                ("/app", ["anonymous": .seeOther, "sysadmin": .ok, "securityAdmin": .ok, "auditor": .ok, "inspector": .ok, "leader": .ok]),
                ("/app/admin/users", ["anonymous": .seeOther, "sysadmin": .ok, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .forbidden, "leader": .forbidden]),
                ("/app/admin/system-log", ["anonymous": .seeOther, "sysadmin": .ok, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .forbidden, "leader": .forbidden]),
                ("/app/security/users", ["anonymous": .seeOther, "sysadmin": .forbidden, "securityAdmin": .ok, "auditor": .forbidden, "inspector": .forbidden, "leader": .forbidden]),
                ("/app/security/policy", ["anonymous": .seeOther, "sysadmin": .forbidden, "securityAdmin": .ok, "auditor": .forbidden, "inspector": .forbidden, "leader": .forbidden]),
                ("/app/audit", ["anonymous": .seeOther, "sysadmin": .forbidden, "securityAdmin": .forbidden, "auditor": .ok, "inspector": .forbidden, "leader": .forbidden]),
                ("/app/staff", ["anonymous": .seeOther, "sysadmin": .forbidden, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .ok, "leader": .ok]),
                ("/app/calendar", ["anonymous": .seeOther, "sysadmin": .ok, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .ok, "leader": .ok]),
                ("/api/v1/users", ["anonymous": .unauthorized, "sysadmin": .ok, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .forbidden, "leader": .forbidden]),
                ("/api/v1/audit/events", ["anonymous": .unauthorized, "sysadmin": .forbidden, "securityAdmin": .forbidden, "auditor": .ok, "inspector": .forbidden, "leader": .forbidden]),
                ("/api/v1/staff", ["anonymous": .unauthorized, "sysadmin": .forbidden, "securityAdmin": .forbidden, "auditor": .forbidden, "inspector": .ok, "leader": .ok]),
                ("/api/v1/me", ["anonymous": .unauthorized, "sysadmin": .ok, "securityAdmin": .ok, "auditor": .ok, "inspector": .ok, "leader": .ok]),
            ]
            var browsers: [String: Browser] = [:]
            var tokens: [String: String] = [:]
            for (role, user) in users {
                browsers[role] = try await app.signIn(user)
                let token = "wjt_test_\(role)"
                let record = APIToken()
                record.name = "test"
                record.tokenHash = WeijianServer.Sessions.hash(token)
                record.prefix = "wjt_test"
                record.$user.id = try user.requireID()
                record.createdAt = app.clock.now()
                try await record.create(on: app.db)
                tokens[role] = token
            }
            // when / then
            var mismatches: [String] = []
            for (path, expected) in matrix {
                for (role, status) in expected {
                    var headers = HTTPHeaders()
                    if path.hasPrefix("/api/") {
                        if let token = tokens[role] { headers.bearerAuthorization = .init(token: token) }
                    } else if let browser = browsers[role] {
                        headers = browser.headers
                    }
                    try await app.testing().test(.GET, path, headers: headers) { res async in
                        if res.status != status { mismatches.append("\(role) GET \(path): expected \(status.code), got \(res.status.code)") }
                        if path.hasPrefix("/api/"), res.status.code >= 400 {
                            if !res.body.string.contains("\"error\"") { mismatches.append("\(role) GET \(path): error body is not JSON") }
                        }
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            let denials = try await app.db.sql.select().column("seq").from("audit_events").where("action", .equal, "access.denied").all()
            #expect(denials.count >= 20)
        }
    }

    @Test func aForbiddenWebPageIsChineseAndAnAPIDenialIsJSON() async throws {
        try await withTestApp { app in
            let inspector = try await app.makeUser("ins", roles: [.inspector])
            let browser = try await app.signIn(inspector)
            try await app.testing().test(.GET, "/app/admin/users", headers: browser.headers) { res async in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("无权访问"))
                #expect(res.body.string.contains("管理用户账号"))
            }
            try await app.testing().test(.GET, "/api/v1/users") { res async in
                #expect(res.status == .unauthorized)
                #expect(res.headers.contentType == .json)
                #expect(res.body.string.contains("unauthenticated"))
            }
        }
    }

    @Test func theThreeAdministratorRolesCannotBeHeldTogetherAndAnAdminCannotGrantThemself() async throws {
        try await withTestApp { app in
            // given
            let sec = try await app.makeUser("sec", roles: [.securityAdmin])
            _ = try await app.makeUser("sec2", roles: [.securityAdmin])
            let target = try await app.makeUser("target", roles: [])
            let browser = try await app.signIn(sec)
            // when
            try await app.testing().test(.POST, "/app/security/users/\(target.id!.uuidString)", headers: .formHeaders(cookie: browser.cookie),
                                         body: ByteBuffer(string: "_csrf=\(browser.csrf)&roles%5B%5D=sysadmin&roles%5B%5D=auditor")) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("三权分立"))
            }
            #expect(try await UserQueries.roles(of: target.requireID(), on: app.db).isEmpty)
            try await app.testing().test(.POST, "/app/security/users/\(sec.id!.uuidString)", headers: .formHeaders(cookie: browser.cookie),
                                         body: ByteBuffer(string: "_csrf=\(browser.csrf)&roles%5B%5D=securityAdmin&roles%5B%5D=leader")) { res async in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("不能为自己的账号授权"))
            }
            try await app.testing().test(.POST, "/app/security/users/\(target.id!.uuidString)", headers: .formHeaders(cookie: browser.cookie),
                                         body: ByteBuffer(string: "_csrf=\(browser.csrf)&roles%5B%5D=inspector&roles%5B%5D=infoOfficer")) { res async in
                #expect(res.status == .seeOther)
            }
            #expect(try await UserQueries.roles(of: target.requireID(), on: app.db) == [.inspector, .infoOfficer])
        }
    }
}
