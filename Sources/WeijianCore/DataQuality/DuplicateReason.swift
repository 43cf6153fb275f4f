/// Why two units were proposed as the same one; the raw value is the sentence shown to the
/// reviewer.
public enum DuplicateReason: String, Sendable, Equatable, CaseIterable {
    case sameCreditCode = "统一社会信用代码相同"
    case similarNameAndAddress = "名称与地址相近"
}
