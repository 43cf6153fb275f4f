import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// A replayed form or API request answers with the first result and creates nothing twice (issue 10).
@Suite("Replays and double submissions")
struct ReplayTests {
    @Test func aReplayedPortalChangeFormAnswersWithTheFirstSubmissionAndASecondChangeWaitsForTheFirst() async throws {
        try await withTestApp { app in
            // given
            try await app.relaxSecondFactor()
            let entity = try await app.makeEntity()
            let user = try await app.makeUser("unit1", roles: [.entityUser])
            user.entityID = entity.id
            try await user.save(on: app.db)
            let unit = try await app.signIn(user)
            let fields = ["_csrf": unit.csrf, "_once": "form-token-1", "kind": "entityChange", "payload[entity][legalRepName]": "李四"]
            // when: the same form three times, one after another
            var locations: [String] = []
            for _ in 0..<3 {
                try await app.testing().test(.POST, "/portal/submissions", headers: .formHeaders(cookie: unit.cookie), body: form(fields)) { res async in
                    #expect(res.status == .seeOther)
                    locations.append(res.headers.first(name: .location) ?? "")
                }
            }
            // then
            #expect(Set(locations).count == 1)
            #expect(try await Submission.query(on: app.db).count() == 1)
            // when: a new form (another token) for a second change of the same kind
            try await app.testing().test(.POST, "/portal/submissions", headers: .formHeaders(cookie: unit.cookie),
                                         body: form(fields.merging(["_once": "form-token-2"]) { $1 })) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("已有一份待审核的基本信息变更"))
            }
            #expect(try await Submission.query(on: app.db).count() == 1)
        }
    }

    @Test func parallelRegistrationsFromOneFormCreateOneUnit() async throws {
        try await withTestApp { app in
            // given
            let clerk = try await app.makeUser("clerk", roles: [.infoOfficer])
            try await DataScopeGrant(userID: clerk.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(clerk)
            let fields = ["_csrf": browser.csrf, "_once": "register-1", "name": "福州无码宾馆", "operatingAddress": "福州市鼓楼区杨桥路9号",
                          "divisionCode": "350102", "categoryCode": "GG0101"]
            // when: a double click sends the form twice at once
            let locations = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var location = ""
                        try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                            location = res.headers.first(name: .location) ?? "status \(res.status.code)"
                        }
                        return location
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            #expect(try await app.entityCount() == 1)
            #expect(Set(locations).count == 1)
            #expect(locations[0].hasPrefix("/app/entities/"))
        }
    }

    @Test func aFormThatFailedValidationCanBeSentAgainCorrectedWithTheSameToken() async throws {
        try await withTestApp { app in
            // given
            let clerk = try await app.makeUser("clerk", roles: [.infoOfficer])
            try await DataScopeGrant(userID: clerk.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let browser = try await app.signIn(clerk)
            var fields = ["_csrf": browser.csrf, "_once": "register-2", "name": "", "operatingAddress": "福州市鼓楼区杨桥路9号",
                          "divisionCode": "350102", "categoryCode": "GG0101"]
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                #expect(res.status == .unprocessableEntity)
            }
            // when
            fields["name"] = "福州补正宾馆"
            try await app.testing().test(.POST, "/app/entities", headers: .formHeaders(cookie: browser.cookie), body: form(fields)) { res async in
                // then
                #expect(res.status == .seeOther)
            }
            #expect(try await app.entityCount() == 1)
        }
    }

    @Test func anAPIPostWithAnIdempotencyKeyIsDoneOnceAndRepliedTheSame() async throws {
        try await withTestApp { app in
            // given
            let clerk = try await app.makeUser("clerk", roles: [.infoOfficer])
            try await DataScopeGrant(userID: clerk.id!, dimension: .department, value: "*", grantedBy: "test", at: app.clock.now()).create(on: app.db)
            let (_, token) = try await AccountController.issue(.init(name: "t", validDays: 1), userID: clerk.requireID(), by: app.systemCaller)
            var prepared = HTTPHeaders()
            prepared.bearerAuthorization = .init(token: token)
            prepared.contentType = .json
            prepared.add(name: "Idempotency-Key", value: "create-unit-0001")
            let headers = prepared
            let body = #"{"name":"福州接口宾馆","operatingAddress":"福州市鼓楼区杨桥路11号","divisionCode":"350102","categoryCode":"GG0101"}"#
            // when: sent twice at once, then once more
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var answer = (HTTPStatus.ok, "")
                        try await app.testing().test(.POST, "/api/v1/entities", headers: headers, body: ByteBuffer(string: body)) { res async in
                            answer = (res.status, res.body.string)
                        }
                        return answer
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var third = (HTTPStatus.ok, "", "")
            try await app.testing().test(.POST, "/api/v1/entities", headers: headers, body: ByteBuffer(string: body)) { res async in
                third = (res.status, res.body.string, res.headers.first(name: "Idempotent-Replayed") ?? "")
            }
            // then
            #expect(answers.allSatisfy { $0.0 == .created })
            #expect(answers[0].1 == answers[1].1)
            #expect(third.0 == .created && third.1 == answers[0].1 && third.2 == "true")
            #expect(try await app.entityCount() == 1)
            // when: the same key for another request
            try await app.testing().test(.POST, "/api/v1/entities", headers: headers,
                                         body: ByteBuffer(string: body.replacingOccurrences(of: "接口宾馆", with: "另一宾馆"))) { res async in
                // then
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("idempotencyKey.reused"))
            }
        }
    }
}
