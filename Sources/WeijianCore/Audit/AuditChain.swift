import Crypto
import Foundation

/// One audit event as the chain sees it. The hash covers the previous event's hash and the
/// event's canonical bytes, so changing, inserting or removing a row breaks every later link.
///
/// The hash is keyed (HMAC-SHA256 with a chain key from the key ring, which never enters the
/// database): whoever holds only the database can change an event but cannot recompute the hashes
/// after it. Events written before chain keys existed carry no key id and a plain SHA-256; the key
/// ring records from which sequence number every event must be keyed.
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
    /// The chain key the hash was made with; nil for an event from before chain keys.
    public var chainKeyID: String?

    public init(sequence: Int64, occurredAt: Date, actorID: String, actorName: String, action: String,
                targetType: String, targetID: String, outcome: String, sourceIP: String, details: String,
                previousHash: String, hash: String = "", chainKeyID: String? = nil) {
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
        self.chainKeyID = chainKeyID
    }

    /// The genesis link before the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Field values joined with unit separators, times as whole milliseconds (both engines keep them).
    /// A keyed event's bytes include its key id, so the id cannot be swapped for another.
    public var canonicalBytes: [UInt8] {
        let millis = Int64((occurredAt.timeIntervalSince1970 * 1000).rounded())
        var fields = [String(sequence), String(millis), actorID, actorName, action, targetType, targetID, outcome, sourceIP, details]
        if let chainKeyID { fields.append(chainKeyID) }
        return Array(fields.joined(separator: "\u{1F}").utf8)
    }

    /// The hash: HMAC-SHA256 with `key` for a keyed event, plain SHA-256 for an event from before
    /// chain keys (`chainKeyID == nil`). Nil when the event names a key that is not given.
    public func computeHash(key: SymmetricKey?) -> String? {
        let message = Array(previousHash.utf8) + canonicalBytes
        guard chainKeyID != nil else { return Hex.encode(SHA256.hash(data: message)) }
        guard let key else { return nil }
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// Returns the record with its hash filled in, keyed with `key` (whose id is `keyID`).
    public func sealed(keyID: String, key: SymmetricKey) -> AuditRecord {
        var copy = self
        copy.chainKeyID = keyID
        copy.hash = copy.computeHash(key: key) ?? ""
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
        /// An event from the keyed part of the chain without a key the ring knows.
        case unkeyed(sequence: Int64)
        /// The witness file (outside the database) records another hash for this event.
        case witnessMismatch(sequence: Int64)
        case badWitnessSignature(lastSequence: Int64)

        public var chinese: String {
            switch self {
            case .hashMismatch(let s): "第\(s)号事件内容被改动（哈希不符）"
            case .brokenLink(let s): "第\(s)号事件的前序哈希不符（链条断开）"
            case .missing(let a, let n): "第\(a)号与第\(n)号事件之间缺少事件（被删除）"
            case .badCheckpointSignature(let s): "截至第\(s)号事件的检查点签名无效"
            case .checkpointMismatch(let s): "截至第\(s)号事件的检查点与日志不符"
            case .truncated(let c, let l): "检查点记录到第\(c)号事件，但日志只到第\(l)号（末尾事件被删除）"
            case .unkeyed(let s): "第\(s)号事件没有使用审计链密钥（被改写为旧格式）"
            case .witnessMismatch(let s): "第\(s)号事件与数据库之外的见证文件记录不符（日志被改写）"
            case .badWitnessSignature(let s): "见证文件中截至第\(s)号事件的检查点签名无效"
            }
        }

        /// The sequence number of the first event concerned.
        public var sequence: Int64 {
            switch self {
            case .hashMismatch(let s), .brokenLink(let s), .badCheckpointSignature(let s), .checkpointMismatch(let s),
                 .unkeyed(let s), .witnessMismatch(let s), .badWitnessSignature(let s): s
            case .missing(let a, _): a + 1
            case .truncated(_, let l): l + 1
            }
        }
    }

    public var eventsChecked = 0
    public var lastSealedSequence: Int64 = 0
    public var unsealedCount = 0
    /// When the oldest event after the last checkpoint happened (nil when every event is sealed).
    public var oldestUnsealedAt: Date?
    /// The last checkpoint in the witness file outside the database.
    public var witnessSequence: Int64 = 0
    public var problems: [Problem] = []
    /// Findings that do not make the chain broken (e.g. an unsealed tail older than it should be).
    public var warnings: [String] = []

    public var isIntact: Bool { problems.isEmpty }

    /// The first sequence number any problem concerns: where to start looking.
    public var firstBadSequence: Int64? { problems.map(\.sequence).min() }
}

