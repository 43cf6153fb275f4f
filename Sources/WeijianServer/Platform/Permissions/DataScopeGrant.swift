import Fluent
import Foundation
import WeijianCore

/// One dimension of a user's data scope: a department, a supervision category or an area
/// (行政区划 or 片区). The value `*` means all of that dimension.
public final class DataScopeGrant: Model, @unchecked Sendable {
    public static let schema = "data_scope_grants"

    public enum Dimension: String, Codable, Sendable, CaseIterable {
        case department, category, area
        public var chinese: String {
            switch self {
            case .department: "科室"
            case .category: "专业类别"
            case .area: "区域/片区"
            }
        }
    }

    // identity
    @ID(key: .id) public var id: UUID?
    // references
    @Parent(key: "user_id") public var user: User
    // data
    @Enum(key: "dimension") public var dimension: Dimension
    @Field(key: "value") public var value: String
    @Field(key: "granted_by") public var grantedBy: String
    @Field(key: "granted_at") public var grantedAt: Date

    public init() {}
    public init(userID: UUID, dimension: Dimension, value: String, grantedBy: String, at: Date) {
        self.$user.id = userID
        self.dimension = dimension
        self.value = value
        self.grantedBy = grantedBy
        self.grantedAt = at
    }
}
