import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the bytes of an uploaded text file into a string, whichever encoding a Chinese office
/// machine saved it in.
///
/// UTF-8 is tried first (with or without a byte-order mark); bytes that are not valid UTF-8 are
/// read as GB18030, which also covers GBK and GB2312, the "ANSI" encoding of Chinese Windows.
public enum TextDecoding {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Decodes `data` and names the encoding found.
    /// - Throws: `ValidationError` with code `file.encoding` when the bytes are valid in neither.
    public static func decode(_ data: Data) throws -> (text: String, encoding: TextEncoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: byteOrderMark), let text = String(validating: bytes.dropFirst(3), as: UTF8.self) {
            return (text, .utf8WithBOM)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return (text, .utf8)
        }
        if let text = gb18030(bytes) {
            return (text, .gb18030)
        }
        throw ValidationError(field: "文件", code: "file.encoding",
                              message: "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV")
    }

    /// GB18030 through the C library's iconv; nil when the bytes are not valid GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        // iconv_open reports failure as (iconv_t)-1, not as a null pointer.
        guard let converter, converter != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }

        var input = bytes.map { CChar(bitPattern: $0) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 2)
        var chunk = [CChar](repeating: 0, count: 64 * 1024)
        let succeeded = input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                var inPointer = inputBuffer.baseAddress
                var inLeft = inputBuffer.count
                while inLeft > 0 {
                    var outPointer = chunkBuffer.baseAddress
                    var outLeft = chunkBuffer.count
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    let produced = chunkBuffer.count - outLeft
                    output.append(contentsOf: UnsafeRawBufferPointer(start: chunkBuffer.baseAddress, count: produced))
                    // E2BIG only means the chunk is full: it has been copied out, so convert on.
                    if result == -1, errno != E2BIG { return false }
                }
                return true
            }
        }
        return succeeded ? String(validating: output, as: UTF8.self) : nil
    }
}
