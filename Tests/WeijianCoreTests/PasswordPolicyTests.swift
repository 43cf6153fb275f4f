import Testing
@testable import WeijianCore

/// Password rules of 等保 2.0 level 3 (DOMAIN.md "Security settings").
@Suite("密码策略")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test("The defaults are 12 characters, 3 of 4 classes, 90 days")
    func defaults() {
        // given
        let defaults = PasswordPolicy()

        // when
        let values = [defaults.minimumLength, defaults.requiredClasses, defaults.maximumAgeDays]

        // then
        #expect(values == [12, 3, 90])
    }

    @Test("Strong passwords are accepted", arguments: ["Tian-Lu-Zhou-88", "correct horse Battery", "福州Fz2026summer", "qwerty-Tian-Lu9"])
    func acceptsStrongPasswords(password: String) {
        // given
        let username = "wangwu"

        // when
        let outcome = Result { try policy.check(password, username: username) }

        // then
        #expect(throws: Never.self) { try outcome.get() }
    }

    @Test("Too short is refused with the length", arguments: ["Ab1!", "Ab1!Ab1!Ab1"])
    func refusesShortPasswords(password: String) {
        // given
        let username = "wangwu"

        // when
        let error = #expect(throws: ValidationError.self) { try policy.check(password, username: username) }

        // then
        #expect(error?.code == "password.length")
        #expect(error?.message.contains("当前\(password.count)个") == true)
    }

    @Test("Fewer than 3 character classes are refused", arguments: ["abcdefghijkl", "abcdefghijk1", "ABCDEFGH1234", "tian lu zhou xyz"])
    func refusesFewClasses(password: String) {
        // given
        let username = "wangwu"

        // when
        let error = #expect(throws: ValidationError.self) { try policy.check(password, username: username) }

        // then
        #expect(error?.code == "password.classes")
    }

    @Test("A password containing the username is refused, in any case")
    func refusesUsername() {
        // given
        let username = "ZhangSan"

        // when
        let error = #expect(throws: ValidationError.self) { try policy.check("my-zhangsan-2026", username: username) }

        // then
        #expect(error?.code == "password.username")
    }

    @Test("Common passwords and their stems with a few extra characters are refused",
          arguments: ["Password1234!", "Admin123!abc", "Weijian@2026", "Qwerty123!ab", "P@ssw0rd2026", "P@ssw0rd!2026"])
    func refusesCommonPasswords(password: String) {
        // given
        let username = "wangwu"

        // when
        let error = #expect(throws: ValidationError.self) { try policy.check(password, username: username) }

        // then
        #expect(error?.code == "password.common")
    }

    @Test("The thresholds are settings")
    func customPolicy() {
        // given
        let strict = PasswordPolicy(minimumLength: 16, requiredClasses: 4)

        // when
        let short = #expect(throws: ValidationError.self) { try strict.check("Tian-Lu-Zhou-88", username: "wangwu") }
        let classes = #expect(throws: ValidationError.self) { try strict.check("tian-lu-zhou-8888", username: "wangwu") }

        // then
        #expect(short?.message.contains("至少16个字符") == true)
        #expect(classes?.code == "password.classes")
        #expect(throws: Never.self) { try strict.check("Tian-Lu-Zhou-8888", username: "wangwu") }
    }
}

@Test func passwordsLongerThanBcryptReadsAreRefused() {
    // given: 25 Chinese characters are 75 bytes, more than the 72 bcrypt reads
    let password = "Aa1!" + String(repeating: "卫", count: 25)
    // when / then
    #expect(throws: ValidationError.self) { try PasswordPolicy().check(password, username: "u") }
    do { try PasswordPolicy().check(password, username: "u") } catch let error as ValidationError {
        #expect(error.code == "password.tooLong")
    } catch { Issue.record("unexpected \(error)") }
}
