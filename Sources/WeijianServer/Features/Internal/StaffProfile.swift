import Fluent
import Foundation
import Vapor
import WeijianCore

/// A staff member's personnel data (人员信息, regulation 三(一)6): enforcement certificate and the
/// personal data that is encrypted at rest.
///
/// Field classes: `certificateNumber`, `certificateExpiry`, `title` — internal, shown;
/// `phone`, `idNumber` — personal data of a natural person: encrypted (`*_cipher`), with a blind
/// index (`*_index`) for exact lookup, masked on screen until revealed with a stated purpose.
public final class StaffProfile: Model, @unchecked Sendable {
    public static let schema = "staff_profiles"

    // identity
    @ID(key: .id) public var id: UUID?
    // references
    @Parent(key: "user_id") public var user: User
    // data
    @OptionalField(key: "title") public var title: String?
    @OptionalField(key: "certificate_number") public var certificateNumber: String?
    @OptionalField(key: "certificate_expiry") public var certificateExpiry: String?
    @OptionalField(key: "phone_cipher") public var phoneCipher: String?
    @OptionalField(key: "phone_index") public var phoneIndex: String?
    @OptionalField(key: "id_number_cipher") public var idNumberCipher: String?
    @OptionalField(key: "id_number_index") public var idNumberIndex: String?

    public init() {}

    /// The encrypted columns of this table, for key rotation and reveal.
    static let encryptedFields: [EncryptedField] = [
        EncryptedField(table: schema, name: "phone", kind: .phone, cipherColumn: "phone_cipher", indexColumn: "phone_index"),
        EncryptedField(table: schema, name: "idNumber", kind: .idNumber, cipherColumn: "id_number_cipher", indexColumn: "id_number_index"),
    ]
}
