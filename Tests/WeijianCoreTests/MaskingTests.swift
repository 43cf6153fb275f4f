import Testing
@testable import WeijianCore

/// Masking of natural persons' data (DOMAIN.md "Masking").
@Suite("脱敏")
struct MaskingTests {
    @Test("Names keep the surname; compound surnames are kept whole", arguments: [
        ("张三", "张*"), ("欧阳小明", "欧阳**"), ("王小二", "王**"), ("司马光", "司马*"), ("诸葛亮", "诸葛*"),
        ("欧阳", "欧*"), ("李", "李"), ("", ""), (" 张三 ", "张*"),
    ])
    func personName(name: String, masked: String) {
        // given
        let input = name

        // when
        let result = Masking.personName(input)

        // then
        #expect(result == masked)
    }

    @Test("Phones keep the first 3 and last 4 digits; landlines keep the area code", arguments: [
        ("13812341234", "138****1234"), ("0591-87654321", "0591-****4321"), ("1234567", "*******"),
    ])
    func phone(phone: String, masked: String) {
        // given
        let input = phone

        // when
        let result = Masking.phone(input)

        // then
        #expect(result == masked)
    }

    @Test("ID numbers keep the area code and the last four", arguments: [
        ("11010519491231002X", "110105********002X"), ("440524188001010014", "440524********0014"), ("1234567890", "**********"),
    ])
    func idNumber(id: String, masked: String) {
        // given
        let input = id

        // when
        let result = Masking.idNumber(input)

        // then
        #expect(result == masked)
    }

    @Test("Home addresses are cut after the street", arguments: [
        ("北京市朝阳区建外街道建国路88号1号楼101", "北京市朝阳区建外街道****"),
        ("福建省福州市鼓楼区五四路158号3单元", "福建省福州市鼓楼区五四路****"),
        ("福建省闽侯县上街镇溪源宫路12号", "福建省闽侯县上街镇****"),
        ("广东省深圳市南山区深南大道9988号", "广东省深圳市南山区深南大道****"),
        ("福建省福州市鼓楼区五四路", "福建省福州市鼓楼区五四路"),
        ("某小区5栋301", "某小区5****"),
    ])
    func address(address: String, masked: String) {
        // given
        let input = address

        // when
        let result = Masking.address(input)

        // then
        #expect(result == masked)
    }

    @Test("Bank accounts keep the last 4 digits", arguments: [
        ("6222021234567890123", "****0123"), ("6222 0212 3456 7890", "****7890"), ("123", "***"),
    ])
    func bankAccount(account: String, masked: String) {
        // given
        let input = account

        // when
        let result = Masking.bankAccount(input)

        // then
        #expect(result == masked)
    }

    @Test("Each kind of personal datum masks with its own function")
    func personalDataKinds() {
        // given
        let samples: [PersonalDataKind: String] = [
            .personName: "欧阳小明", .phone: "13812341234", .idNumber: "11010519491231002X",
            .address: "北京市朝阳区建国路88号", .bankAccount: "6222021234567890123",
        ]

        // when
        let masked = samples.map { ($0.key, $0.key.mask($0.value)) }

        // then
        #expect(Set(samples.keys) == Set(PersonalDataKind.allCases))
        for (kind, value) in masked {
            let expected = switch kind {
            case .personName: "欧阳**"
            case .phone: "138****1234"
            case .idNumber: "110105********002X"
            case .address: "北京市朝阳区建国路****"
            case .bankAccount: "****0123"
            }
            #expect(value == expected, "\(kind)")
            #expect(!kind.chinese.isEmpty)
        }
    }

    // MARK: - Properties

    /// Inputs of the shapes each field sees, plus noise: digits, separators, stars, Chinese
    /// characters, address markers, compound surnames and spaces.
    static func generatedInputs(seed: UInt64, count: Int) -> [String] {
        var generator = SeededGenerator(seed: seed)
        let pieces: [String] = [
            "0", "1", "3", "8", "9", "X", "x", "-", " ", "*", "**", "张", "三", "欧阳", "司马", "明", "a", "B",
            "街道", "镇", "乡", "路", "街", "巷", "村", "大道", "号", "栋", "省", "市", "区", "\t", "０", "·",
        ]
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        + ["", " ", "*", "****", "-", "----", "0591-", "-1234", "13812341234", "欧阳", "欧阳*"]
    }

    @Test("Property: every masking function is idempotent", arguments: PersonalDataKind.allCases)
    func idempotent(kind: PersonalDataKind) {
        // given
        let inputs = Self.generatedInputs(seed: 0x6D61_736B, count: 3000)

        // when
        let failures = inputs.filter { kind.mask(kind.mask($0)) != kind.mask($0) }

        // then
        #expect(failures.isEmpty, "not idempotent for \(failures.prefix(5).map { "«\($0)»" })")
    }

    @Test("Property: masked mobiles, ID numbers and bank accounts never show the middle digits")
    func hidesTheMiddle() {
        // given
        var generator = SeededGenerator(seed: 138)
        let digits = Array("0123456789")
        let mobiles = (0..<500).map { _ in "1" + generator.string(from: digits, count: 10) }
        let ids = (0..<500).map { _ in generator.string(from: digits, count: 17) + "X" }
        let accounts = (0..<500).map { _ in generator.string(from: digits, count: 19) }

        // when
        let maskedMobiles = mobiles.map(Masking.phone)
        let maskedIDs = ids.map(Masking.idNumber)
        let maskedAccounts = accounts.map(Masking.bankAccount)

        // then
        #expect(zip(mobiles, maskedMobiles).allSatisfy { raw, masked in
            masked.count == 11 && masked.hasPrefix(raw.prefix(3)) && masked.hasSuffix(raw.suffix(4))
                && Array(masked)[3..<7] == ["*", "*", "*", "*"]
        })
        #expect(zip(ids, maskedIDs).allSatisfy { raw, masked in
            masked.count == 18 && masked.hasPrefix(raw.prefix(6)) && masked.hasSuffix(raw.suffix(4))
                && masked.dropFirst(6).prefix(8).allSatisfy { $0 == "*" }
        })
        #expect(zip(accounts, maskedAccounts).allSatisfy { raw, masked in masked == "****" + raw.suffix(4) })
    }

    @Test("Property: a masked name keeps only the surname")
    func namesKeepOnlyTheSurname() {
        // given
        var generator = SeededGenerator(seed: 8)
        let given = Array("小明华伟芳娜秀英敏静丽强磊军洋勇艳杰")
        let surnames = ["张", "王", "李", "欧阳", "司马", "诸葛", "上官"]
        let names = (0..<500).map { _ in
            surnames.randomElement(using: &generator)! + generator.string(from: given, count: Int.random(in: 1...2, using: &generator))
        }

        // when
        let masked = names.map(Masking.personName)

        // then
        #expect(zip(names, masked).allSatisfy { name, result in
            let surname = surnames.filter { $0.count == 2 }.first { name.hasPrefix($0) && name.count > 2 } ?? String(name.prefix(1))
            return result == surname + String(repeating: "*", count: name.count - surname.count)
        })
    }
}