/// Verifies a chain read in sequence order against its checkpoints. Feed events one at a time so
/// a large log never has to sit in memory.
public struct AuditChainVerifier: Sendable {
    let checkpoints: [Int64: AuditCheckpoint]
    let witness: [Int64: AuditCheckpoint]
    let chainKeys: [String: SymmetricKey]
    let keyedFrom: Int64
    var previousHash = AuditRecord.genesisHash
    var previousSequence: Int64 = 0
    public private(set) var result = AuditVerification()

    /// - Parameters:
    ///   - checkpoints: the signed checkpoints stored in the database.
    ///   - witness: the checkpoints in the append-only witness file outside the database; the
    ///     database cannot rewrite them, so a chain cut short or rewritten before them shows.
    ///   - chainKeys: the chain keys by id (from the key ring).
    ///   - keyedFrom: the first sequence number that must be keyed.
    public init(checkpoints: [AuditCheckpoint], witness: [AuditCheckpoint] = [], publicKeys: [String: Curve25519.Signing.PublicKey],
                chainKeys: [String: SymmetricKey] = [:], keyedFrom: Int64 = .max) {
        self.chainKeys = chainKeys
        self.keyedFrom = keyedFrom
        var byEnd: [Int64: AuditCheckpoint] = [:]
        for checkpoint in checkpoints {
            guard let key = publicKeys[checkpoint.keyID], checkpoint.isValid(publicKey: key) else {
                result.problems.append(.badCheckpointSignature(lastSequence: checkpoint.lastSequence))
                continue
            }
            byEnd[checkpoint.lastSequence] = checkpoint
            result.lastSealedSequence = max(result.lastSealedSequence, checkpoint.lastSequence)
        }
        var witnessed: [Int64: AuditCheckpoint] = [:]
        for checkpoint in witness {
            guard let key = publicKeys[checkpoint.keyID], checkpoint.isValid(publicKey: key) else {
                result.problems.append(.badWitnessSignature(lastSequence: checkpoint.lastSequence))
                continue
            }
            witnessed[checkpoint.lastSequence] = checkpoint
            result.witnessSequence = max(result.witnessSequence, checkpoint.lastSequence)
            result.lastSealedSequence = max(result.lastSealedSequence, checkpoint.lastSequence)
        }
        self.checkpoints = byEnd
        self.witness = witnessed
    }

    public mutating func feed(_ record: AuditRecord) {
        result.eventsChecked += 1
        if record.sequence != previousSequence + 1 {
            result.problems.append(.missing(afterSequence: previousSequence, nextSequence: record.sequence))
        }
        if record.previousHash != previousHash {
            result.problems.append(.brokenLink(sequence: record.sequence))
        }
        let key = record.chainKeyID.flatMap { chainKeys[$0] }
        if record.sequence >= keyedFrom && key == nil {
            result.problems.append(.unkeyed(sequence: record.sequence))
        } else if record.computeHash(key: key) != record.hash {
            result.problems.append(.hashMismatch(sequence: record.sequence))
        }
        if let checkpoint = checkpoints[record.sequence], checkpoint.lastHash != record.hash {
            result.problems.append(.checkpointMismatch(lastSequence: record.sequence))
        }
        if let checkpoint = witness[record.sequence], checkpoint.lastHash != record.hash {
            result.problems.append(.witnessMismatch(sequence: record.sequence))
        }
        if record.sequence > result.lastSealedSequence && result.oldestUnsealedAt == nil {
            result.oldestUnsealedAt = record.occurredAt
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
