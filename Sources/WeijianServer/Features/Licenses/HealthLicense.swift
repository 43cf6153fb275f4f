import Fluent
import Foundation
import Vapor
import WeijianCore

/// A health licence (卫生许可证) or a filing (备案, e.g. a clinic since 2023-03-01) held by a unit.
/// Licence data is business data of the organisation: shown and searchable within the institute.
public final class HealthLicense: Model, @unchecked Sendable {
    public static let schema = "health_licenses"

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "number") public var number: String
    @Enum(key: "kind") public var kind: Licensing
    // references
    @Field(key: "entity_id") public var entityID: UUID
    @Field(key: "category_code") public var categoryCode: String
    // data
    @Field(key: "scope") public var scope: String
    @Field(key: "issuing_organ") public var issuingOrgan: String
    @Field(key: "issue_date") public var issueDate: String
    @OptionalField(key: "valid_until") public var validUntil: String?
    @OptionalField(key: "next_review") public var nextReview: String?
    // workflow
    @Enum(key: "status") public var status: LicenseStatus
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

struct CreateHealthLicense: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(HealthLicense.schema)
            .id()
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("entity_id", .uuid, .required, .references(SupervisedEntity.schema, .id))
            .field("category_code", .string, .required)
            .field("scope", .string, .required)
            .field("issuing_organ", .string, .required)
            .field("issue_date", .string, .required)
            .field("valid_until", .string)
            .field("next_review", .string)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX health_licenses_entity ON health_licenses (entity_id)").run()
        try await database.sql.raw("CREATE INDEX health_licenses_valid_until ON health_licenses (status, valid_until)").run()
        try await database.sql.raw("CREATE INDEX health_licenses_number ON health_licenses (number)").run()
        try await database.schema("license_events")
            .field("id", .int64, .identifier(auto: true))
            .field("license_id", .uuid, .required)
            .field("event", .string, .required)
            .field("event_date", .string, .required)
            .field("at", .int64, .required)
            .field("actor_name", .string, .required)
            .field("reason", .string, .required)
            .field("changes", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX license_events_license ON license_events (license_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("license_events").delete()
        try await database.schema(HealthLicense.schema).delete()
    }
}
