import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import WeijianCore
@testable import WeijianServer

/// Someone with the database file (not the keys folder) tampers with the audit log; each way is
/// found by `audit-verify`, naming the first bad sequence number (issue 10).
@Suite("Audit log tampering")
struct AuditTamperingTests {
    enum Tampering: String, CaseIterable, Sendable {
        case changedAfterDroppingTriggers, lastDeleted, lastDeletedAndHeadMovedBack, tailCheckpointsAndHeadDeleted,
             middleRangeDeleted, changedAndLaterHashesRecomputed
    }

    /// Ten events, sealed at 5 and at 10 (both in the database and in the witness file).
    func prepare(_ app: Application) async throws {
        for index in 1...10 {
            try await AuditLog.record(.numberingVoid, actor: .system, target: ("test", String(index)), details: ["n": String(index)],
                                      keys: app.keyStore, on: app.db, now: app.clock.now())
            if index == 5 || index == 10 { try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now()) }
        }
    }

    func dropGuards(_ app: Application) async throws {
        if app.db.engine == .sqlite {
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_delete").run()
        } else {
            try await app.db.sql.raw("DROP TRIGGER audit_events_no_change ON audit_events").run()
        }
    }

    func moveHead(_ app: Application, to sequence: Int64) async throws {
        let hash = try await app.db.sql.select().column("hash").from("audit_events").where("seq", .equal, sequence).first()?
            .decode(column: "hash", as: String.self) ?? AuditRecord.genesisHash
        try await app.db.sql.update("audit_head").set("last_seq", to: SQLBind(sequence)).set("last_hash", to: SQLBind(hash)).where("id", .equal, 1).run()
    }

    func tamper(_ app: Application, _ tampering: Tampering) async throws {
        try await dropGuards(app)
        let sql = app.db.sql
        switch tampering {
        case .changedAfterDroppingTriggers:
            try await sql.raw("UPDATE audit_events SET details = '{\"n\":\"99\"}' WHERE seq = 4").run()
        case .lastDeleted:
            try await sql.raw("DELETE FROM audit_events WHERE seq = 10").run()
        case .lastDeletedAndHeadMovedBack:
            try await sql.raw("DELETE FROM audit_events WHERE seq = 10").run()
            try await moveHead(app, to: 9)
        case .tailCheckpointsAndHeadDeleted:
            try await sql.raw("DELETE FROM audit_events WHERE seq >= 8").run()
            try await sql.raw("DELETE FROM audit_checkpoints WHERE last_seq >= 8").run()
            try await moveHead(app, to: 7)
        case .middleRangeDeleted:
            try await sql.raw("DELETE FROM audit_events WHERE seq BETWEEN 4 AND 6").run()
            try await sql.raw("DELETE FROM audit_checkpoints WHERE last_seq BETWEEN 4 AND 6").run()
        case .changedAndLaterHashesRecomputed:
            // Without the chain key the attacker can only recompute plain SHA-256 hashes.
            var rows = try await AuditLog.eventQuery(on: app.db).where("seq", .greaterThanOrEqual, 4).orderBy("seq").all(decoding: AuditLog.EventRow.self).map(\.record)
            rows[0].details = "{\"n\":\"99\"}"
            var previous = try await sql.select().column("hash").from("audit_events").where("seq", .equal, 3).first()!.decode(column: "hash", as: String.self)
            for index in rows.indices {
                rows[index].previousHash = previous
                rows[index].hash = Hex.encode(SHA256.hash(data: Array(previous.utf8) + rows[index].canonicalBytes))
                previous = rows[index].hash
                try await sql.update("audit_events").set("details", to: SQLBind(rows[index].details)).set("prev_hash", to: SQLBind(rows[index].previousHash))
                    .set("hash", to: SQLBind(rows[index].hash)).where("seq", .equal, rows[index].sequence).run()
            }
            try await sql.raw("DELETE FROM audit_checkpoints WHERE last_seq >= 4").run()
            try await moveHead(app, to: 10)
        }
    }

    static let firstBad: [Tampering: Int64] = [
        .changedAfterDroppingTriggers: 4, .lastDeleted: 10, .lastDeletedAndHeadMovedBack: 10,
        .tailCheckpointsAndHeadDeleted: 8, .middleRangeDeleted: 4, .changedAndLaterHashesRecomputed: 4,
    ]

    @Test(arguments: Tampering.allCases)
    func eachTamperingFailsVerificationNamingTheFirstBadEvent(_ tampering: Tampering) async throws {
        try await withTestApp { app in
            // given
            try await prepare(app)
            #expect(try await AuditLog.verify(on: app.db, keys: app.keyStore).isIntact)
            // when
            try await tamper(app, tampering)
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            // then
            #expect(!result.isIntact)
            #expect(result.firstBadSequence == Self.firstBad[tampering], "\(tampering): \(result.problems.map(\.chinese))")
        }
    }

    @Test func theCommandExitsNonZeroAndNamesTheFirstBadEvent() async throws {
        try await withTestApp { app in
            // given
            try await prepare(app)
            try await tamper(app, .tailCheckpointsAndHeadDeleted)
            // when
            let result = try await AuditLog.verify(on: app.db, keys: app.keyStore)
            // then
            #expect(result.problems.contains { $0.chinese.contains("第7号") || $0.chinese.contains("第10号") })
            #expect(result.witnessSequence == 10)
        }
    }

    @Test func anUnsealedTailOlderThanTwiceTheCheckpointIntervalIsAWarning() async throws {
        try await withTestApp { app in
            // given
            try await prepare(app)
            try await AuditLog.record(.numberingVoid, actor: .system, keys: app.keyStore, on: app.db, now: app.clock.now())
            // when
            let fresh = try await AuditLog.verify(on: app.db, keys: app.keyStore, now: app.clock.now())
            let stale = try await AuditLog.verify(on: app.db, keys: app.keyStore, now: app.clock.now().addingTimeInterval(3 * Jobs.checkpointInterval))
            // then
            #expect(fresh.isIntact && fresh.warnings.isEmpty)
            #expect(stale.isIntact)
            #expect(stale.warnings.first?.contains("尚未签名封存") == true)
        }
    }

    @Test func personalDataTypedIntoASearchIsMaskedInTheAuditLog() async throws {
        try await withTestApp { app in
            // given
            let officer = try await app.makeUser("xx", roles: [.infoOfficer])
            let browser = try await app.signIn(officer)
            // when
            try await app.testing().test(.GET, "/app/entities/export?q=11010519491231002X&format=csv", headers: browser.headers) { _ async in }
            try await app.testing().test(.GET, "/app/entities/export?q=13800138000&format=csv", headers: browser.headers) { _ async in }
            // then
            let details = try await app.db.sql.select().column("details").from("audit_events").where("action", .equal, "data.export").all()
                .map { try $0.decode(column: "details", as: String.self) }
            #expect(details.count == 2)
            #expect(details.allSatisfy { !$0.contains("11010519491231002X") && !$0.contains("13800138000") })
            #expect(details.contains { $0.contains("110105********002X") })
            #expect(details.contains { $0.contains("138****8000") })
        }
    }
}
