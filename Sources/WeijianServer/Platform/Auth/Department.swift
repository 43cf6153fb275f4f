import Fluent
import Foundation
import Vapor
import WeijianCore

/// A 科室 of the institute.
public final class Department: Model, @unchecked Sendable {
    public static let schema = "departments"

    // identity
    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String

    // data
    @Field(key: "is_business") public var isBusiness: Bool
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(code: String, name: String, isBusiness: Bool, now: Date) {
        self.code = code
        self.name = name
        self.isBusiness = isBusiness
        self.active = true
        self.createdAt = now
    }
}
