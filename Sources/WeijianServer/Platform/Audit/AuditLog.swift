import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The append-only, hash-chained audit log (DESIGN.md "Audit log").
///
/// Appending takes the chain head row first (`UPDATE … RETURNING`), which serialises appends on
/// both engines, so concurrent requests and several nodes still build one unbroken chain.
public enum AuditLog {
    public enum Outcome: String, Sendable, CaseIterable {
        case success, denied, failure
        public var chinese: String {
            switch self {
            case .success: "成功"
            case .denied: "拒绝"
            case .failure: "失败"
            }
        }
    }

    /// Records one event. Call it with the transaction that makes the change, so the change and its
    /// record commit together. Detail values pass through the same masking as pages: an ID number
    /// or phone typed into a search is stored masked (issue 10).
    public static func record(_ action: AuditAction, actor: Actor, target: (type: String, id: String) = ("", ""),
                              outcome: Outcome = .success, details: [String: String] = [:], ip: String = "",
                              keys: KeyStore, on db: any Database, now: Date) async throws {
        let detailText = canonicalJSON(masked(details))
        let chain = try keys.auditChainKey()
        try await db.writeTransaction { tx in
            guard let head = try await tx.sql.raw("""
                UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash
                """).first() else {
                throw Abort(.internalServerError, reason: "审计日志头记录缺失")
            }
            let sequence = try head.decode(column: "last_seq", as: Int64.self)
            let previous = try head.decode(column: "last_hash", as: String.self)
            let event = AuditRecord(sequence: sequence, occurredAt: Date(millis: now.millis), actorID: actor.id,
                                    actorName: actor.name, action: action.rawValue, targetType: target.type, targetID: target.id,
                                    outcome: outcome.rawValue, sourceIP: ip, details: detailText, previousHash: previous)
                .sealed(keyID: chain.id, key: chain.key)
            try await tx.sql.insert(into: "audit_events")
                .columns("seq", "occurred_at", "actor_id", "actor_name", "action", "target_type", "target_id",
                         "outcome", "source_ip", "details", "prev_hash", "hash", "chain_key")
                .values(SQLBind(event.sequence), SQLBind(now.millis), SQLBind(event.actorID), SQLBind(event.actorName),
                        SQLBind(event.action), SQLBind(event.targetType), SQLBind(event.targetID), SQLBind(event.outcome),
                        SQLBind(event.sourceIP), SQLBind(event.details), SQLBind(event.previousHash), SQLBind(event.hash),
                        SQLBind(event.chainKeyID))
                .run()
            try await tx.sql.update("audit_head").set("last_hash", to: event.hash).where("id", .equal, 1).run()
        }
        AppMetrics.shared.increment("weijian_audit_events_total")
    }

    /// Detail keys whose values name a natural person (masked as a name, like on pages). Staff
    /// acting are named in full: the actor of an event must be identifiable.
    static let personNameKeys: Set<String> = ["personName", "contactName", "complainant", "partyName"]

    static func masked(_ details: [String: String]) -> [String: String] {
        details.reduce(into: [:]) { result, item in
            result[item.key] = personNameKeys.contains(item.key) ? Masking.personName(item.value) : Masking.freeText(item.value)
        }
    }

