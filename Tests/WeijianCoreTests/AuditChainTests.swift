import Crypto
import Foundation
import Testing
@testable import WeijianCore

/// The hash-chained audit log and its signed checkpoints.
@Suite("审计日志链")
struct AuditChainTests {
    static let start = Date(timeIntervalSince1970: 1_771_000_000)
    static let chainKey = SymmetricKey(data: Data(repeating: 0x5A, count: 32))
    static let chainKeys = ["c2026": chainKey]

    /// A chain of `count` sealed records, each linked to the previous one's hash.
    static func chain(_ count: Int) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var previous = AuditRecord.genesisHash
        for sequence in 1...Int64(count) {
            let record = AuditRecord(
                sequence: sequence, occurredAt: start.addingTimeInterval(Double(sequence) * 61.5),
                actorID: "u\(sequence % 3)", actorName: ["张三", "李四", "王五"][Int(sequence % 3)],
                action: sequence.isMultiple(of: 2) ? "personal.reveal" : "complaint.update",
                targetType: "complaint", targetID: "TS-2026-\(sequence)", outcome: "success",
                sourceIP: "10.0.0.\(sequence)", details: "第\(sequence)号事件", previousHash: previous
            ).sealed(keyID: "c2026", key: chainKey)
            records.append(record)
            previous = record.hash
        }
        return records
    }

    static func checkpoint(after record: AuditRecord, key: Curve25519.Signing.PrivateKey, keyID: String = "audit-2026") throws -> AuditCheckpoint {
        try AuditCheckpoint(lastSequence: record.sequence, lastHash: record.hash,
                            signedAt: record.occurredAt.addingTimeInterval(1), keyID: keyID).signed(with: key)
    }

    static func verify(_ records: [AuditRecord], checkpoints: [AuditCheckpoint], keys: [String: Curve25519.Signing.PublicKey]) -> AuditVerification {
        var verifier = AuditChainVerifier(checkpoints: checkpoints, publicKeys: keys, chainKeys: chainKeys, keyedFrom: 1)
        for record in records { verifier.feed(record) }
        return verifier.finish()
    }

    @Test("Sealed records link to each other and hash deterministically")
    func sealing() {
        // given
        let records = Self.chain(3)

        // when
        let recomputed = records.map { $0.computeHash(key: Self.chainKey) }

        // then
        #expect(records[0].previousHash == AuditRecord.genesisHash)
        #expect(records[1].previousHash == records[0].hash)
        #expect(records[2].previousHash == records[1].hash)
        #expect(recomputed == records.map(\.hash))
        #expect(Set(recomputed).count == 3)
        #expect(records.allSatisfy { $0.hash.count == 64 && $0.hash.allSatisfy { $0.isHexDigit } })
    }

    @Test("An untouched chain with a signed checkpoint verifies")
    func intactChain() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let records = Self.chain(8)
        let checkpoint = try Self.checkpoint(after: records[5], key: key)

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(result.isIntact)
        #expect(result.problems.isEmpty)
        #expect(result.eventsChecked == 8)
        #expect(result.lastSealedSequence == 6)
        #expect(checkpoint.isValid(publicKey: key.publicKey))
    }

    @Test("Events after the last checkpoint are counted as unsealed")
    func unsealedCount() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let records = Self.chain(10)
        let checkpoints = try [Self.checkpoint(after: records[2], key: key), Self.checkpoint(after: records[6], key: key)]

        // when
        let result = Self.verify(records, checkpoints: checkpoints, keys: ["audit-2026": key.publicKey])
        let noCheckpoint = Self.verify(records, checkpoints: [], keys: [:])

        // then
        #expect(result.isIntact)
        #expect(result.lastSealedSequence == 7)
        #expect(result.unsealedCount == 3)
        #expect(noCheckpoint.isIntact)
        #expect(noCheckpoint.unsealedCount == 10)
    }

    @Test("Changing one record's details is a hash mismatch naming its sequence")
    func changedDetails() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        var records = Self.chain(6)
        let checkpoint = try Self.checkpoint(after: records[5], key: key)
        records[2].details = "第3号事件（已改）"

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(!result.isIntact)
        #expect(result.problems == [.hashMismatch(sequence: 3)])
        #expect(result.problems.first?.sequence == 3)
        #expect(result.problems.first?.chinese.contains("第3号") == true)
    }

    @Test("Changing a record and re-sealing it breaks the next link and the checkpoint")
    func resealedRecord() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        var records = Self.chain(6)
        let checkpoint = try Self.checkpoint(after: records[5], key: key)
        records[5].actorName = "某人"
        records[5] = records[5].sealed(keyID: "c2026", key: Self.chainKey)
        records[2].outcome = "failure"
        records[2] = records[2].sealed(keyID: "c2026", key: Self.chainKey)

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(result.problems == [.brokenLink(sequence: 4), .checkpointMismatch(lastSequence: 6)])
    }

    @Test("Removing a middle record is reported as missing")
    func removedMiddleRecord() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        var records = Self.chain(6)
        let checkpoint = try Self.checkpoint(after: records[5], key: key)
        records.remove(at: 3)

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(result.problems.contains(.missing(afterSequence: 3, nextSequence: 5)))
        #expect(result.problems.first?.sequence == 4)
        #expect(result.eventsChecked == 5)
    }

    @Test("Removing the tail covered by a checkpoint is reported as truncation")
    func truncatedTail() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let full = Self.chain(8)
        let checkpoint = try Self.checkpoint(after: full[7], key: key)
        let records = Array(full.prefix(5))

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(result.problems == [.truncated(checkpointSequence: 8, lastPresent: 5)])
        #expect(result.problems.first?.sequence == 6)
        #expect(result.unsealedCount == 0)
    }

    @Test("A checkpoint signed with another key, or altered after signing, is refused",
          arguments: ["other key", "altered sequence", "altered signature", "unknown key id"])
    func forgedCheckpoint(forgery: String) throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let records = Self.chain(4)
        var checkpoint = try Self.checkpoint(after: records[3], key: key)
        switch forgery {
        case "other key": checkpoint = try Self.checkpoint(after: records[3], key: Curve25519.Signing.PrivateKey())
        case "altered sequence": checkpoint.lastSequence = 3
        case "altered signature": checkpoint.signature = Data(repeating: 7, count: 64).base64EncodedString()
        default: checkpoint = try Self.checkpoint(after: records[3], key: key, keyID: "audit-1999")
        }

        // when
        let result = Self.verify(records, checkpoints: [checkpoint], keys: ["audit-2026": key.publicKey])

        // then
        #expect(result.problems.contains(.badCheckpointSignature(lastSequence: checkpoint.lastSequence)))
        #expect(result.lastSealedSequence == 0)
        #expect(result.unsealedCount == 4)
    }

    @Test("The hash covers time in whole milliseconds, as both databases keep it")
    func canonicalForm() throws {
        // given
        let record = Self.chain(1)[0]
        var sameMillisecond = record
        sameMillisecond.occurredAt = record.occurredAt.addingTimeInterval(0.0001)
        var nextMillisecond = record
        nextMillisecond.occurredAt = record.occurredAt.addingTimeInterval(0.001)

        // when
        let hashes = [sameMillisecond.computeHash(key: Self.chainKey), nextMillisecond.computeHash(key: Self.chainKey)]

        // then
        #expect(hashes[0] == record.hash)
        #expect(hashes[1] != record.hash)
    }

    @Test("Without the chain key, a changed record cannot be re-hashed so that it verifies")
    func recomputedWithoutTheKey() throws {
        // given: the attacker changes record 3 and recomputes every later hash as plain SHA-256
        var records = Self.chain(6)
        records[2].details = "第3号事件（已改）"
        var previous = records[1].hash
        for index in 2..<records.count {
            records[index].previousHash = previous
            records[index].hash = Hex.encode(SHA256.hash(data: Array(records[index].previousHash.utf8) + records[index].canonicalBytes))
            previous = records[index].hash
        }

        // when
        let result = Self.verify(records, checkpoints: [], keys: [:])

        // then: the first changed record is named
        #expect(result.firstBadSequence == 3)
        #expect(result.problems.first == .hashMismatch(sequence: 3))
    }

    @Test("Events in the keyed part of the chain rewritten as old unkeyed events are refused")
    func downgradedToUnkeyed() throws {
        // given: record 4 onwards turned into plain SHA-256 events without a key id
        var records = Self.chain(6)
        var previous = records[2].hash
        for index in 3..<records.count {
            records[index].chainKeyID = nil
            records[index].previousHash = previous
            records[index].hash = records[index].computeHash(key: nil) ?? ""
            previous = records[index].hash
        }

        // when
        let keyedFromStart = Self.verify(records, checkpoints: [], keys: [:])
        var legacyAllowed = AuditChainVerifier(checkpoints: [], publicKeys: [:], chainKeys: Self.chainKeys, keyedFrom: 7)
        for record in records { legacyAllowed.feed(record) }

        // then
        #expect(keyedFromStart.firstBadSequence == 4)
        #expect(keyedFromStart.problems.contains(.unkeyed(sequence: 4)))
        #expect(legacyAllowed.finish().isIntact)
    }

    @Test("A witness checkpoint outside the database finds a tail cut short together with its checkpoints")
    func witnessFindsTruncation() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let full = Self.chain(8)
        let witness = try Self.checkpoint(after: full[7], key: key)
        let cut = Array(full.prefix(6))

        // when
        var verifier = AuditChainVerifier(checkpoints: [], witness: [witness], publicKeys: ["audit-2026": key.publicKey],
                                          chainKeys: Self.chainKeys, keyedFrom: 1)
        for record in cut { verifier.feed(record) }
        let result = verifier.finish()

        // then
        #expect(result.firstBadSequence == 7)
        #expect(result.witnessSequence == 8)
    }

    @Test("A witness checkpoint that disagrees with the event it names is reported")
    func witnessMismatch() throws {
        // given
        let key = Curve25519.Signing.PrivateKey()
        let records = Self.chain(5)
        var other = records[3]
        other.hash = String(repeating: "a", count: 64)
        let witness = try Self.checkpoint(after: other, key: key)

        // when
        var verifier = AuditChainVerifier(checkpoints: [], witness: [witness], publicKeys: ["audit-2026": key.publicKey],
                                          chainKeys: Self.chainKeys, keyedFrom: 1)
        for record in records { verifier.feed(record) }

        // then
        #expect(verifier.finish().problems == [.witnessMismatch(sequence: 4)])
    }
}
