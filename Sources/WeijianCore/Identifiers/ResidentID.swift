/// 居民身份证号 (GB 11643-1999): 17 digits and a check character, with a real birth date.
///
/// Unknown area codes are accepted: retired division codes stay valid on issued cards.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    public var description: String { value }

    public init(_ raw: String, field: String = "身份证号") throws {
        let id = raw.trimmed.uppercased()
        let chars = Array(id)
        guard chars.count == 18 else {
            throw ValidationError(field: field, code: "residentID.length", message: "应为18位，实际为\(chars.count)位")
        }
        guard chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError(field: field, code: "residentID.digits", message: "前17位必须是数字")
        }
        guard chars[17].isASCII && (chars[17].isNumber || chars[17] == "X") else {
            throw ValidationError(field: field, code: "residentID.checkCharacter", message: "第18位只能是数字或X")
        }
        let digits = chars.prefix(17).map { $0.wholeNumberValue ?? 0 }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = Self.checks[sum % 11]
        guard chars[17] == expected else {
            throw ValidationError(field: field, code: "residentID.checksum",
                                  message: "第18位校验码错误，按GB 11643-1999应为“\(expected)”")
        }
        let year = Int(String(chars[6..<10])) ?? 0
        let month = Int(String(chars[10..<12])) ?? 0
        let day = Int(String(chars[12..<14])) ?? 0
        guard let birth = LocalDate(year: year, month: month, day: day), year >= 1850 else {
            throw ValidationError(field: field, code: "residentID.birthDate",
                                  message: "第7–14位出生日期“\(String(chars[6..<14]))”不是有效日期")
        }
        self.value = id
        self.birthDate = birth
    }

    public let birthDate: LocalDate
}
