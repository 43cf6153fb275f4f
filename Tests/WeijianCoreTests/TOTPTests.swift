import Foundation
import Testing
@testable import WeijianCore

/// Time-based one-time passwords (RFC 6238, HMAC-SHA1).
@Suite("TOTP")
struct TOTPTests {
    /// The RFC 6238 appendix B SHA1 seed.
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test("RFC 6238 SHA1 test vectors, 8 digits and the 6-digit variants", arguments: [
        (59.0, "94287082"), (1_111_111_109.0, "07081804"), (1_111_111_111.0, "14050471"),
        (1_234_567_890.0, "89005924"), (2_000_000_000.0, "69279037"), (20_000_000_000.0, "65353130"),
    ])
    func rfcVectors(time: TimeInterval, expected: String) {
        // given
        let eight = TOTP(secret: Self.rfcSecret, digits: 8)
        let six = TOTP(secret: Self.rfcSecret)
        let moment = Date(timeIntervalSince1970: time)

        // when
        let codes = (eight.code(at: moment), six.code(at: moment))

        // then
        #expect(codes.0 == expected)
        #expect(codes.1 == String(expected.suffix(6)))
    }

    @Test("Steps are 30 seconds")
    func steps() {
        // given
        let totp = TOTP(secret: Self.rfcSecret)

        // when
        let steps = [0.0, 29.999, 30, 59, 1_111_111_109].map { totp.step(at: Date(timeIntervalSince1970: $0)) }

        // then
        #expect(steps == [0, 0, 1, 1, 37_037_036])
    }

    @Test("A code is accepted within one step either side and refused beyond")
    func verifyWindow() {
        // given: the code of step 37 037 036 (t = 1 111 111 109)
        let totp = TOTP(secret: Self.rfcSecret)
        let code = "081804"
        let step: Int64 = 37_037_036
        func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_111_111_109 + seconds) }

        // when
        let sameStep = totp.verify(code, at: at(0))
        let nextStep = totp.verify(code, at: at(30))
        let previousStep = totp.verify(code, at: at(-30))
        let twoLater = totp.verify(code, at: at(60))
        let twoEarlier = totp.verify(code, at: at(-60))
        let noWindow = totp.verify(code, at: at(30), window: 0)
        let wideWindow = totp.verify(code, at: at(60), window: 2)

        // then
        #expect(sameStep == step)
        #expect(nextStep == step)
        #expect(previousStep == step)
        #expect(twoLater == nil)
        #expect(twoEarlier == nil)
        #expect(noWindow == nil)
        #expect(wideWindow == step)
    }

    @Test("A code already used (its step at or before the last used one) is refused as a replay")
    func replayRefused() {
        // given
        let totp = TOTP(secret: Self.rfcSecret)
        let moment = Date(timeIntervalSince1970: 59)
        let used = totp.verify("287082", at: moment)

        // when
        let replay = totp.verify("287082", at: moment, after: used)
        let afterEarlier = totp.verify("287082", at: moment, after: 0)
        let nextCode = totp.verify(totp.code(step: 2), at: Date(timeIntervalSince1970: 61), after: used)

        // then
        #expect(used == 1)
        #expect(replay == nil)
        #expect(afterEarlier == 1)
        #expect(nextCode == 2)
    }

    @Test("Wrong codes, wrong lengths and another secret are refused; spaces are ignored")
    func refusesWrongCodes() {
        // given
        let totp = TOTP(secret: Self.rfcSecret)
        let other = TOTP(secret: Array("abcdefghijabcdefghij".utf8))
        let moment = Date(timeIntervalSince1970: 59)

        // when
        let results = [
            totp.verify("287083", at: moment), totp.verify("28708", at: moment), totp.verify("94287082", at: moment),
            other.verify("287082", at: moment), totp.verify("287 082", at: moment),
        ]

        // then
        #expect(results == [nil, nil, nil, nil, 1])
    }

    @Test("New secrets are 20 random bytes")
    func generatedSecrets() {
        // given
        let count = 2

        // when
        let secrets = (0..<count).map { _ in TOTP.generateSecret() }

        // then
        #expect(secrets.allSatisfy { $0.count == 20 })
        #expect(secrets[0] != secrets[1])
    }

    @Test("The provisioning URI carries the base32 secret and a percent-encoded issuer")
    func provisioningURI() {
        // given
        let totp = TOTP(secret: Self.rfcSecret)

        // when
        let uri = totp.provisioningURI(account: "zhang.san@wj", issuer: "福州卫监所")

        // then
        #expect(uri.hasPrefix("otpauth://totp/%E7%A6%8F%E5%B7%9E%E5%8D%AB%E7%9B%91%E6%89%80:zhang%2Esan%40wj?"))
        #expect(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(uri.contains("&digits=6&period=30"))
        #expect(uri.allSatisfy { $0.isASCII })
        #expect(URL(string: uri) != nil)
    }
}
