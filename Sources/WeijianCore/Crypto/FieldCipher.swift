import Crypto
import Foundation

/// An authenticated cipher for single database fields. Implementations are named by `algorithm`,
/// which every ciphertext carries, so a national-cryptography suite (SM4-GCM) can be added beside
/// AES-256-GCM and data moved over by key rotation.
public protocol FieldCipher: Sendable {
    var algorithm: String { get }
    func seal(_ plaintext: [UInt8], key: SymmetricKey, context: [UInt8]) throws -> [UInt8]
    func open(_ sealed: [UInt8], key: SymmetricKey, context: [UInt8]) throws -> [UInt8]
}

/// AES-256-GCM with a random 96-bit nonce; `context` (table and column) is authenticated data, so a
/// ciphertext copied into another column does not decrypt.
public struct AESGCMFieldCipher: FieldCipher {
    public let algorithm = "A256GCM"
    public init() {}

    public func seal(_ plaintext: [UInt8], key: SymmetricKey, context: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: context)
        guard let combined = box.combined else { throw FieldCryptoError.sealFailed }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], key: SymmetricKey, context: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return Array(try AES.GCM.open(box, using: key, authenticating: context))
    }
}

public enum FieldCryptoError: Error, Equatable, CustomStringConvertible {
    case sealFailed
    case malformed
    case unknownKey(String)
    case unknownAlgorithm(String)
    case authenticationFailed

    public var description: String {
        switch self {
        case .sealFailed: "加密失败"
        case .malformed: "密文格式错误"
        case .unknownKey(let id): "找不到密钥 \(id)"
        case .unknownAlgorithm(let name): "不支持的加密算法 \(name)"
        case .authenticationFailed: "密文校验失败（可能被篡改）"
        }
    }
}

/// A data key: its id (carried by every ciphertext), the cipher it is for, and its material.
public struct FieldKey: Sendable {
    public let id: String
    public let algorithm: String
    public let material: SymmetricKey

    public init(id: String, algorithm: String = "A256GCM", material: SymmetricKey) {
        self.id = id
        self.algorithm = algorithm
        self.material = material
    }
}

/// Encrypts, decrypts and blind-indexes personal data fields with a key ring.
///
/// Envelope: `wj1:{algorithm}:{key id}:{base64(nonce|ciphertext|tag)}`. Blind index:
/// `{index key id}:{hex HMAC-SHA256(context|normalised value)}`.
public struct FieldCrypto: Sendable {
    public let keys: [String: FieldKey]
    public let activeKeyID: String
    public let indexKey: FieldKey
    let ciphers: [String: any FieldCipher]
    /// HMAC keyed once with the index key and copied per value: keying it hashes the key's pads,
    /// which showed in a bulk import's profile.
    let indexMAC: HMAC<SHA256>

    public init(keys: [FieldKey], activeKeyID: String, indexKey: FieldKey, ciphers: [any FieldCipher] = [AESGCMFieldCipher()]) {
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.activeKeyID = activeKeyID
        self.indexKey = indexKey
        self.indexMAC = HMAC<SHA256>(key: indexKey.material)
        self.ciphers = Dictionary(ciphers.map { ($0.algorithm, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func encrypt(_ plaintext: String, context: String) throws -> String {
        guard let key = keys[activeKeyID] else { throw FieldCryptoError.unknownKey(activeKeyID) }
        guard let cipher = ciphers[key.algorithm] else { throw FieldCryptoError.unknownAlgorithm(key.algorithm) }
        let sealed = try cipher.seal(Array(plaintext.utf8), key: key.material, context: Array(context.utf8))
        return "wj1:\(key.algorithm):\(key.id):\(Data(sealed).base64EncodedString())"
    }

    public func decrypt(_ envelope: String, context: String) throws -> String {
        let parts = envelope.split(separator: ":", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "wj1", let data = Data(base64Encoded: parts[3]) else { throw FieldCryptoError.malformed }
        guard let key = keys[parts[2]] else { throw FieldCryptoError.unknownKey(parts[2]) }
        guard let cipher = ciphers[parts[1]] else { throw FieldCryptoError.unknownAlgorithm(parts[1]) }
        do {
            let plain = try cipher.open(Array(data), key: key.material, context: Array(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw FieldCryptoError.authenticationFailed
        }
    }

    /// Seals a file's bytes: the header `wjb1:{algorithm}:{key id}` and a newline, then
    /// nonce|ciphertext|tag. The context binds the ciphertext to its name so stored files cannot
    /// be swapped for one another unnoticed.
    public func seal(bytes: [UInt8], context: String) throws -> [UInt8] {
        guard let key = keys[activeKeyID] else { throw FieldCryptoError.unknownKey(activeKeyID) }
        guard let cipher = ciphers[key.algorithm] else { throw FieldCryptoError.unknownAlgorithm(key.algorithm) }
        return Array("wjb1:\(key.algorithm):\(key.id)\n".utf8) + (try cipher.seal(bytes, key: key.material, context: Array(context.utf8)))
    }

    /// Opens what `seal(bytes:context:)` produced, with whichever key of the ring sealed it.
    public func open(sealed: [UInt8], context: String) throws -> [UInt8] {
        guard let newline = sealed.prefix(200).firstIndex(of: 0x0A) else { throw FieldCryptoError.malformed }
        let header = String(decoding: sealed[..<newline], as: UTF8.self).split(separator: ":").map(String.init)
        guard header.count == 3, header[0] == "wjb1" else { throw FieldCryptoError.malformed }
        guard let key = keys[header[2]] else { throw FieldCryptoError.unknownKey(header[2]) }
        guard let cipher = ciphers[header[1]] else { throw FieldCryptoError.unknownAlgorithm(header[1]) }
        do {
            return try cipher.open(Array(sealed[(newline + 1)...]), key: key.material, context: Array(context.utf8))
        } catch {
            throw FieldCryptoError.authenticationFailed
        }
    }

    /// The key id an envelope was sealed with, to find what a rotation must re-encrypt.
    public static func keyID(of envelope: String) -> String? {
        let parts = envelope.split(separator: ":", maxSplits: 3)
        return parts.count == 4 ? String(parts[2]) : nil
    }

    /// A keyed hash for exact lookup of an encrypted value. Normalise before calling (digits only
    /// for phones, upper case for ID numbers) so equal values index equally.
    public func blindIndex(_ normalised: String, context: String) -> String {
        var hmac = indexMAC
        hmac.update(data: Array((context + "|" + normalised).utf8))
        let mac = hmac.finalize()
        return indexKey.id + ":" + Hex.encode(mac)
    }
}
