import Foundation
import Testing
@testable import WeijianCore

/// The QR encoder, held to a real decoder: the rendered image is read back with `zbarimg`
/// (Debian's zbar-tools), as a phone's authenticator app would read it.
@Suite("QR codes")
struct QRCodeTests {
    /// Writes the code as a PBM bitmap (4 pixels a module, quiet zone of 4) and decodes it.
    static func decode(_ code: QRCode) throws -> String {
        let scale = 4, quiet = 4
        let pixels = (code.size + 2 * quiet) * scale
        var text = "P1\n\(pixels) \(pixels)\n"
        for y in 0..<pixels {
            let row = y / scale - quiet
            var line = ""
            for x in 0..<pixels {
                let column = x / scale - quiet
                let isDark = (0..<code.size).contains(row) && (0..<code.size).contains(column) && code.modules[row][column]
                line += isDark ? "1 " : "0 "
            }
            text += line + "\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try text.write(to: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", "-Sbinary", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    @Test("A second-factor URI with a Chinese issuer decodes to the same text", arguments: [
        "otpauth://totp/%E5%8D%AB%E7%94%9F%E7%9B%91%E7%9D%A3%E6%89%80:zhangsan?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=%E5%8D%AB%E7%94%9F%E7%9B%91%E7%9D%A3%E6%89%80&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/x:a?secret=AB",
        "卫生监督所",
    ])
    func roundTrip(text: String) throws {
        // when
        let code = try QRCode(text: text)
        // then
        #expect(code.size == code.version * 4 + 17)
        #expect(try Self.decode(code) == text)
    }

    @Test("Every version from 1 to 10 decodes, at the longest data it holds", arguments: Array(1...10))
    func everyVersion(version: Int) throws {
        // given: exactly the capacity of this version
        let text = String((0..<QRCode.capacity(version: version)).map { index in Character(UnicodeScalar(UInt8(65 + index % 26))) })
        // when
        let code = try QRCode(text: text)
        // then
        #expect(code.version == version)
        #expect(try Self.decode(code) == text)
    }

    @Test("Data longer than version 10 holds is refused with its length")
    func tooLong() {
        #expect(QRCode.capacity(version: 10) == 213)
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 214, capacity: 213)) { try QRCode(bytes: Array(repeating: 0x41, count: 214)) }
    }

    @Test("The SVG draws the dark modules inside a quiet zone")
    func svg() throws {
        let code = try QRCode(text: "otpauth://totp/x:a?secret=AB")
        let svg = code.svg(pixels: 180)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(svg.contains("M4 4h7v1h-7z"), "the top-left finder's first row starts at the quiet zone")
    }
}
