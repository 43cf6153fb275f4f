/// 统一社会信用代码 (GB 32100-2015).
///
/// The 18th character is a check over the first 17 and is mandatory. Positions 9–17 are the
/// organisation code (GB 11714) whose own check is only a data-quality warning, because older
/// registrations carry codes that fail it.
public struct CreditCode: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    public var description: String { value }

    /// Validates and normalises (trims, upper-cases). Throws a `ValidationError` naming the rule.
    public init(_ raw: String, field: String = "统一社会信用代码") throws {
        let code = raw.trimmed.uppercased()
        let chars = Array(code)
        guard chars.count == 18 else {
            throw ValidationError(field: field, code: "creditCode.length", message: "应为18位，实际为\(chars.count)位")
        }
        var values: [Int] = []
        // The 18th character is judged by the check alone, so a wrong one (even I O S V Z) is told
        // which character it should be.
        for (index, char) in chars.prefix(17).enumerated() {
            guard let value = Self.alphabet.firstIndex(of: char) else {
                throw ValidationError(field: field, code: "creditCode.character",
                                      message: "第\(index + 1)位“\(char)”不是允许的字符（不含I、O、S、V、Z）")
            }
            values.append(value)
        }
        let sum = zip(values.prefix(17), Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = (31 - sum % 31) % 31
        guard chars[17] == Self.alphabet[check] else {
            throw ValidationError(field: field, code: "creditCode.checksum",
                                  message: "第18位校验码错误，按GB 32100-2015应为“\(Self.alphabet[check])”")
        }
        self.value = code
    }

    /// The GB 11714 organisation code (positions 9–17).
    public var organisationCode: String { String(Array(value)[8..<17]) }

    /// Whether the inner organisation code's check digit holds. A `false` is a data-quality warning,
    /// never a rejection.
    public var organisationCodeIsValid: Bool {
        let chars = Array(organisationCode)
        var sum = 0
        for (index, char) in chars.prefix(8).enumerated() {
            guard let value = Self.gb11714Value(char) else { return false }
            sum += value * Self.orgWeights[index]
        }
        let check = 11 - sum % 11
        let expected: Character = check == 10 ? "X" : check == 11 ? "0" : Character(String(check))
        return chars[8] == expected
    }

    /// Warnings to show beside an accepted code.
    public var warnings: [String] {
        organisationCodeIsValid ? [] : ["第9–17位组织机构代码校验位不符（GB 11714），请核对登记信息"]
    }

    /// 个体工商户 codes start with 92.
    public var isIndividualBusiness: Bool { value.hasPrefix("92") }

    static func gb11714Value(_ char: Character) -> Int? {
        if let digit = char.wholeNumberValue, char.isASCII { return digit }
        guard char.isASCII, char.isUppercase, let ascii = char.asciiValue else { return nil }
        return Int(ascii) - 65 + 10
    }
}
