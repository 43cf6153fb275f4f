import Testing
@testable import WeijianCore

/// 统一社会信用代码 (GB 32100-2015), DOMAIN.md "Identifiers".
@Suite("统一社会信用代码")
struct CreditCodeTests {
    /// The check character computed independently of the code under test, straight from DOMAIN.md:
    /// weights 1 3 9 … 28, check = 31 − (Σ mod 31), 31 → 0.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    static func checkCharacter(for body: String) -> Character {
        let sum = zip(Array(body), weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    @Test("DOMAIN.md valid codes are accepted without warnings",
          arguments: ["91350100M000100Y43", "914403001922038216", "91440300708461136T"])
    func acceptsValidCodes(raw: String) throws {
        // given
        let input = raw

        // when
        let code = try CreditCode(input)

        // then
        #expect(code.value == raw)
        #expect(code.description == raw)
        #expect(code.organisationCodeIsValid)
        #expect(code.warnings.isEmpty)
        #expect(!code.isIndividualBusiness)
    }

    @Test("A wrong 18th character is rejected with a message naming the expected one",
          arguments: [("91350100M000100Y4Z", "3"), ("914403001922038217", "6")])
    func rejectsWrongCheckCharacter(raw: String, expected: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try CreditCode(input) }

        // then
        #expect(error?.code == "creditCode.checksum")
        #expect(error?.field == "统一社会信用代码")
        #expect(error?.message.contains("“\(expected)”") == true)
        #expect(error?.message.contains("GB 32100-2015") == true)
    }

    @Test("Wrong length is rejected with the actual length", arguments: ["91350100M000100Y4", "91350100M000100Y433", ""])
    func rejectsWrongLength(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try CreditCode(input) }

        // then
        #expect(error?.code == "creditCode.length")
        #expect(error?.message.contains("实际为\(raw.count)位") == true)
    }

    @Test("The letters I O S V Z are not allowed, in either case", arguments: ["I", "O", "S", "V", "Z", "i", "o", "s", "v", "z"])
    func rejectsForbiddenLetters(letter: String) {
        // given: the 10th character of a valid code replaced
        var chars = Array("91350100M000100Y43")
        chars[9] = Character(letter)
        let input = String(chars)

        // when
        let error = #expect(throws: ValidationError.self) { try CreditCode(input) }

        // then
        #expect(error?.code == "creditCode.character")
        #expect(error?.message.contains("第10位") == true)
        #expect(error?.message.contains(letter.uppercased()) == true)
    }

    @Test("A forbidden letter in the 18th position is a check failure naming the expected character",
          arguments: ["I", "O", "S", "V", "Z"])
    func forbiddenLetterAsCheckCharacter(letter: String) {
        // given
        let input = "91440300708461136" + letter

        // when
        let error = #expect(throws: ValidationError.self) { try CreditCode(input) }

        // then
        #expect(error?.code == "creditCode.checksum")
        #expect(error?.message.contains("“T”") == true)
    }

    @Test("Other characters such as punctuation or Chinese are rejected as characters")
    func rejectsOtherCharacters() {
        // given
        let inputs = ["91350100M000100Y-3", "91350100M000100Y卫3"]

        // when
        let codes = inputs.map { input in
            (#expect(throws: ValidationError.self) { try CreditCode(input) })?.code
        }

        // then
        #expect(codes == ["creditCode.character", "creditCode.character"])
    }

    @Test("Lower-case input and surrounding spaces are normalised")
    func normalisesInput() throws {
        // given
        let input = "  91350100m000100y43\n"

        // when
        let code = try CreditCode(input)

        // then
        #expect(code.value == "91350100M000100Y43")
        #expect(try CreditCode("91440300708461136t") == CreditCode("91440300708461136T"))
    }

    @Test("A failed GB 11714 inner check is a warning, not a rejection")
    func innerCheckIsOnlyAWarning() throws {
        // given: the organisation code's own check (17th character) changed from 4 to 5,
        // and the 18th character recomputed so the mandatory check holds
        let body = "91350100M000100Y5"
        let raw = body + String(Self.checkCharacter(for: body))

        // when
        let code = try CreditCode(raw)

        // then
        #expect(code.value == raw)
        #expect(code.organisationCode == "M000100Y5")
        #expect(!code.organisationCodeIsValid)
        #expect(code.warnings.count == 1)
        #expect(code.warnings.first?.contains("GB 11714") == true)
    }

    @Test("The inner check maps 10 to X and 11 to 0")
    func innerCheckSpecialValues() throws {
        // given: GB 11714 weights 3 7 9 10 5 8 4 2.
        // "40000000": 4×3 = 12 ≡ 1 (mod 11) → 11 − 1 = 10 → check "X".
        // "10000004": 1×3 + 4×2 = 11 ≡ 0 (mod 11) → 11 − 0 = 11 → check "0".
        let xBody = "9135010040000000X"
        let zeroBody = "91350100100000040"
        let xCode = try CreditCode(xBody + String(Self.checkCharacter(for: xBody)))
        let zeroCode = try CreditCode(zeroBody + String(Self.checkCharacter(for: zeroBody)))

        // when
        let results = [xCode.organisationCodeIsValid, zeroCode.organisationCodeIsValid]

        // then
        #expect(results == [true, true])
    }

    @Test("个体工商户 codes start with 92")
    func individualBusiness() throws {
        // given
        let body = "92350102MA2Y0KL81"
        let raw = body + String(Self.checkCharacter(for: body))

        // when
        let code = try CreditCode(raw)

        // then
        #expect(code.isIndividualBusiness)
        #expect(try !CreditCode("91350100M000100Y43").isIndividualBusiness)
    }

    @Test("Property: the computed check character always validates and any other one always fails")
    func checkCharacterProperty() {
        // given
        var generator = SeededGenerator(seed: 32100)
        let bodies = (0..<500).map { _ in generator.string(from: Self.alphabet, count: 17) }

        // when
        var accepted = 0
        var failures: [String] = []
        for body in bodies {
            let check = Self.checkCharacter(for: body)
            if (try? CreditCode(body + String(check))) != nil { accepted += 1 } else { failures.append(body + String(check)) }
            for other in Self.alphabet where other != check {
                do {
                    _ = try CreditCode(body + String(other))
                    failures.append(body + String(other))
                } catch let error as ValidationError where error.code == "creditCode.checksum" {
                    continue
                } catch {
                    failures.append(body + String(other))
                }
            }
        }

        // then
        #expect(accepted == bodies.count)
        #expect(failures.isEmpty, "unexpected results for \(failures.prefix(5))")
    }
}
