import Testing
@testable import WeijianCore

/// RFC 4648 base32 without padding, as authenticator apps read it.
@Suite("Base32")
struct Base32Tests {
    @Test("RFC 4648 test vectors", arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"), ("12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
    ])
    func vectors(plain: String, encoded: String) {
        // given
        let bytes = Array(plain.utf8)

        // when
        let result = Base32.encode(bytes)

        // then
        #expect(result == encoded)
        #expect(Base32.decode(encoded) == bytes)
    }

    @Test("Decoding ignores padding, spaces and case")
    func lenientDecoding() {
        // given
        let inputs = ["MZXW6YQ=", "mzxw6yq", "MZXW 6YQ"]

        // when
        let decoded = inputs.map(Base32.decode)

        // then
        #expect(decoded.allSatisfy { $0 == Array("foob".utf8) })
    }

    @Test("Characters outside the alphabet are refused", arguments: ["MZ1W", "MZ0W", "MZ8", "MZ-W", "密钥"])
    func refusesBadCharacters(text: String) {
        // given
        let input = text

        // when
        let decoded = Base32.decode(input)

        // then
        #expect(decoded == nil)
    }

    @Test("Property: decode(encode(bytes)) returns the bytes for every length")
    func roundTrip() {
        // given
        var generator = SeededGenerator(seed: 4648)
        let inputs = (0..<1000).map { index in (0..<(index % 64)).map { _ in UInt8.random(in: 0...255, using: &generator) } }

        // when
        let failures = inputs.filter { Base32.decode(Base32.encode($0)) != $0 }

        // then
        #expect(failures.isEmpty)
        #expect(inputs.allSatisfy { Base32.encode($0).count == ($0.count * 8 + 4) / 5 })
    }
}
