/// Chinese phone numbers: mobiles are 11 digits starting with 1; landlines carry an area code.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case mobile, landline }
    public let value: String
    public let kind: Kind
    public var description: String { value }

    /// Accepts spaces and hyphens as separators; stores mobiles as plain digits and landlines as
    /// `区号-号码[-分机]`.
    public init(_ raw: String, field: String = "联系电话") throws {
        let trimmed = raw.trimmed
        // Spaces separate like hyphens: "0591 87654321" is "0591-87654321".
        // Standard-library replacements, and none without a space: Foundation's go through
        // NSString on Linux and were a third of validating an imported row.
        var compact = trimmed
        if compact.unicodeScalars.contains(" ") {
            var previous = ""
            while previous != compact { previous = compact; compact = compact.replacingScalars("  ", with: " ") }
            compact = compact.replacingScalars(" -", with: "-").replacingScalars("- ", with: "-").replacingScalars(" ", with: "-")
        }
        let plain = compact.filter { $0 != "-" }
        if plain.count == 11, plain.first == "1", plain.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let second = plain.dropFirst().first?.wholeNumberValue, second >= 3 else {
                throw ValidationError(field: field, code: "phone.mobilePrefix", message: "手机号第2位应为3–9")
            }
            self.value = plain
            self.kind = .mobile
            return
        }
        let parts = compact.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let allDigits = parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        if allDigits, parts.count >= 2, parts.count <= 3,
           parts[0].first == "0", (3...4).contains(parts[0].count), (7...8).contains(parts[1].count),
           parts.count == 2 || (1...6).contains(parts[2].count) {
            self.value = parts.joined(separator: "-")
            self.kind = .landline
            return
        }
        if allDigits, parts.count == 1, plain.first == "0", (10...12).contains(plain.count) {
            throw ValidationError(field: field, code: "phone.landlineSeparator",
                                  message: "固定电话请用“区号-号码”格式，如 0591-87654321")
        }
        throw ValidationError(field: field, code: "phone.format",
                              message: "应为11位手机号（1开头）或带区号的固定电话（如 010-12345678）")
    }
}
