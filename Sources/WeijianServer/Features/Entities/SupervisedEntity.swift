import Fluent
import Foundation
import Vapor
import WeijianCore

/// A supervised unit (被监督单位), the centre of "one unit, one file" (一户一档).
///
/// Field classes: name, address, credit code, legal representative's name, scope — business data
/// of an organisation, searchable and shown within the institute. `legalRepIDNumber`,
/// `legalRepPhone` and `contactPhone` — personal data: encrypted (`*_cipher`) with a blind index
/// (`*_index`), masked until revealed. The search index never holds them.
public final class SupervisedEntity: Model, @unchecked Sendable {
    public static let schema = "entities"

    public enum Status: String, Codable, Sendable, CaseIterable {
        case operating, suspended, cancelled, merged
        public var chinese: String {
            switch self {
            case .operating: "在营"
            case .suspended: "停业"
            case .cancelled: "注销"
            case .merged: "已合并"
            }
        }
    }

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_code") public var unitCode: String
    @Field(key: "name") public var name: String
    @OptionalField(key: "short_name") public var shortName: String?
    @OptionalField(key: "credit_code") public var creditCode: String?
    // references
    @OptionalField(key: "department_id") public var departmentID: UUID?
    @OptionalField(key: "merged_into") public var mergedInto: UUID?
    // data
    @OptionalField(key: "legal_rep_name") public var legalRepName: String?
    @OptionalField(key: "legal_rep_id_cipher") public var legalRepIDCipher: String?
    @OptionalField(key: "legal_rep_id_index") public var legalRepIDIndex: String?
    @OptionalField(key: "legal_rep_phone_cipher") public var legalRepPhoneCipher: String?
    @OptionalField(key: "legal_rep_phone_index") public var legalRepPhoneIndex: String?
    @OptionalField(key: "contact_name") public var contactName: String?
    @OptionalField(key: "contact_phone_cipher") public var contactPhoneCipher: String?
    @OptionalField(key: "contact_phone_index") public var contactPhoneIndex: String?
    @OptionalField(key: "registered_address") public var registeredAddress: String?
    @Field(key: "operating_address") public var operatingAddress: String
    @Field(key: "division_code") public var divisionCode: String
    @OptionalField(key: "township") public var township: String?
    @OptionalField(key: "latitude") public var latitude: Double?
    @OptionalField(key: "longitude") public var longitude: Double?
    @OptionalField(key: "economic_type") public var economicType: String?
    @OptionalField(key: "industry") public var industry: String?
    @Field(key: "category_code") public var categoryCode: String
    @Field(key: "top_category") public var topCategory: String
    @OptionalField(key: "business_scope") public var businessScope: String?
    @OptionalField(key: "employees") public var employees: Int?
    @OptionalField(key: "certified_employees") public var certifiedEmployees: Int?
    @OptionalField(key: "trained_employees") public var trainedEmployees: Int?
    @OptionalField(key: "grade") public var grade: String?
    @OptionalField(key: "risk_level") public var riskLevel: String?
    @OptionalField(key: "area") public var area: String?
    @Field(key: "extension") public var extensionJSON: String
    @Field(key: "source") public var source: String
    // search keys (derived)
    @Field(key: "name_key") public var nameKey: String
    @Field(key: "address_key") public var addressKey: String
    @Field(key: "pinyin_key") public var pinyinKey: String
    // workflow
    @Enum(key: "status") public var status: Status
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    static let encryptedFields: [EncryptedField] = [
        EncryptedField(table: schema, name: "legalRepIDNumber", kind: .idNumber, cipherColumn: "legal_rep_id_cipher", indexColumn: "legal_rep_id_index"),
        EncryptedField(table: schema, name: "legalRepPhone", kind: .phone, cipherColumn: "legal_rep_phone_cipher", indexColumn: "legal_rep_phone_index"),
        EncryptedField(table: schema, name: "contactPhone", kind: .phone, cipherColumn: "contact_phone_cipher", indexColumn: "contact_phone_index"),
    ]

    /// The ciphertext a personal field is stored in.
    func cipher(of field: EncryptedField) -> String? {
        switch field.cipherColumn {
        case "legal_rep_id_cipher": legalRepIDCipher
        case "legal_rep_phone_cipher": legalRepPhoneCipher
        default: contactPhoneCipher
        }
    }

    var extensionValues: [String: String] {
        get { (try? JSONDecoder().decode([String: String].self, from: Data(extensionJSON.utf8))) ?? [:] }
        set { extensionJSON = String(decoding: (try? JSONEncoder.sorted.encode(newValue)) ?? Data("{}".utf8), as: UTF8.self) }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

struct CreateSupervisedEntity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupervisedEntity.schema)
            .id()
            .field("unit_code", .string, .required).unique(on: "unit_code")
            .field("name", .string, .required)
            .field("short_name", .string)
            .field("credit_code", .string)
            .field("department_id", .uuid, .references(Department.schema, .id))
            .field("merged_into", .uuid)
            .field("legal_rep_name", .string)
            .field("legal_rep_id_cipher", .string)
            .field("legal_rep_id_index", .string)
            .field("legal_rep_phone_cipher", .string)
            .field("legal_rep_phone_index", .string)
            .field("contact_name", .string)
            .field("contact_phone_cipher", .string)
            .field("contact_phone_index", .string)
            .field("registered_address", .string)
            .field("operating_address", .string, .required)
            .field("division_code", .string, .required)
            .field("township", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("economic_type", .string)
            .field("industry", .string)
            .field("category_code", .string, .required)
            .field("top_category", .string, .required)
            .field("business_scope", .string)
            .field("employees", .int)
            .field("certified_employees", .int)
            .field("trained_employees", .int)
            .field("grade", .string)
            .field("risk_level", .string)
            .field("area", .string)
            .field("extension", .string, .required)
            .field("source", .string, .required)
            .field("name_key", .string, .required)
            .field("address_key", .string, .required)
            .field("pinyin_key", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        for column in ["credit_code", "department_id", "division_code", "top_category", "category_code", "status", "pinyin_key", "name_key",
                       "legal_rep_id_index", "legal_rep_phone_index", "contact_phone_index", "merged_into"] {
            try await database.sql.raw("CREATE INDEX entities_\(unsafeRaw: column) ON entities (\(unsafeRaw: column))").run()
        }
        try await database.schema("entity_inspectors")
            .field("entity_id", .uuid, .required, .references(SupervisedEntity.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .unique(on: "entity_id", "user_id")
            .create()
        try await database.sql.raw("CREATE INDEX entity_inspectors_user ON entity_inspectors (user_id)").run()
        try await database.schema("entity_history")
            .field("id", .int64, .identifier(auto: true))
            .field("entity_id", .uuid, .required)
            .field("at", .int64, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("changes", .string, .required)
            .field("comment", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX entity_history_entity ON entity_history (entity_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("entity_history").delete()
        try await database.schema("entity_inspectors").delete()
        try await database.schema(SupervisedEntity.schema).delete()
    }
}
