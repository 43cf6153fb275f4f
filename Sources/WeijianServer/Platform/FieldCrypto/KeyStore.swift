import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor
import WeijianCore

/// The key ring in `WEIJIAN_KEYS_DIR/keyring.json` (mode 0600): data keys for field encryption, keys
/// for blind indexes, and the audit checkpoint signing keys. Keys never enter the database or its
/// backups; back the keys folder up separately (docs/operations.md).
public final class KeyStore: Sendable {
    struct StoredKey: Codable {
        var id: String
        var algorithm: String
        var material: String
        var createdAt: Date
    }

    struct Ring: Codable {
        var dataKeys: [StoredKey]
        var activeDataKey: String
        var indexKeys: [StoredKey]
        var activeIndexKey: String
        var auditKeys: [StoredKey]
        var activeAuditKey: String
        /// Keys of the audit hash chain (HMAC). Rings from before chain keys get one on first load.
        var chainKeys: [StoredKey]?
        var activeChainKey: String?
        /// The first audit sequence number hashed with a chain key: earlier events keep their plain
        /// SHA-256. Kept here, outside the database, so the database cannot claim a later start.
        var chainKeyedFrom: Int64?
    }

    public let directory: String
    private let ring: NIOLockedValueBox<Ring>

    var path: String { (directory as NSString).appendingPathComponent("keyring.json") }

    /// Opens the key ring, creating the folder and a first set of keys when there is none.
    public init(directory: String, now: Date = Date()) throws {
        self.directory = directory
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = (directory as NSString).appendingPathComponent("keyring.json")
        if fm.fileExists(atPath: file) {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            var loaded: Ring
            do {
                loaded = try JSONDecoder().decode(Ring.self, from: data)
            } catch {
                throw KeyStoreError(message: "密钥文件 \(file) 无法读取（格式损坏）：请从密钥备份恢复")
            }
            let needsChainKey = loaded.chainKeys?.isEmpty ?? true
            if needsChainKey {
                // An older ring: the chain key starts now; where it starts in the log is settled
                // after the database is opened (`settleChainStart`).
                let chain = Self.newSymmetric(prefix: "c", now: now)
                loaded.chainKeys = [chain]
                loaded.activeChainKey = chain.id
            }
            ring = NIOLockedValueBox(loaded)
            if needsChainKey { try save() }
        } else {
            let chain = Self.newSymmetric(prefix: "c", now: now)
            let first = Ring(dataKeys: [Self.newSymmetric(prefix: "d", now: now)], activeDataKey: "",
                             indexKeys: [Self.newSymmetric(prefix: "i", now: now)], activeIndexKey: "",
                             auditKeys: [Self.newSigning(now: now)], activeAuditKey: "",
                             chainKeys: [chain], activeChainKey: chain.id, chainKeyedFrom: 1)
            var ring = first
            ring.activeDataKey = first.dataKeys[0].id
            ring.activeIndexKey = first.indexKeys[0].id
            ring.activeAuditKey = first.auditKeys[0].id
            self.ring = NIOLockedValueBox(ring)
            try save()
        }
    }

    struct KeyStoreError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func newSymmetric(prefix: String, now: Date) -> StoredKey {
        let key = SymmetricKey(size: .bits256)
        let material = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return StoredKey(id: prefix + Self.stamp(now), algorithm: prefix == "d" ? "A256GCM" : "HMAC-SHA256", material: material, createdAt: now)
    }

    static func newSigning(now: Date) -> StoredKey {
        let key = Curve25519.Signing.PrivateKey()
        return StoredKey(id: "a" + Self.stamp(now), algorithm: "Ed25519", material: key.rawRepresentation.base64EncodedString(), createdAt: now)
    }

    /// A key id from the creation time plus randomness: readable and unique.
    static func stamp(_ now: Date) -> String {
        let random = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return String(Int64(now.timeIntervalSince1970)) + random
    }

