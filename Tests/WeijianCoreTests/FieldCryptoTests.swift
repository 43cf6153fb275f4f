import Crypto
import Foundation
import Testing
@testable import WeijianCore

/// Field encryption of personal data, key rotation and blind indexes.
@Suite("字段加密")
struct FieldCryptoTests {
    static func key(_ id: String) -> FieldKey { FieldKey(id: id, material: SymmetricKey(size: .bits256)) }

    static func crypto(keys: [FieldKey], active: String, index: FieldKey = key("idx1")) -> FieldCrypto {
        FieldCrypto(keys: keys, activeKeyID: active, indexKey: index)
    }

    let context = "complaints.complainant_phone"

    @Test("Encrypting then decrypting returns the plaintext", arguments: ["13812341234", "11010519491231002X", "福州市鼓楼区五四路", ""])
    func roundTrip(plaintext: String) throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")

        // when
        let envelope = try crypto.encrypt(plaintext, context: context)
        let decrypted = try crypto.decrypt(envelope, context: context)

        // then
        #expect(decrypted == plaintext)
        #expect(envelope.hasPrefix("wj1:A256GCM:k1:"))
    }

    @Test("The envelope does not contain the plaintext, in clear or in base64")
    func ciphertextHidesPlaintext() throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")
        let plaintext = "11010519491231002X"

        // when
        let envelope = try crypto.encrypt(plaintext, context: context)

        // then
        #expect(!envelope.contains(plaintext))
        #expect(!envelope.contains("1949"))
        #expect(!envelope.contains(Data(plaintext.utf8).base64EncodedString()))
    }

    @Test("Two encryptions of the same value differ (random nonce)")
    func randomNonce() throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")

        // when
        let first = try crypto.encrypt("13812341234", context: context)
        let second = try crypto.encrypt("13812341234", context: context)

        // then
        #expect(first != second)
        #expect(try crypto.decrypt(first, context: context) == crypto.decrypt(second, context: context))
    }

    @Test("A ciphertext copied into another column does not decrypt")
    func otherContextFails() throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")
        let envelope = try crypto.encrypt("13812341234", context: context)

        // when
        let error = #expect(throws: FieldCryptoError.self) { try crypto.decrypt(envelope, context: "parties.phone") }

        // then
        #expect(error == .authenticationFailed)
    }

    @Test("A tampered ciphertext fails authentication, whichever byte is changed")
    func tamperedFails() throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")
        let envelope = try crypto.encrypt("13812341234", context: context)
        let prefix = envelope.split(separator: ":").prefix(3).joined(separator: ":")
        let payload = try #require(envelope.split(separator: ":").last)
        let sealed = try #require(Data(base64Encoded: String(payload)))

        // when
        var errors: [FieldCryptoError?] = []
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            let forged = prefix + ":" + tampered.base64EncodedString()
            errors.append(#expect(throws: FieldCryptoError.self) { try crypto.decrypt(forged, context: context) })
        }

        // then
        #expect(errors.count == 12 + 11 + 16)
        #expect(errors.allSatisfy { $0 == .authenticationFailed })
    }

    @Test("Malformed envelopes and unknown keys or algorithms are reported as such")
    func malformedEnvelopes() throws {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1")
        let envelope = try crypto.encrypt("13812341234", context: context)
        let payload = String(try #require(envelope.split(separator: ":").last))

        // when
        let errors = ["13812341234", "wj2:A256GCM:k1:\(payload)", "wj1:A256GCM:k1:***", "wj1:A256GCM:k9:\(payload)", "wj1:SM4GCM:k1:\(payload)"]
            .map { input in #expect(throws: FieldCryptoError.self) { try crypto.decrypt(input, context: context) } }

        // then
        #expect(errors == [.malformed, .malformed, .malformed, .unknownKey("k9"), .unknownAlgorithm("SM4GCM")])
    }

    @Test("An active key that is not in the ring is reported, not used")
    func missingActiveKey() {
        // given
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k2")

        // when
        let error = #expect(throws: FieldCryptoError.self) { try crypto.encrypt("13812341234", context: context) }

        // then
        #expect(error == .unknownKey("k2"))
    }

    @Test("After rotation new values use the new key and old envelopes still decrypt with the old key present")
    func rotation() throws {
        // given
        let old = Self.key("2025-01")
        let new = Self.key("2026-01")
        let before = Self.crypto(keys: [old], active: old.id)
        let oldEnvelope = try before.encrypt("11010519491231002X", context: context)

        // when
        let after = Self.crypto(keys: [old, new], active: new.id)
        let newEnvelope = try after.encrypt("11010519491231002X", context: context)
        let withoutOld = Self.crypto(keys: [new], active: new.id)

        // then
        #expect(try after.decrypt(oldEnvelope, context: context) == "11010519491231002X")
        #expect(try after.decrypt(newEnvelope, context: context) == "11010519491231002X")
        #expect(FieldCrypto.keyID(of: oldEnvelope) == "2025-01")
        #expect(FieldCrypto.keyID(of: newEnvelope) == "2026-01")
        #expect(throws: FieldCryptoError.unknownKey("2025-01")) { try withoutOld.decrypt(oldEnvelope, context: context) }
        #expect(throws: FieldCryptoError.unknownKey("2026-01")) { try before.decrypt(newEnvelope, context: context) }
    }

    @Test("The key id of something that is not an envelope is nil")
    func keyIDOfGarbage() {
        // given
        let inputs = ["13812341234", "wj1:A256GCM", ""]

        // when
        let ids = inputs.map(FieldCrypto.keyID(of:))

        // then
        #expect(ids == [nil, nil, nil])
    }

    @Test("Blind indexes are deterministic and differ by value, context and index key")
    func blindIndex() {
        // given
        let indexKey = Self.key("idx1")
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1", index: indexKey)
        let sameKeyAgain = Self.crypto(keys: [Self.key("k2")], active: "k2", index: indexKey)
        let otherMaterial = Self.crypto(keys: [Self.key("k1")], active: "k1", index: Self.key("idx1"))

        // when
        let index = crypto.blindIndex("13812341234", context: context)

        // then
        #expect(index == crypto.blindIndex("13812341234", context: context))
        #expect(index == sameKeyAgain.blindIndex("13812341234", context: context))
        #expect(index != crypto.blindIndex("13812341235", context: context))
        #expect(index != crypto.blindIndex("13812341234", context: "parties.phone"))
        #expect(index != otherMaterial.blindIndex("13812341234", context: context))
        #expect(index.hasPrefix("idx1:"))
        #expect(index.count == "idx1:".count + 64)
        #expect(!index.contains("13812341234"))
    }

    @Test("A blind index is HMAC-SHA256 of context|value under the index key, as stored indexes were written")
    func blindIndexMatchesTheStoredSpelling() {
        // given
        let indexKey = Self.key("idx1")
        let crypto = Self.crypto(keys: [Self.key("k1")], active: "k1", index: indexKey)
        let expected = "idx1:" + Hex.encode(HMAC<SHA256>.authenticationCode(for: Array((context + "|13812341234").utf8), using: indexKey.material))

        // when: computed twice from one keyed HMAC
        let first = crypto.blindIndex("13812341234", context: context)
        let second = crypto.blindIndex("13812341234", context: context)

        // then
        #expect(first == expected)
        #expect(second == expected)
    }
}

@Suite("Hex")
struct HexTests {
    @Test func encodesEveryByteAsTwoLowerCaseDigits() {
        // given
        let bytes: [UInt8] = [0x00, 0x0f, 0xa5, 0xff]
        // when
        let text = Hex.encode(bytes)
        // then
        #expect(text == "000fa5ff")
    }
}

/// Chunked encryption of large files: sealed while arriving, opened while sent.
@Suite("文件流加密")
struct StreamCipherTests {
    let crypto = FieldCryptoTests.crypto(keys: [FieldCryptoTests.key("k1")], active: "k1")

    /// Seals `data` in chunks of `size` and returns the stored bytes.
    func seal(_ data: [UInt8], size: Int) throws -> [UInt8] {
        var sealer = try crypto.streamSealer(context: "evidence", chunkSize: size)
        var out = sealer.header
        var offset = 0
        while data.count - offset >= size {
            out += try sealer.seal(Array(data[offset..<offset + size]), final: false)
            offset += size
        }
        out += try sealer.seal(Array(data[offset...]), final: true)
        return out
    }

    /// Opens stored bytes record by record.
    func open(_ stored: [UInt8], context: String = "evidence") throws -> [UInt8] {
        var (opener, offset) = try crypto.streamOpener(prefix: Array(stored.prefix(200)), context: context)
        var plain: [UInt8] = []
        repeat {
            let end = min(offset + opener.recordSize, stored.count)
            plain += try opener.open(Array(stored[offset..<end]), final: end == stored.count)
            offset = end
        } while offset < stored.count
        return plain
    }

    @Test("Round trip at sizes around the chunk boundary", arguments: [0, 1, 63, 64, 65, 200, 256])
    func roundTrip(length: Int) throws {
        // given
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7) }

        // when
        let stored = try seal(data, size: 64)

        // then
        #expect(FieldCrypto.isStream(stored))
        #expect(stored.starts(with: Array("wjs1:A256GCM:k1:64\n".utf8)))
        #expect(try open(stored) == data)
    }

    @Test("A cut-off file, swapped records, a flipped bit or another context fail to open")
    func tamperingIsDetected() throws {
        // given
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0) }
        let stored = try seal(data, size: 64)
        let header = 19, record = 64 + 28

        // then: cut after two whole records (the second is not marked final)
        #expect(throws: FieldCryptoError.self) { try open(Array(stored.prefix(header + 2 * record))) }
        // then: first two records swapped
        let first = Array(stored[header..<(header + record)])
        let second = Array(stored[(header + record)..<(header + 2 * record)])
        let rest = Array(stored[(header + 2 * record)...])
        let swapped: [UInt8] = Array(stored.prefix(header)) + second + first + rest
        #expect(throws: FieldCryptoError.self) { try open(swapped) }
        // then: one bit flipped
        var flipped = stored
        flipped[header + 40] ^= 1
        #expect(throws: FieldCryptoError.self) { try open(flipped) }
        // then: another context
        #expect(throws: FieldCryptoError.self) { try open(stored, context: "other") }
    }
}
