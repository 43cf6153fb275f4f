import Fluent
import Foundation
import SQLKit
import WeijianCore

/// Declares one encrypted column: its table, what it holds (for masking), and its blind index.
/// Each model lists its own next to its fields; `EncryptedField.all` gathers them for key rotation.
public struct EncryptedField: Sendable {
    public let table: String
    public let name: String
    public let kind: PersonalDataKind
    public let cipherColumn: String
    public let indexColumn: String?

    /// Authenticated context: a ciphertext only opens in its own column.
    public var context: String { "\(table).\(cipherColumn)" }

    /// Equal values must index equally: digits only for phones, upper case for ID numbers.
    public func normalise(_ value: String) -> String {
        switch kind {
        case .phone: value.filter { $0.isNumber }
        case .idNumber: value.uppercased().filter { !$0.isWhitespace }
        default: value.trimmed
        }
    }

    static var all: [EncryptedField] { StaffProfile.encryptedFields + SupervisedEntity.encryptedFields }
}

/// Re-encrypts every encrypted column with the active key and recomputes blind indexes
/// (`weijian keys rotate`). TOTP secrets are re-encrypted too.
enum KeyRotation {
    static func reencryptAll(on db: any Database, crypto: FieldCrypto) async throws -> Int {
        var count = 0
        for field in EncryptedField.all {
            count += try await reencrypt(table: field.table, cipherColumn: field.cipherColumn, indexColumn: field.indexColumn,
                                         context: field.context, normalise: field.normalise, on: db, crypto: crypto)
        }
        count += try await reencrypt(table: User.schema, cipherColumn: "totp_secret", indexColumn: nil, context: User.totpSecretContext,
                                     normalise: { $0 }, on: db, crypto: crypto)
        return count
    }

    static func reencrypt(table: String, cipherColumn: String, indexColumn: String?, context: String,
                          normalise: @escaping @Sendable (String) -> String, on db: any Database, crypto: FieldCrypto) async throws -> Int {
        let rows = try await db.sql.select().column("id").column(cipherColumn).from(table)
            .where(SQLIdentifier(cipherColumn), .isNot, SQLLiteral.null).all()
        var count = 0
        for batch in stride(from: 0, to: rows.count, by: 500) {
            let slice = rows[batch..<min(batch + 500, rows.count)]
            try await db.writeTransaction { tx in
                for row in slice {
                    let id = try row.decode(column: "id", as: UUID.self)
                    let cipher = try row.decode(column: cipherColumn, as: String.self)
                    let plain = try crypto.decrypt(cipher, context: context)
                    var update = tx.sql.update(table).set(SQLIdentifier(cipherColumn), to: SQLBind(try crypto.encrypt(plain, context: context)))
                    if let indexColumn { update = update.set(SQLIdentifier(indexColumn), to: SQLBind(crypto.blindIndex(normalise(plain), context: context))) }
                    try await update.where("id", .equal, id).run()
                }
            }
            count += slice.count
        }
        return count
    }
}
