import Testing
@testable import WeijianCore

/// The standard-library text helpers that replaced Foundation's on the import path, and the
/// parallel map that prepares imports off Swift's cooperative pool.
@Suite("文本工具与并行处理")
struct TextHelpersTests {
    @Test("replacingScalars replaces every occurrence, leaves text without it untouched")
    func replacesEveryOccurrence() {
        // given
        let name = "阳光有限责任公司与月光有限责任公司"

        // when
        let replaced = name.replacingScalars("有限责任公司", with: "有限公司")

        // then
        #expect(replaced == "阳光有限公司与月光有限公司")
        #expect("阳光有限责任".replacingScalars("有限责任公司", with: "有限公司") == "阳光有限责任")
        #expect("".replacingScalars("公司", with: "") == "")
    }

    @Test("Pinyin keys keep Latin runs lower-cased and trimmed between Chinese characters")
    func pinyinKeepsLatinRuns() {
        #expect(PinyinSortKey.make(" KFC 肯德基 ") == "kfc ken de ji")
        #expect(PinyinSortKey.make("重庆AB店") == "chong qing ab dian")
    }

    @Test("Parallel.map returns every result in input order, on large and small inputs")
    func parallelMapKeepsOrder() async {
        // given
        let large = Array(0..<10_000)
        let small = Array(0..<10)

        // when
        let doubled = await Parallel.map(large) { $0 * 2 }
        let tiny = await Parallel.map(small) { $0 + 1 }

        // then
        #expect(doubled == large.map { $0 * 2 })
        #expect(tiny == small.map { $0 + 1 })
    }

    @Test("Chinese tokens spell code points in lower-case hex, as the stored index expects")
    func hanTokensSpellCodePoints() {
        let scalars: [Unicode.Scalar] = ["宾", "馆", "\u{3400}", "\u{20000}", "\u{F900}"]
        for scalar in scalars {
            #expect(SearchTokenizer.han([scalar]) == "h" + String(scalar.value, radix: 16))
        }
        #expect(SearchTokenizer.han(["宾", "馆"]) == "h5bbex9986")
    }

    @Test("Phone numbers with spaces fold them to hyphens; without spaces they pass unchanged")
    func phoneSpacing() throws {
        #expect(try PhoneNumber("0591  87654321").value == "0591-87654321")
        #expect(try PhoneNumber("0591 - 87654321 - 12").value == "0591-87654321-12")
        #expect(try PhoneNumber("138 0013 8000").value == "13800138000")
        #expect(try PhoneNumber("0591-87654321").value == "0591-87654321")
    }
}
