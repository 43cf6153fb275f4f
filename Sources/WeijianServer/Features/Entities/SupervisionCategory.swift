import Fluent
import Foundation
import Vapor
import WeijianCore

/// A node of the supervision category tree (专业类别): top-level categories, classes and kinds.
/// Shipped with DOMAIN.md's tree; the information officer adds and edits nodes. Each node says
/// whether its units need a licence, a filing or neither, and the licence's terms.
public final class SupervisionCategory: Model, @unchecked Sendable {
    public static let schema = "supervision_categories"

    // identity
    @ID(custom: "code", generatedBy: .user) public var id: String?
    @Field(key: "name") public var name: String
    // references
    @OptionalField(key: "parent_code") public var parentCode: String?
    // data
    @Enum(key: "licensing") public var licensing: Licensing
    @OptionalField(key: "valid_years") public var validYears: Int?
    @OptionalField(key: "review_years") public var reviewYears: Int?
    @Field(key: "renewal_lead_days") public var renewalLeadDays: Int
    @OptionalField(key: "licence_number_pattern") public var licenceNumberPattern: String?
    @Field(key: "sort_order") public var sortOrder: Int
    @Field(key: "active") public var active: Bool

    public init() {}

    init(_ node: CategoryNode, sortOrder: Int) {
        self.id = node.code
        self.name = node.name
        self.parentCode = node.parent
        self.licensing = node.licensing
        self.validYears = node.validYears
        self.reviewYears = node.reviewYears
        // 行政许可法 第五十条: renewal applied for at least 30 days before expiry.
        self.renewalLeadDays = 30
        self.sortOrder = sortOrder
        self.active = true
    }
}

struct CreateSupervisionCategory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupervisionCategory.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("parent_code", .string)
            .field("licensing", .string, .required)
            .field("valid_years", .int)
            .field("review_years", .int)
            .field("renewal_lead_days", .int, .required)
            .field("licence_number_pattern", .string)
            .field("sort_order", .int, .required)
            .field("active", .bool, .required)
            .create()
        for (index, node) in SupervisionCategoryDefaults.nodes.enumerated() {
            try await SupervisionCategory(node, sortOrder: index).create(on: database)
        }
    }
    func revert(on database: any Database) async throws { try await database.schema(SupervisionCategory.schema).delete() }
}
