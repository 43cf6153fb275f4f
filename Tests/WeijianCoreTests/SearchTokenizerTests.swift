import Testing
@testable import WeijianCore

/// Search tokens: Chinese characters and pairs, lower-cased ASCII words, all written as ASCII.
@Suite("检索分词")
struct SearchTokenizerTests {
    @Test("A query for 宾馆 finds 某某宾馆有限公司", arguments: ["宾馆", "宾", "有限公司", "某某宾馆有限公司", "馆有"])
    func queryIsSubsetOfIndex(query: String) {
        // given
        let index = Set(SearchTokenizer.indexTokens("某某宾馆有限公司"))

        // when
        let tokens = SearchTokenizer.queryTokens(query)

        // then
        #expect(!tokens.isEmpty)
        #expect(Set(tokens).isSubset(of: index))
    }

    @Test("A query for 泳池 does not find 游泳馆, nor 馆宾 find 宾馆")
    func queryNotFound() {
        // given
        let swimmingHall = Set(SearchTokenizer.indexTokens("游泳馆"))
        let hotel = Set(SearchTokenizer.indexTokens("某某宾馆有限公司"))

        // when
        let pool = SearchTokenizer.queryTokens("泳池")
        let reversed = SearchTokenizer.queryTokens("馆宾")

        // then
        #expect(!Set(pool).isSubset(of: swimmingHall))
        #expect(!Set(reversed).isSubset(of: hotel))
    }

    @Test("A Chinese run indexes every character and every overlapping pair")
    func indexesCharactersAndPairs() {
        // given
        let text = "游泳馆"

        // when
        let tokens = SearchTokenizer.indexTokens(text)

        // then: 游 U+6E38, 泳 U+6CF3, 馆 U+9986
        #expect(tokens == ["h6e38", "h6e38x6cf3", "h6cf3", "h6cf3x9986", "h9986"])
        #expect(SearchTokenizer.queryTokens(text) == ["h6e38x6cf3", "h6cf3x9986"])
    }

    @Test("ASCII words are lower-cased and matched as whole words")
    func asciiWords() {
        // given
        let text = "Hilton HOTEL 2号楼 KTV"

        // when
        let tokens = SearchTokenizer.indexTokens(text)

        // then
        #expect(tokens.contains("ahilton"))
        #expect(tokens.contains("ahotel"))
        #expect(tokens.contains("a2"))
        #expect(tokens.contains("aktv"))
        #expect(SearchTokenizer.queryTokens("hotel") == SearchTokenizer.queryTokens("HoTeL"))
        #expect(Set(SearchTokenizer.queryTokens("KTV 2号楼")).isSubset(of: Set(tokens)))
    }

    @Test("Full-width letters and digits fold to half-width")
    func fullWidthFolds() {
        // given
        let fullWidth = "ＡＢＣ１２３"

        // when
        let tokens = SearchTokenizer.indexTokens(fullWidth)

        // then
        #expect(tokens == ["aabc123"])
        #expect(SearchTokenizer.queryTokens("abc123") == tokens)
    }

    @Test("Punctuation and spaces separate words and are not tokens")
    func punctuation() {
        // given
        let text = "（某某）宾馆，A-B！"

        // when
        let tokens = SearchTokenizer.indexTokens(text)

        // then
        #expect(tokens.contains("aa"))
        #expect(tokens.contains("ab"))
        #expect(!tokens.contains(SearchTokenizer.queryTokens("某宾").first ?? "none"))
        #expect(SearchTokenizer.indexTokens("，。！ ——").isEmpty)
    }

    @Test("Property: tokens are ASCII letters and digits only, and every token is listed once")
    func tokensArePlainASCII() {
        // given
        var generator = SeededGenerator(seed: 5)
        let alphabet = Array("某宾馆有限公司游泳池卫生监督所ABCxyz019ＡＢｃ１ 　，。-_/()（）😀é𠀋㐀")
        let texts = (0..<500).map { _ in generator.string(from: alphabet, count: Int.random(in: 0...30, using: &generator)) }

        // when
        let tokens = texts.flatMap { SearchTokenizer.indexTokens($0) + SearchTokenizer.queryTokens($0) }
        let duplicated = texts.filter { Set(SearchTokenizer.indexTokens($0)).count != SearchTokenizer.indexTokens($0).count }

        // then
        #expect(!tokens.isEmpty)
        #expect(tokens.allSatisfy { token in !token.isEmpty && token.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) } })
        #expect(duplicated.isEmpty)
    }

    @Test("Property: a query for any Chinese substring of a document is found in it")
    func substringsAreFound() {
        // given
        var generator = SeededGenerator(seed: 21)
        let alphabet = Array("某宾馆有限公司游泳池卫生监督所医院诊所学校供水")
        let documents = (0..<300).map { _ in generator.string(from: alphabet, count: Int.random(in: 1...20, using: &generator)) }

        // when
        var failures: [String] = []
        for document in documents {
            let chars = Array(document)
            let start = Int.random(in: 0..<chars.count, using: &generator)
            let end = Int.random(in: start..<chars.count, using: &generator)
            let query = String(chars[start...end])
            if !Set(SearchTokenizer.queryTokens(query)).isSubset(of: Set(SearchTokenizer.indexTokens(document))) {
                failures.append("\(query) in \(document)")
            }
        }

        // then
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
