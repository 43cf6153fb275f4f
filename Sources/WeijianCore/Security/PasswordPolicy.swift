/// Password rules of 等保 2.0 level 3 (DOMAIN.md "Security settings"); the numbers are settings.
public struct PasswordPolicy: Sendable, Equatable, Codable {
    public var minimumLength: Int
    public var requiredClasses: Int
    public var maximumAgeDays: Int

    public init(minimumLength: Int = 12, requiredClasses: Int = 3, maximumAgeDays: Int = 90) {
        self.minimumLength = minimumLength
        self.requiredClasses = requiredClasses
        self.maximumAgeDays = maximumAgeDays
    }

    /// Throws a `ValidationError` naming the first rule the password breaks.
    public func check(_ password: String, username: String, field: String = "新密码") throws {
        if password.count < minimumLength {
            throw ValidationError(field: field, code: "password.length", message: "至少\(minimumLength)个字符，当前\(password.count)个")
        }
        // bcrypt reads only the first 72 bytes; a longer password would be silently cut.
        if password.utf8.count > 72 {
            throw ValidationError(field: field, code: "password.tooLong", message: "不能超过72字节（英文字符每个1字节，汉字每个3字节）")
        }
        var classes = 0
        if password.contains(where: { $0.isASCII && $0.isLowercase }) { classes += 1 }
        if password.contains(where: { $0.isASCII && $0.isUppercase }) { classes += 1 }
        if password.contains(where: { $0.isASCII && $0.isNumber }) { classes += 1 }
        if password.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) { classes += 1 }
        if classes < requiredClasses {
            throw ValidationError(field: field, code: "password.classes",
                                  message: "须包含大写字母、小写字母、数字、符号中的至少\(requiredClasses)类，当前\(classes)类")
        }
        let lowered = password.lowercased()
        if !username.isEmpty, lowered.contains(username.lowercased()) {
            throw ValidationError(field: field, code: "password.username", message: "不能包含用户名")
        }
        let core = String(lowered.filter { $0.isLetter || $0.isNumber })
        // Entries are compared with their symbols dropped too, or `p@ssw0rd` could never match.
        let stems = Self.common.map { String($0.filter { $0.isLetter || $0.isNumber }) }
        if stems.contains(where: { core == $0 || (core.hasPrefix($0) && core.count - $0.count <= 4) }) {
            throw ValidationError(field: field, code: "password.common", message: "属于常见弱密码，请换一个")
        }
    }

    /// Frequent passwords and their common stems; a password that is one of them plus a few
    /// characters is refused too.
    static let common: [String] = [
        "password", "passw0rd", "p@ssw0rd", "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123",
        "1qaz2wsx", "1q2w3e4r", "abc123456", "abcd1234", "admin123", "administrator", "iloveyou", "woaini1314",
        "a123456789", "aa123456", "welcome", "letmein", "zxcvbnm", "11111111", "88888888", "66666666",
        "00000000", "asdfghjkl", "qazwsxedc", "changeme", "weijian", "huawei", "root1234",
        "passwordpassword", "adminadmin", "123123123", "5201314", "woaini", "qwertyui",
    ]
}
