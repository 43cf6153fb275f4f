import Fluent
import Foundation
import Vapor
import WeijianCore

/// Something a supervised unit reports through the portal (报送), reviewed by the institute (审核).
/// Every version the unit submits is kept in `submission_versions`; every transition in
/// `submission_events`.
public final class Submission: Model, @unchecked Sendable {
    public static let schema = "submissions"

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case entityChange, licenceApplication, licenceRenewal, selfInspection, waterMonitoring

        public var chinese: String {
            switch self {
            case .entityChange: "基本信息变更"
            case .licenceApplication: "卫生许可申请"
            case .licenceRenewal: "卫生许可延续申请"
            case .selfInspection: "自查报告"
            case .waterMonitoring: "饮用水自检结果"
            }
        }

        /// Licence applications follow 行政许可法 第三十二条 (accept within 5 working days or
        /// list every missing item at once); other reports use the review time setting.
        public var deadlineRule: String { self == .licenceApplication || self == .licenceRenewal ? "licence.acceptance" : "info.review" }
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case submitted, returned, approved

        public var chinese: String {
            switch self {
            case .submitted: "待审核"
            case .returned: "已退回补正"
            case .approved: "审核通过"
            }
        }
    }

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "number") public var number: String
    @Enum(key: "kind") public var kind: Kind
    // references
    @Field(key: "entity_id") public var entityID: UUID
    @Field(key: "submitted_by") public var submittedBy: UUID
    // data
    @Field(key: "version") public var version: Int
    @Field(key: "payload") public var payload: String
    @Field(key: "flags") public var flags: String
    // workflow
    @Enum(key: "status") public var status: Status
    @Field(key: "submitted_at") public var submittedAt: Date
    @Field(key: "due_date") public var dueDate: String
    @Field(key: "due_note") public var dueNote: String
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "decided_by") public var decidedBy: String?
    @OptionalField(key: "reason") public var reason: String?
    /// `entity_id:kind` while a kind that a unit may have only one of at a time is under review
    /// (submitted or returned); a unique index keeps a second one out, also against parallel requests.
    @OptionalField(key: "pending_key") public var pendingKey: String?

    public init() {}
}

struct CreateSubmission: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Submission.schema)
            .id()
            .field("number", .string, .required).unique(on: "number")
            .field("kind", .string, .required)
            .field("entity_id", .uuid, .required, .references(SupervisedEntity.schema, .id))
            .field("submitted_by", .uuid, .required, .references(User.schema, .id))
            .field("version", .int, .required)
            .field("payload", .string, .required)
            .field("flags", .string, .required)
            .field("status", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("due_date", .string, .required)
            .field("due_note", .string, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .string)
            .field("reason", .string)
            .create()
        try await database.sql.raw("CREATE INDEX submissions_entity ON submissions (entity_id)").run()
        try await database.sql.raw("CREATE INDEX submissions_status ON submissions (status, due_date)").run()
        try await database.schema("submission_versions")
            .field("submission_id", .uuid, .required, .references(Submission.schema, .id))
            .field("version", .int, .required)
            .field("payload", .string, .required)
            .field("submitted_at", .int64, .required)
            .field("submitted_by", .string, .required)
            .unique(on: "submission_id", "version")
            .create()
        try await database.schema("submission_events")
            .field("id", .int64, .identifier(auto: true))
            .field("submission_id", .uuid, .required)
            .field("at", .int64, .required)
            .field("actor_name", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("comment", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX submission_events_submission ON submission_events (submission_id, id)").run()
        // A portal account belongs to one unit.
        try await database.schema(User.schema).field("entity_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("entity_id").update()
        try await database.schema("submission_events").delete()
        try await database.schema("submission_versions").delete()
        try await database.schema(Submission.schema).delete()
    }
}
