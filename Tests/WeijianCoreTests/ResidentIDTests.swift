import Foundation
import Testing
@testable import WeijianCore

/// 居民身份证号 (GB 11643-1999), DOMAIN.md "Identifiers".
@Suite("居民身份证号")
struct ResidentIDTests {
    /// The check character computed from DOMAIN.md, independently of the code under test.
    static func checkCharacter(for body: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    @Test("DOMAIN.md valid numbers are accepted with their birth dates",
          arguments: [("11010519491231002X", "1949-12-31"), ("440524188001010014", "1880-01-01")])
    func acceptsValidNumbers(raw: String, birth: String) throws {
        // given
        let expectedBirth = try date(birth)

        // when
        let id = try ResidentID(raw)

        // then
        #expect(id.value == raw)
        #expect(id.description == raw)
        #expect(id.birthDate == expectedBirth)
    }

    @Test("A checksum-valid number with an impossible birth date is rejected")
    func rejectsImpossibleBirthDate() {
        // given: 1949-02-30
        let input = "110105194902300020"

        // when
        let error = #expect(throws: ValidationError.self) { try ResidentID(input) }

        // then
        #expect(error?.code == "residentID.birthDate")
        #expect(error?.message.contains("19490230") == true)
    }

    @Test("A wrong check character is rejected naming the expected one")
    func rejectsBadChecksum() {
        // given
        let input = "110105194912310021"

        // when
        let error = #expect(throws: ValidationError.self) { try ResidentID(input) }

        // then
        #expect(error?.code == "residentID.checksum")
        #expect(error?.message.contains("“X”") == true)
    }

    @Test("Wrong lengths are rejected, including the old 15-digit numbers",
          arguments: ["11010519491231002", "11010519491231002X1", "110105491231002", ""])
    func rejectsWrongLength(raw: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try ResidentID(input) }

        // then
        #expect(error?.code == "residentID.length")
    }

    @Test("Letters in the first 17 positions or a check letter other than X are rejected",
          arguments: [("1101051949A231002X", "residentID.digits"), ("１10105194912310021", "residentID.digits"),
                      ("11010519491231002Y", "residentID.checkCharacter")])
    func rejectsLetters(raw: String, code: String) {
        // given
        let input = raw

        // when
        let error = #expect(throws: ValidationError.self) { try ResidentID(input) }

        // then
        #expect(error?.code == code)
    }

    @Test("A lower-case x is accepted and stored upper-case")
    func acceptsLowerCaseX() throws {
        // given
        let input = " 11010519491231002x "

        // when
        let id = try ResidentID(input)

        // then
        #expect(id.value == "11010519491231002X")
    }

    @Test("An unknown or retired area code is not a reason to reject")
    func acceptsUnknownAreaCode() throws {
        // given
        let body = "99000019800229123"
        let raw = body + String(Self.checkCharacter(for: body))

        // when
        let id = try ResidentID(raw)

        // then
        #expect(id.birthDate == (try date("1980-02-29")))
    }

    @Test("Property: generated numbers with real dates validate; any other check character fails")
    func generatedNumbers() throws {
        // given
        var generator = SeededGenerator(seed: 11643)
        let start = try date("1900-01-01").daysSinceEpoch
        let end = try date("2025-12-31").daysSinceEpoch
        let cases: [(String, LocalDate)] = (0..<300).map { _ in
            let area = String(format: "%06d", Int.random(in: 110_000...659_999, using: &generator))
            let birth = LocalDate(daysSinceEpoch: Int.random(in: start...end, using: &generator))
            let serial = String(format: "%03d", Int.random(in: 0...999, using: &generator))
            let birthDigits = String(format: "%04d%02d%02d", birth.year, birth.month, birth.day)
            return (area + birthDigits + serial, birth)
        }

        // when
        var failures: [String] = []
        for (body, birth) in cases {
            let check = Self.checkCharacter(for: body)
            if (try? ResidentID(body + String(check)))?.birthDate != birth { failures.append(body + String(check)) }
            for other in "0123456789X" where other != check {
                if (try? ResidentID(body + String(other))) != nil { failures.append(body + String(other)) }
            }
        }

        // then
        #expect(failures.isEmpty, "unexpected results for \(failures.prefix(5))")
    }
}