    /// Sorted-key JSON, so equal details always hash equally.
    static func canonicalJSON(_ details: [String: String]) -> String {
        guard !details.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Signs a checkpoint over the chain head when events arrived since the last one.
    @discardableResult
    public static func checkpoint(on db: any Database, keys: KeyStore, now: Date) async throws -> AuditCheckpoint? {
        let checkpoint: AuditCheckpoint? = try await db.writeTransaction { tx in
            guard let head = try await tx.sql.raw("UPDATE audit_head SET last_seq = last_seq WHERE id = 1 RETURNING last_seq, last_hash").first() else {
                return nil
            }
            let lastSequence = try head.decode(column: "last_seq", as: Int64.self)
            let lastHash = try head.decode(column: "last_hash", as: String.self)
            let sealed = try await tx.sql.select().column(SQLFunction("MAX", args: SQLIdentifier("last_seq")), as: "m")
                .from("audit_checkpoints").first()?.decode(column: "m", as: Int64?.self) ?? 0
            guard lastSequence > sealed else { return nil }
            let signer = try keys.auditSigner()
            let checkpoint = try AuditCheckpoint(lastSequence: lastSequence, lastHash: lastHash, signedAt: Date(millis: now.millis),
                                                 keyID: signer.id).signed(with: signer.key)
            try await tx.sql.insert(into: "audit_checkpoints")
                .columns("last_seq", "last_hash", "signed_at", "key_id", "signature")
                .values(SQLBind(checkpoint.lastSequence), SQLBind(checkpoint.lastHash), SQLBind(now.millis),
                        SQLBind(checkpoint.keyID), SQLBind(checkpoint.signature))
                .run()
            return checkpoint
        }
        // Written after the commit: a witness line never claims an event the database may still roll back.
        if let checkpoint { try AuditWitness.append(checkpoint, paths: witnessPaths(keys)) }
        return checkpoint
    }

    /// The witness files: beside the keys, and in `WEIJIAN_AUDIT_WITNESS_DIR` when configured.
    static func witnessPaths(_ keys: KeyStore) -> [String] {
        var paths = [keys.auditWitnessPath]
        if let extra = ProcessInfo.processInfo.environment["WEIJIAN_AUDIT_WITNESS_DIR"], !extra.isEmpty {
            paths.append((extra as NSString).appendingPathComponent("audit-witness.log"))
        }
        return paths
    }

    /// Records in the key ring where the keyed chain starts, once, for a ring made before chain keys.
    static func settleChainStart(on db: any Database, keys: KeyStore) async throws {
        guard keys.chainKeyedFrom == nil else { return }
        let last = try await db.sql.select().column("last_seq").from("audit_head").where("id", .equal, 1).first()?
            .decode(column: "last_seq", as: Int64.self) ?? 0
        try keys.settleChainStart(after: last)
    }

    /// Verifies the whole chain, reading it in batches, against the checkpoints in the database and
    /// in the witness files outside it. `checkpointInterval` (seconds) is how often the server seals
    /// the chain: an unsealed tail older than twice that is reported as a warning.
    static func verify(on db: any Database, keys: KeyStore, now: Date = Date(), checkpointInterval: TimeInterval = Jobs.checkpointInterval) async throws -> AuditVerification {
        let checkpoints = try await db.sql.select().columns("last_seq", "last_hash", "signed_at", "key_id", "signature")
            .from("audit_checkpoints").orderBy("last_seq").all()
            .map { row in
                AuditCheckpoint(lastSequence: try row.decode(column: "last_seq", as: Int64.self),
                                lastHash: try row.decode(column: "last_hash", as: String.self),
                                signedAt: Date(millis: try row.decode(column: "signed_at", as: Int64.self)),
                                keyID: try row.decode(column: "key_id", as: String.self),
                                signature: try row.decode(column: "signature", as: String.self))
            }
        let witness = try AuditWitness.read(paths: witnessPaths(keys))
        var verifier = AuditChainVerifier(checkpoints: checkpoints, witness: witness, publicKeys: keys.auditPublicKeys(),
                                          chainKeys: keys.auditChainKeys(), keyedFrom: keys.chainKeyedFrom ?? .max)
        var after: Int64 = 0
        while true {
            let rows = try await eventQuery(on: db).where("seq", .greaterThan, after).orderBy("seq").limit(2000).all(decoding: EventRow.self)
            if rows.isEmpty { break }
            for row in rows { verifier.feed(row.record) }
            after = rows[rows.count - 1].seq
        }
        var result = verifier.finish()
        if let head = try await db.sql.select().column("last_seq").from("audit_head").where("id", .equal, 1).first(),
           let headSequence = try? head.decode(column: "last_seq", as: Int64.self), headSequence > after,
           !result.problems.contains(where: { if case .truncated = $0 { true } else { false } }) {
            result.problems.append(.truncated(checkpointSequence: headSequence, lastPresent: after))
        }
        if let oldest = result.oldestUnsealedAt, now.timeIntervalSince(oldest) > 2 * checkpointInterval {
            result.warnings.append("最后\(result.unsealedCount)个事件尚未签名封存（最早的发生于\(Format.dateTime(oldest))，超过检查点间隔的两倍）：服务可能未运行或定时任务停止")
        }
        return result
    }

    struct EventRow: Decodable, Sendable {
        let seq: Int64
        let occurred_at: Int64
        let actor_id: String
        let actor_name: String
        let action: String
        let target_type: String
        let target_id: String
        let outcome: String
        let source_ip: String
        let details: String
        let prev_hash: String
        let hash: String
        let chain_key: String?

        var record: AuditRecord {
            AuditRecord(sequence: seq, occurredAt: Date(millis: occurred_at), actorID: actor_id, actorName: actor_name,
                        action: action, targetType: target_type, targetID: target_id, outcome: outcome, sourceIP: source_ip,
                        details: details, previousHash: prev_hash, hash: hash, chainKeyID: chain_key)
        }
    }

    static func eventQuery(on db: any Database) -> SQLSelectBuilder {
        db.sql.select().columns("seq", "occurred_at", "actor_id", "actor_name", "action", "target_type", "target_id",
                                "outcome", "source_ip", "details", "prev_hash", "hash", "chain_key").from("audit_events")
    }

    /// Filters for the auditor's search.
    public struct Filter: Sendable {
        public var actor: String?
        public var action: String?
        public var outcome: String?
        public var from: Date?
        public var until: Date?
        public var text: String?
        /// One object's events: its type and id.
        public var target: (type: String, id: String)?
        public var beforeSequence: Int64?
        public var limit = 50
        public init() {}
    }

    /// A page of events, newest first, and how many match in all.
    static func search(_ filter: Filter, on db: any Database) async throws -> (rows: [EventRow], total: Int) {
        var query = eventQuery(on: db)
        if let actor = filter.actor, !actor.isEmpty { query = query.where("actor_name", .like, "%\(escapeLike(actor))%") }
        if let action = filter.action, !action.isEmpty {
            // Matches the code anywhere ("reveal" finds personal.reveal) or a Chinese name ("登录").
            let codes = AuditAction.allCases.filter { $0.chinese.contains(action) }.map(\.rawValue)
            query = query.where { group in
                var group = group.orWhere("action", .like, "%\(escapeLike(action))%")
                if !codes.isEmpty { group = group.orWhere("action", .in, codes) }
                return group
            }
        }
        if let outcome = filter.outcome, !outcome.isEmpty { query = query.where("outcome", .equal, outcome) }
        if let from = filter.from { query = query.where("occurred_at", .greaterThanOrEqual, from.millis) }
        if let until = filter.until { query = query.where("occurred_at", .lessThan, until.millis) }
        if let text = filter.text, !text.isEmpty {
            let pattern = "%\(escapeLike(text))%"
            query = query.where { group in
                group.where("details", .like, pattern).orWhere("target_id", .like, pattern).orWhere("target_type", .like, pattern)
            }
        }
        if let target = filter.target { query = query.where("target_type", .equal, target.type).where("target_id", .equal, target.id) }
        let total = try await query.countMatching()
        if let before = filter.beforeSequence { query = query.where("seq", .lessThan, before) }
        return (try await query.orderBy("seq", .descending).limit(filter.limit).all(decoding: EventRow.self), total)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}

extension Request {
    /// Records an event attributed to the signed-in user (or anonymous), with the client address.
    public func audit(_ action: AuditAction, target: (type: String, id: String) = ("", ""), outcome: AuditLog.Outcome = .success,
                      details: [String: String] = [:], on database: (any Database)? = nil) async throws {
        let actor = auth.get(CurrentUser.self).map(Actor.init) ?? .anonymous
        try await AuditLog.record(action, actor: actor, target: target, outcome: outcome, details: details,
                                  ip: clientIP, keys: application.keyStore, on: database ?? db, now: now)
    }

    /// The client's address; behind the documented proxy, the address nginx passes on.
    public var clientIP: String {
        if application.weijianSettings.behindProxy, let forwarded = headers.first(name: "X-Real-IP") { return forwarded }
        return remoteAddress?.ipAddress ?? ""
    }
}
