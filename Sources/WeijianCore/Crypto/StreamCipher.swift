import Crypto
import Foundation

/// Encryption of large files (video evidence up to 500 MB) in fixed-size chunks, so a file is
/// sealed while it arrives and opened while it is sent, never held whole in memory.
///
/// Layout: the header line `wjs1:{algorithm}:{key id}:{chunk size}\n`, then one record per chunk —
/// the cipher's `nonce | ciphertext | tag` of `chunk size` plaintext bytes (the last chunk may be
/// shorter, even empty). Each record authenticates the context, its index and whether it is the
/// last (the STREAM construction): records cannot be reordered, dropped, or cut off at a chunk
/// boundary without `open` failing.
public struct StreamSealer: Sendable {
    public let header: [UInt8]
    public let chunkSize: Int
    let cipher: any FieldCipher
    let key: SymmetricKey
    let context: [UInt8]
    var index: UInt64 = 0
    var finished = false

    /// Seals the next chunk: exactly `chunkSize` bytes, or fewer for the final one.
    public mutating func seal(_ chunk: [UInt8], final: Bool) throws -> [UInt8] {
        guard !finished, final ? chunk.count <= chunkSize : chunk.count == chunkSize else { throw FieldCryptoError.sealFailed }
        defer { index += 1; finished = final }
        return try cipher.seal(chunk, key: key, context: StreamRecord.associatedData(context, index: index, final: final))
    }
}

/// Opens the records of a sealed stream in order.
public struct StreamOpener: Sendable {
    public let chunkSize: Int
    /// Bytes of one full record (nonce, chunk, tag).
    public let recordSize: Int
    let cipher: any FieldCipher
    let key: SymmetricKey
    let context: [UInt8]
    var index: UInt64 = 0

    /// Opens the next record; `final` says whether the file ends after it.
    public mutating func open(_ record: [UInt8], final: Bool) throws -> [UInt8] {
        guard record.count <= recordSize, final || record.count == recordSize else { throw FieldCryptoError.malformed }
        defer { index += 1 }
        do {
            return try cipher.open(record, key: key, context: StreamRecord.associatedData(context, index: index, final: final))
        } catch {
            throw FieldCryptoError.authenticationFailed
        }
    }
}

enum StreamRecord {
    /// Overhead of one record: a 96-bit nonce and a 128-bit tag.
    static let overhead = 28

    static func associatedData(_ context: [UInt8], index: UInt64, final: Bool) -> [UInt8] {
        var data = Array("wjs1|".utf8) + context + [UInt8(ascii: "|")]
        withUnsafeBytes(of: index.bigEndian) { data.append(contentsOf: $0) }
        data.append(final ? 1 : 0)
        return data
    }
}

extension FieldCrypto {
    /// Plaintext bytes per record of a sealed stream: 1 MiB.
    public static let streamChunkSize = 1 << 20

    /// Whether stored bytes begin like a sealed stream (else they are one `seal(bytes:)` box).
    public static func isStream(_ prefix: some Collection<UInt8>) -> Bool { prefix.starts(with: Array("wjs1:".utf8)) }

    /// A sealer with the active key; write its `header`, then each sealed chunk.
    public func streamSealer(context: String, chunkSize: Int = FieldCrypto.streamChunkSize) throws -> StreamSealer {
        guard let key = keys[activeKeyID] else { throw FieldCryptoError.unknownKey(activeKeyID) }
        guard let cipher = ciphers[key.algorithm] else { throw FieldCryptoError.unknownAlgorithm(key.algorithm) }
        return StreamSealer(header: Array("wjs1:\(key.algorithm):\(key.id):\(chunkSize)\n".utf8), chunkSize: chunkSize, cipher: cipher,
                            key: key.material, context: Array(context.utf8))
    }

    /// An opener for a stream whose first bytes (at least its header line) are `prefix`; returns it
    /// with the header's length, where the first record starts.
    public func streamOpener(prefix: [UInt8], context: String) throws -> (opener: StreamOpener, headerLength: Int) {
        guard let newline = prefix.prefix(200).firstIndex(of: 0x0A) else { throw FieldCryptoError.malformed }
        let header = String(decoding: prefix[..<newline], as: UTF8.self).split(separator: ":").map(String.init)
        guard header.count == 4, header[0] == "wjs1", let chunkSize = Int(header[3]), chunkSize > 0, chunkSize <= 1 << 26 else {
            throw FieldCryptoError.malformed
        }
        guard let key = keys[header[2]] else { throw FieldCryptoError.unknownKey(header[2]) }
        guard let cipher = ciphers[header[1]] else { throw FieldCryptoError.unknownAlgorithm(header[1]) }
        return (StreamOpener(chunkSize: chunkSize, recordSize: chunkSize + StreamRecord.overhead, cipher: cipher, key: key.material,
                             context: Array(context.utf8)), newline + 1)
    }
}
