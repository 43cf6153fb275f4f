import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as every
/// authenticator app expects.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    public let period: TimeInterval

    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new random 20-byte secret.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public func step(at date: Date) -> Int64 { Int64(floor(date.timeIntervalSince1970 / period)) }

    public func code(step: Int64) -> String {
        var counter = UInt64(max(0, step)).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = binary % modulus
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// Verifies a code within ±`window` steps; returns the matching step so the caller can refuse
    /// a replay of the same code, or nil.
    public func verify(_ input: String, at date: Date, window: Int64 = 1, after lastUsedStep: Int64? = nil) -> Int64? {
        let code = input.filter { !$0.isWhitespace }
        guard code.count == digits else { return nil }
        let now = step(at: date)
        for candidate in (now - window)...(now + window) {
            if let last = lastUsedStep, candidate <= last { continue }
            if constantTimeEquals(self.code(step: candidate), code) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` URI that authenticator apps read from a QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics
        let issuerEncoded = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        let accountEncoded = account.addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        return "otpauth://totp/\(issuerEncoded):\(accountEncoded)?secret=\(Base32.encode(secret))&issuer=\(issuerEncoded)&digits=\(digits)&period=\(Int(period))"
    }
}

func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// RFC 4648 base32 without padding, as used by authenticator apps.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for char in text.uppercased().utf8 where char != UInt8(ascii: "=") && char != UInt8(ascii: " ") {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}
