/// A supervised unit as the duplicate check sees it.
public struct DuplicateRecord<ID: Hashable & Sendable>: Sendable {
    public let id: ID
    public let name: String
    public let address: String
    /// 统一社会信用代码 as stored; nil or empty when unknown.
    public let creditCode: String?

    public init(id: ID, name: String, address: String, creditCode: String?) {
        self.id = id
        self.name = name
        self.address = address
        self.creditCode = creditCode
    }
}