    func save() throws {
        let data = try ring.withLockedValue { ring in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return try encoder.encode(ring)
        }
        let temporary = path + ".tmp"
        FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        // rename(2) replaces the ring atomically: a crash leaves the old or the new file, never half of one.
        guard rename(temporary, path) == 0 else { throw KeyStoreError(message: "无法写入密钥文件 \(path)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// The field cipher over the current ring.
    public var fieldCrypto: FieldCrypto {
        ring.withLockedValue { ring in
            let keys = ring.dataKeys.compactMap { stored -> FieldKey? in
                guard let data = Data(base64Encoded: stored.material) else { return nil }
                return FieldKey(id: stored.id, algorithm: stored.algorithm, material: SymmetricKey(data: data))
            }
            let indexStored = ring.indexKeys.first { $0.id == ring.activeIndexKey } ?? ring.indexKeys[0]
            let indexKey = FieldKey(id: indexStored.id, algorithm: indexStored.algorithm,
                                    material: SymmetricKey(data: Data(base64Encoded: indexStored.material) ?? Data()))
            return FieldCrypto(keys: keys, activeKeyID: ring.activeDataKey, indexKey: indexKey)
        }
    }

    public var activeDataKeyID: String { ring.withLockedValue { $0.activeDataKey } }
    public var activeIndexKeyID: String { ring.withLockedValue { $0.activeIndexKey } }

    /// Summary for the security administrator's key page (ids and dates, never material).
    public var summary: [(kind: String, id: String, createdAt: Date, active: Bool)] {
        ring.withLockedValue { ring in
            ring.dataKeys.map { ("数据加密密钥", $0.id, $0.createdAt, $0.id == ring.activeDataKey) }
                + ring.indexKeys.map { ("盲索引密钥", $0.id, $0.createdAt, $0.id == ring.activeIndexKey) }
                + ring.auditKeys.map { ("审计签名密钥", $0.id, $0.createdAt, $0.id == ring.activeAuditKey) }
                + (ring.chainKeys ?? []).map { ("审计链密钥", $0.id, $0.createdAt, $0.id == ring.activeChainKey) }
        }
    }

    /// The active audit signing key.
    func auditSigner() throws -> (id: String, key: Curve25519.Signing.PrivateKey) {
        try ring.withLockedValue { ring in
            guard let stored = ring.auditKeys.first(where: { $0.id == ring.activeAuditKey }),
                  let data = Data(base64Encoded: stored.material) else { throw KeyStoreError(message: "缺少审计签名密钥") }
            return (stored.id, try Curve25519.Signing.PrivateKey(rawRepresentation: data))
        }
    }

    /// Public keys of every audit signing key ever used, for verification.
    func auditPublicKeys() -> [String: Curve25519.Signing.PublicKey] {
        ring.withLockedValue { ring in
            var keys: [String: Curve25519.Signing.PublicKey] = [:]
            for stored in ring.auditKeys {
                if let data = Data(base64Encoded: stored.material), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) {
                    keys[stored.id] = key.publicKey
                }
            }
            return keys
        }
    }

    /// The active chain key for new audit events.
    func auditChainKey() throws -> (id: String, key: SymmetricKey) {
        try ring.withLockedValue { ring in
            guard let stored = ring.chainKeys?.first(where: { $0.id == ring.activeChainKey }),
                  let data = Data(base64Encoded: stored.material) else { throw KeyStoreError(message: "缺少审计链密钥") }
            return (stored.id, SymmetricKey(data: data))
        }
    }

    /// Every chain key ever used, for verification.
    func auditChainKeys() -> [String: SymmetricKey] {
        ring.withLockedValue { ring in
            var keys: [String: SymmetricKey] = [:]
            for stored in ring.chainKeys ?? [] { if let data = Data(base64Encoded: stored.material) { keys[stored.id] = SymmetricKey(data: data) } }
            return keys
        }
    }

    /// From which sequence number events must be keyed; nil until settled for an older ring.
    var chainKeyedFrom: Int64? { ring.withLockedValue { $0.chainKeyedFrom } }

    /// Records, once, where the keyed chain starts: the event after the database's last one.
    func settleChainStart(after lastSequence: Int64) throws {
        let changed = ring.withLockedValue { ring -> Bool in
            guard ring.chainKeyedFrom == nil else { return false }
            ring.chainKeyedFrom = lastSequence + 1
            return true
        }
        if changed { try save() }
    }

    /// The append-only witness of audit checkpoints, beside the keys (outside the database).
    var auditWitnessPath: String { (directory as NSString).appendingPathComponent("audit-witness.log") }

    /// Adds new data, index and audit keys and makes them active. Old data keys stay so that old
    /// backups can still be read; the caller re-encrypts the database.
    func rotate(now: Date) throws -> (dataKey: String, indexKey: String) {
        let result = ring.withLockedValue { ring -> (String, String) in
            let data = Self.newSymmetric(prefix: "d", now: now)
            let index = Self.newSymmetric(prefix: "i", now: now)
            let audit = Self.newSigning(now: now)
            let chain = Self.newSymmetric(prefix: "c", now: now)
            ring.dataKeys.append(data)
            ring.indexKeys.append(index)
            ring.auditKeys.append(audit)
            ring.chainKeys = (ring.chainKeys ?? []) + [chain]
            ring.activeDataKey = data.id
            ring.activeIndexKey = index.id
            ring.activeAuditKey = audit.id
            ring.activeChainKey = chain.id
            return (data.id, index.id)
        }
        try save()
        return (result.0, result.1)
    }
}

extension Application {
    struct KeyStoreKey: StorageKey { typealias Value = KeyStore }
    public var keyStore: KeyStore {
        get {
            guard let store = storage[KeyStoreKey.self] else {
                preconditionFailure("configure(_:) opens the key store before anything uses it")
            }
            return store
        }
        set { storage[KeyStoreKey.self] = newValue }
    }
}

extension Request {
    public var fieldCrypto: FieldCrypto { application.keyStore.fieldCrypto }
}
