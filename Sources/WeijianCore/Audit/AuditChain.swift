import Crypto
import Foundation

/// One audit event as the chain sees it. The hash covers the previous event's hash and the
/// event's canonical bytes, so changing, inserting or removing a row breaks every later link.
public struct AuditRecord: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var occurredAt: Date
    public var actorID: String
    public var actorName: String
    public var action: String
    public var targetType: String
    public var targetID: String
    public var outcome: String
    public var sourceIP: String
    public var details: String
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, occurredAt: Date, actorID: String, actorName: String, action: String,
                targetType: String, targetID: String, outcome: String, sourceIP: String, details: String,
                previousHash: String, hash: String = "") {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.outcome = outcome
        self.sourceIP = sourceIP
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The genesis link before the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Field values joined with unit separators, times as whole milliseconds (both engines keep them).
    public var canonicalBytes: [UInt8] {
        let millis = Int64((occurredAt.timeIntervalSince1970 * 1000).rounded())
        let fields = [String(sequence), String(millis), actorID, actorName, action, targetType, targetID, outcome, sourceIP, details]
        return Array(fields.joined(separator: "\u{1F}").utf8)
    }

    public func computeHash() -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previousHash.utf8))
        hasher.update(data: canonicalBytes)
        return Hex.encode(hasher.finalize())
    }

    /// Returns the record with its hash filled in.
    public func sealed() -> AuditRecord {
        var copy = self
        copy.hash = computeHash()
        return copy
    }
}

/// A signed statement that the chain up to `lastSequence` ended with `lastHash`.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public var lastSequence: Int64
    public var lastHash: String
    public var signedAt: Date
    public var keyID: String
    public var signature: String

    public init(lastSequence: Int64, lastHash: String, signedAt: Date, keyID: String, signature: String = "") {
        self.lastSequence = lastSequence
        self.lastHash = lastHash
        self.signedAt = signedAt
        self.keyID = keyID
        self.signature = signature
    }

    public var signedBytes: [UInt8] {
        let millis = Int64((signedAt.timeIntervalSince1970 * 1000).rounded())
        return Array("weijian-audit-checkpoint\u{1F}\(lastSequence)\u{1F}\(lastHash)\u{1F}\(millis)\u{1F}\(keyID)".utf8)
    }

    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> AuditCheckpoint {
        var copy = self
        copy.signature = try key.signature(for: signedBytes).base64EncodedString()
        return copy
    }

    public func isValid(publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard let data = Data(base64Encoded: signature) else { return false }
        return publicKey.isValidSignature(data, for: signedBytes)
    }
}

/// The outcome of verifying the chain.
public struct AuditVerification: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        case hashMismatch(sequence: Int64)
        case brokenLink(sequence: Int64)
        case missing(afterSequence: Int64, nextSequence: Int64)
        case badCheckpointSignature(lastSequence: Int64)
        case checkpointMismatch(lastSequence: Int64)
        case truncated(checkpointSequence: Int64, lastPresent: Int64)

        public var chinese: String {
            switch self {
            case .hashMismatch(let s): "第\(s)号事件内容被改动（哈希不符）"
            case .brokenLink(let s): "第\(s)号事件的前序哈希不符（链条断开）"
            case .missing(let a, let n): "第\(a)号与第\(n)号事件之间缺少事件（被删除）"
            case .badCheckpointSignature(let s): "截至第\(s)号事件的检查点签名无效"
            case .checkpointMismatch(let s): "截至第\(s)号事件的检查点与日志不符"
            case .truncated(let c, let l): "检查点记录到第\(c)号事件，但日志只到第\(l)号（末尾事件被删除）"
            }
        }

        /// The sequence number of the first event concerned.
        public var sequence: Int64 {
            switch self {
            case .hashMismatch(let s), .brokenLink(let s), .badCheckpointSignature(let s), .checkpointMismatch(let s): s
            case .missing(let a, _): a + 1
            case .truncated(_, let l): l + 1
            }
        }
    }

    public var eventsChecked = 0
    public var lastSealedSequence: Int64 = 0
    public var unsealedCount = 0
    public var problems: [Problem] = []

    public var isIntact: Bool { problems.isEmpty }
}

/// Verifies a chain read in sequence order against its checkpoints. Feed events one at a time so
/// a large log never has to sit in memory.
public struct AuditChainVerifier: Sendable {
    let checkpoints: [Int64: AuditCheckpoint]
    let publicKeys: [String: Curve25519.Signing.PublicKey]
    var previousHash = AuditRecord.genesisHash
    var previousSequence: Int64 = 0
    public private(set) var result = AuditVerification()

    public init(checkpoints: [AuditCheckpoint], publicKeys: [String: Curve25519.Signing.PublicKey]) {
        var byEnd: [Int64: AuditCheckpoint] = [:]
        for checkpoint in checkpoints { byEnd[checkpoint.lastSequence] = checkpoint }
        self.checkpoints = byEnd
        self.publicKeys = publicKeys
        for checkpoint in checkpoints {
            guard let key = publicKeys[checkpoint.keyID], checkpoint.isValid(publicKey: key) else {
                result.problems.append(.badCheckpointSignature(lastSequence: checkpoint.lastSequence))
                continue
            }
            result.lastSealedSequence = max(result.lastSealedSequence, checkpoint.lastSequence)
        }
    }

    public mutating func feed(_ record: AuditRecord) {
        result.eventsChecked += 1
        if record.sequence != previousSequence + 1 {
            result.problems.append(.missing(afterSequence: previousSequence, nextSequence: record.sequence))
        }
        if record.previousHash != previousHash {
            result.problems.append(.brokenLink(sequence: record.sequence))
        }
        if record.computeHash() != record.hash {
            result.problems.append(.hashMismatch(sequence: record.sequence))
        }
        if let checkpoint = checkpoints[record.sequence], checkpoint.lastHash != record.hash {
            result.problems.append(.checkpointMismatch(lastSequence: record.sequence))
        }
        previousHash = record.hash
        previousSequence = record.sequence
    }

    /// Call after the last event.
    public mutating func finish() -> AuditVerification {
        if result.lastSealedSequence > previousSequence {
            result.problems.append(.truncated(checkpointSequence: result.lastSealedSequence, lastPresent: previousSequence))
        }
        result.unsealedCount = Int(max(0, previousSequence - result.lastSealedSequence))
        return result
    }
}
